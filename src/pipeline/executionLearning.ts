import type { DecisionEngine } from '../decisionMemory/engine.js';
import { learnsAsTruth, lessonOf } from '../execution/learning.js';
import type { ExecutionOrigin, ExecutionState } from '../execution/states.js';
import type { DecisionParams, ExecutionTier } from '../venue/types.js';
import type { ReceivedEvent } from './ports.js';
import { toVenueEvent } from './venueEvent.js';

/** A finished execution as the learning history sees it (persisted: a rebuild replays it in order). */
export interface ExecutedStep {
  readonly kind: 'executed';
  readonly event: ReceivedEvent;
  readonly decision: string;
  readonly params: DecisionParams;
  readonly origin: ExecutionOrigin;
  readonly tier: ExecutionTier;
  readonly state: ExecutionState;
  readonly reason: string | null;
  readonly at: Date;
}

/**
 * Feeds an execution's outcome to the engine: a correct automatic execution is learned as the event's truth
 * (outcome `success`), a failure is evidence against the pattern, an action that may have acted joins the own log.
 * An approved execution's success adds nothing to the record (the approval already counted) but joins the log.
 * @example learnExecution(engine, step) // true when the engine changed
 */
export function learnExecution(engine: DecisionEngine, step: ExecutedStep): boolean {
  const lesson = lessonOf(step.state, step.reason);
  if (lesson === 'nothing') return false;
  const executed = { decision: step.decision, params: step.params };
  if (learnsAsTruth(step.origin, lesson)) {
    engine.learn(toVenueEvent(step.event), executed, 'success', step.at, executed);
    return true;
  }
  const band = step.tier;
  engine.observeExecution(executed, lesson === 'success' ? 'acted' : lesson, band, step.at);
  return true;
}
