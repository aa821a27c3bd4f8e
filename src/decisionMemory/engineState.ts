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
  readonly wordClassifier: ClassifierState;
  readonly calibrator: CalibratorState;
  readonly scorer: MatchScorerState;
  readonly examples: readonly {
    readonly id: string;
    readonly decision: string;
    readonly label: string;
    readonly ids: Int32Array;
    readonly values: Float32Array;
    /** The words view. */
    readonly wordIds: Int32Array;
    readonly wordValues: Float32Array;
    readonly at: number;
  }[];
  /** Proposals waiting for their truth, oldest first: learning an answer reads what was proposed. */
  readonly pending: readonly (Omit<Pending, 'vector' | 'words'> & { readonly eventId: string } & Views)[];
  /** Automatic executions learned as right that an operator may still correct, oldest first. */
  readonly settled: readonly (Omit<Pending, 'vector' | 'words'> & Pick<Settled, 'example'> & { readonly eventId: string } & Views)[];
  readonly patterns: readonly PatternRecord[];
  readonly ownLog: readonly (Omit<LoggedAction, 'at'> & { readonly at: number })[];
  readonly senders: readonly (readonly [string, readonly number[]])[];
  readonly rngState: number;
  readonly wordRngState: number;
  readonly suggestFloor: number;
  /** Module memories (e.g. the venue's location directory and recent faults), by module name. */
  readonly modules: Readonly<Record<string, unknown>>;
}

/** A proposal's two views as typed arrays. */
interface Views {
  readonly ids: Int32Array;
  readonly values: Float32Array;
  readonly wordIds: Int32Array;
  readonly wordValues: Float32Array;
}

const viewsOf = ({ vector, words }: Pick<Pending, 'vector' | 'words'>): Views => ({ ids: vector.ids, values: vector.values, wordIds: words.ids, wordValues: words.values });

/** The engine's state as plain data. */
export function snapshot(engine: DecisionEngine): EngineState {
  const s = engine.internals;
  return {
    version: 1,
    classifier: s.classifier.toState(),
    wordClassifier: s.wordClassifier.toState(),
    calibrator: s.calibrator.toState(),
    scorer: s.scorer.toState(),
    examples: s.index.examples.map((e, i) => ({
      id: e.id,
      decision: e.decision,
      label: s.labels[i]!,
      // A feature vector is never changed once made: shared, not copied (100k examples = 200k small copies).
      ids: e.vector.ids,
      values: e.vector.values,
      wordIds: s.wordVectors[i]!.ids,
      wordValues: s.wordVectors[i]!.values,
      at: e.at,
    })),
    pending: [...engine.pending].map(([eventId, { vector, words, ...p }]) => ({ eventId, ...p, ...viewsOf({ vector, words }) })),
    settled: [...engine.settled].map(([eventId, { proposal: { vector, words, ...p }, example }]) => ({ eventId, ...p, example, ...viewsOf({ vector, words }) })),
    patterns: [...s.patterns.values()],
    ownLog: s.ownLog.map((a) => ({ ...a, at: a.at.getTime() })),
    senders: [...s.senders],
    rngState: s.rng.state(),
    wordRngState: s.wordRng.state(),
    suggestFloor: s.suggestFloor,
    modules: Object.fromEntries(engine.modules.flatMap((m) => (m.snapshot === undefined ? [] : [[m.name, m.snapshot()]]))),
  };
}

/** Loads a snapshot into a freshly constructed engine (its settings decide the options). */
export function restoreInto(engine: DecisionEngine, state: EngineState): void {
  const s = engine.internals;
  s.classifier = LinearClassifier.fromState(state.classifier, engine.settings.classifier);
  s.wordClassifier = LinearClassifier.fromState(state.wordClassifier, engine.settings.classifier);
  s.calibrator = Calibrator.fromState(state.calibrator, engine.settings.calibrator.priorWeight);
  s.scorer = MatchScorer.fromState(state.scorer, engine.settings.scorer);
  s.index = new ExampleIndex(engine.settings.index);
  s.labels = [];
  s.wordVectors = [];
  for (const e of state.examples) {
    s.index.add({ id: e.id, decision: e.decision, vector: { ids: e.ids, values: e.values }, at: e.at });
    s.wordVectors.push({ ids: e.wordIds, values: e.wordValues });
    s.labels.push(e.label);
  }
  engine.pending.clear();
  for (const { eventId, ids, values, wordIds, wordValues, ...p } of state.pending) {
    engine.pending.set(eventId, { ...p, vector: { ids, values }, words: { ids: wordIds, values: wordValues } });
  }
  engine.settled.clear();
  for (const { eventId, ids, values, wordIds, wordValues, example, ...p } of state.settled) {
    engine.settled.set(eventId, { proposal: { ...p, vector: { ids, values }, words: { ids: wordIds, values: wordValues } }, example });
  }
  s.patterns = new Map(state.patterns.map((p) => [p.key, p]));
  s.ownLog = state.ownLog.map((a) => ({ ...a, at: new Date(a.at) }));
  s.senders = new Map(state.senders.map(([k, v]) => [k, [...v]]));
  s.rng = seededRandom(state.rngState);
  s.wordRng = seededRandom(state.wordRngState);
  s.suggestFloor = state.suggestFloor;
  for (const m of engine.modules) if (m.restore !== undefined && state.modules[m.name] !== undefined) m.restore(state.modules[m.name]);
}
