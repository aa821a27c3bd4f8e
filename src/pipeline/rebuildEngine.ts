import type { DecisionEngine } from '../decisionMemory/engine.js';
import type { OperatorHold } from '../decisionMemory/patterns.js';
import { learnExecution } from './executionLearning.js';
import type { HistoryStep } from './ports.js';
import { toVenueEvent } from './venueEvent.js';

/**
 * The engine is a cache: replaying the stored proposals and operator decisions in the order they
 * happened into a fresh engine gives back what it had learned; operator holds are applied last.
 * Emergencies never enter the history (they bypass learning).
 * @example rebuildEngine(new DecisionEngine(settings, venueModules()), await store.history(), await store.holds())
 */
export function rebuildEngine(engine: DecisionEngine, steps: readonly HistoryStep[], holds: ReadonlyMap<string, OperatorHold>): DecisionEngine {
  for (const step of steps) applyStep(engine, step);
  applyHolds(engine, holds);
  return engine;
}

/**
 * Brings the engine's holds to the operators' stored ones (as a rebuild ends, and at every catch-up): each
 * stored lock or demotion applied, and a hold the engine carries but the operators have since released (from a
 * snapshot, or set through this instance and released through another) taken off. Only differences are applied.
 */
export function applyHolds(engine: DecisionEngine, holds: ReadonlyMap<string, OperatorHold>): void {
  const known = new Map(engine.patterns().map((p) => [p.key, p.hold]));
  for (const [key, hold] of holds) if (hold !== 'none' && known.get(key) !== hold) engine.hold(key, hold);
  for (const [key, hold] of known) if (hold !== 'none' && (holds.get(key) ?? 'none') === 'none') engine.hold(key, 'none');
}

/** Applies one stored step to the engine exactly as it was applied when it happened. */
export function applyStep(engine: DecisionEngine, step: HistoryStep): void {
  const event = toVenueEvent(step.event);
  if (step.kind === 'propose') engine.propose(event, event.t);
  else if (step.kind === 'executed') learnExecution(engine, step);
  else engine.learn(event, { decision: step.decision.decision, params: step.decision.params }, step.decision.outcome, step.decision.createdAt);
}
