import { DEFAULT_ENGINE_SETTINGS, DecisionEngine } from '../decisionMemory/engine.js';
import { decodeEngineState, encodeEngineState } from '../decisionMemory/engineCodec.js';
import { seededRandom } from '../decisionMemory/random.js';
import type { TextEvent } from '../decisionMemory/types.js';
import { type Bench, figure } from './types.js';

/**
 * Restart cost: restoring the engine from a snapshot (decode + restore) against replaying the same history
 * into a fresh engine (the full rebuild), for a history of 6k steps (3k proposals, each answered). Both in
 * memory: reading the history or the snapshot from the database is left out of both sides.
 */

const EVENTS = 3_000;
const INTENTS = 40;
const FILLER = ['please', 'hey', 'can you', 'the', 'my', 'is', 'not', 'again', 'today', 'now', 'help', 'thanks', 'bay', 'why'];
const TOPICS = Array.from({ length: 3 * INTENTS }, (_, i) => `w${(i * 7919).toString(36)}`);

interface Step {
  readonly event: TextEvent;
  readonly decision: string;
}

function history(): Step[] {
  const rng = seededRandom(2_026);
  const pick = (xs: readonly string[]) => xs[Math.floor(rng.next() * xs.length)]!;
  return Array.from({ length: EVENTS }, (_, i) => {
    const intent = Math.floor(rng.next() * INTENTS);
    const text = [pick(FILLER), TOPICS[intent * 3]!, pick(FILLER), rng.next() < 0.7 ? TOPICS[intent * 3 + 1]! : pick(TOPICS), TOPICS[intent * 3 + 2]!].join(' ');
    return { event: { id: `s${i}`, t: new Date(i * 60_000), text }, decision: `intent_${intent}` };
  });
}

function replay(steps: readonly Step[]): DecisionEngine {
  const engine = new DecisionEngine(DEFAULT_ENGINE_SETTINGS);
  for (const s of steps) {
    engine.propose(s.event, s.event.t);
    engine.learn(s.event, { decision: s.decision, params: {} }, 'decided', s.event.t);
  }
  return engine;
}

function best<T>(runs: number, f: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  return (async () => {
    let ms = Number.POSITIVE_INFINITY;
    let result: T | undefined;
    for (let r = 0; r < runs; r++) {
      (globalThis as { gc?: () => void }).gc?.();
      const t0 = performance.now();
      result = await f();
      ms = Math.min(ms, performance.now() - t0);
    }
    return { ms, result: result! };
  })();
}

export const bench: Bench = async () => {
  const steps = history();
  const rebuilt = await best(2, () => replay(steps));
  const engine = rebuilt.result;
  const encoded = await best(3, () => encodeEngineState(engine.toState()));
  const restored = await best(5, async () => DecisionEngine.fromState(await decodeEngineState(encoded.result), DEFAULT_ENGINE_SETTINGS));
  const probe: TextEvent = { id: 'probe', t: new Date(EVENTS * 60_000), text: steps[0]!.event.text };
  const same = restored.result.propose(probe, probe.t).decision === engine.propose(probe, probe.t).decision;
  return [
    figure({
      id: 'engine.restore_ms.6k_steps',
      value: restored.ms,
      unit: 'ms',
      baseline: { label: 'full rebuild of the same history', value: rebuilt.ms },
      better: 'lower',
      note: `${(encoded.result.length / 1e6).toFixed(1)} MB snapshot, encoded in ${encoded.ms.toFixed(0)} ms; ${engine.rememberedExamples} examples, rehearsal ${DEFAULT_ENGINE_SETTINGS.rehearsal}; restored engine proposes alike: ${same}`,
    }),
  ];
};
