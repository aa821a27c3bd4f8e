import type { LoggedAction } from '../venue/types.js';
import { Calibrator, type CalibratorState } from './calibration.js';
import { type ClassifierState, LinearClassifier } from './classifier.js';
import type { DecisionEngine, Pending, Settled } from './engine.js';
import { MatchScorer, type MatchScorerState } from './matchScore.js';
import type { PatternRecord } from './patterns.js';
import { seededRandom } from './random.js';
import { ExampleIndex } from './textSimilarity.js';

/**
 * Everything the engine knows, as plain data (feature vectors and classifier weights as typed arrays, the rest
 * JSON-able): what a snapshot carries (`engineCodec.ts`).
 */
export interface EngineState {
  readonly version: 1;
  readonly classifier: ClassifierState;
  readonly calibrator: CalibratorState;
  readonly scorer: MatchScorerState;
  readonly examples: readonly {
    readonly id: string;
    readonly decision: string;
    readonly label: string;
    readonly ids: Int32Array;
    readonly values: Float32Array;
    readonly at: number;
  }[];
  /** Proposals waiting for their truth, oldest first: learning an answer reads what was proposed. */
  readonly pending: readonly (Omit<Pending, 'vector'> & { readonly eventId: string; readonly ids: Int32Array; readonly values: Float32Array })[];
  /** Automatic executions learned as right that an operator may still correct, oldest first. */
  readonly settled: readonly (Omit<Pending, 'vector'> & Pick<Settled, 'example'> & { readonly eventId: string; readonly ids: Int32Array; readonly values: Float32Array })[];
  readonly patterns: readonly PatternRecord[];
  readonly ownLog: readonly (Omit<LoggedAction, 'at'> & { readonly at: number })[];
  readonly senders: readonly (readonly [string, readonly number[]])[];
  readonly rngState: number;
  readonly suggestFloor: number;
  /** Module memories (e.g. the venue's location directory and recent faults), by module name. */
  readonly modules: Readonly<Record<string, unknown>>;
}

/** The engine's state as plain data. */
export function snapshot(engine: DecisionEngine): EngineState {
  const s = engine.internals;
  return {
    version: 1,
    classifier: s.classifier.toState(),
    calibrator: s.calibrator.toState(),
    scorer: s.scorer.toState(),
    examples: s.index.examples.map((e, i) => ({
      id: e.id,
      decision: e.decision,
      label: s.labels[i]!,
      // A feature vector is never changed once made: shared, not copied (100k examples = 200k small copies).
      ids: e.vector.ids,
      values: e.vector.values,
      at: e.at,
    })),
    pending: [...engine.pending].map(([eventId, { vector, ...p }]) => ({ eventId, ...p, ids: vector.ids, values: vector.values })),
    settled: [...engine.settled].map(([eventId, { proposal: { vector, ...p }, example }]) => ({ eventId, ...p, example, ids: vector.ids, values: vector.values })),
    patterns: [...s.patterns.values()],
    ownLog: s.ownLog.map((a) => ({ ...a, at: a.at.getTime() })),
    senders: [...s.senders],
    rngState: s.rng.state(),
    suggestFloor: s.suggestFloor,
    modules: Object.fromEntries(engine.modules.flatMap((m) => (m.snapshot === undefined ? [] : [[m.name, m.snapshot()]]))),
  };
}

/** Loads a snapshot into a freshly constructed engine (its settings decide the options). */
export function restoreInto(engine: DecisionEngine, state: EngineState): void {
  const s = engine.internals;
  s.classifier = LinearClassifier.fromState(state.classifier, engine.settings.classifier);
  s.calibrator = Calibrator.fromState(state.calibrator, engine.settings.calibrator.priorWeight);
  s.scorer = MatchScorer.fromState(state.scorer, engine.settings.scorer);
  s.index = new ExampleIndex(engine.settings.index);
  s.labels = [];
  for (const e of state.examples) {
    s.index.add({ id: e.id, decision: e.decision, vector: { ids: e.ids, values: e.values }, at: e.at });
    s.labels.push(e.label);
  }
  engine.pending.clear();
  for (const { eventId, ids, values, ...p } of state.pending) engine.pending.set(eventId, { ...p, vector: { ids, values } });
  engine.settled.clear();
  for (const { eventId, ids, values, example, ...p } of state.settled) engine.settled.set(eventId, { proposal: { ...p, vector: { ids, values } }, example });
  s.patterns = new Map(state.patterns.map((p) => [p.key, p]));
  s.ownLog = state.ownLog.map((a) => ({ ...a, at: new Date(a.at) }));
  s.senders = new Map(state.senders.map(([k, v]) => [k, [...v]]));
  s.rng = seededRandom(state.rngState);
  s.suggestFloor = state.suggestFloor;
  for (const m of engine.modules) if (m.restore !== undefined && state.modules[m.name] !== undefined) m.restore(state.modules[m.name]);
}
