import { DecisionEngine, DEFAULT_ENGINE_SETTINGS } from '../decisionMemory/engine.js';
import { FeatureHasher } from '../decisionMemory/featureHasher.js';
import { seededRandom } from '../decisionMemory/random.js';
import { ExampleIndex } from '../decisionMemory/textSimilarity.js';
import type { TextEvent } from '../decisionMemory/types.js';
import { engineSubject } from '../replay/engineSubject.js';
import { runReplay } from '../replay/harness.js';
import type { StreamItem } from '../replay/streams.js';
import { type Bench, type BenchFigure, figure } from './types.js';

/**
 * Decision latency with 1k / 10k / 100k remembered examples against a brute-force scan over the same
 * memory (measured in the same run), replay throughput, and memory per remembered example. Examples are
 * synthetic sentences from a seeded PRNG: 200 intents, each a few topic words in varied filler.
 */

const FILLER = ['please', 'hey', 'can you', 'the', 'my', 'is', 'not', 'again', 'today', 'now', 'help', 'thanks', 'why', 'does', 'how'];
const TOPICS = Array.from({ length: 600 }, (_, i) => `w${(i * 7919).toString(36)}`);

function sentence(rng: ReturnType<typeof seededRandom>, intent: number): string {
  const pick = (xs: readonly string[]) => xs[Math.floor(rng.next() * xs.length)]!;
  const topic = [TOPICS[(intent * 3) % 600]!, TOPICS[(intent * 3 + 1) % 600]!, TOPICS[(intent * 3 + 2) % 600]!];
  const words = [pick(FILLER), topic[0]!, pick(FILLER), rng.next() < 0.7 ? topic[1]! : pick(TOPICS), pick(FILLER), topic[2]!];
  return words.join(' ');
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** GC pauses observed while a measurement runs: counted and reported, never excluded from the figures. */
async function withGcWatch<T>(run: () => T): Promise<{ result: T; pauses: number; pauseMs: number }> {
  const observed: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) observed.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const result = run();
  // GC entries are delivered asynchronously: let them arrive before reading them.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return { result, pauses: observed.length, pauseMs: observed.reduce((a, b) => a + b, 0) };
}

/** A full collection between phases (with --expose-gc), so garbage from building memory is not billed to decisions. */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function timed(n: number, f: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f(i);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export const bench: Bench = async () => {
  const figures: BenchFigure[] = [];
  const rng = seededRandom(42);
  const engine = new DecisionEngine({ ...DEFAULT_ENGINE_SETTINGS, rehearsal: 0 });
  const index = engine.internals.index;
  const hasher = new FeatureHasher();
  let remembered = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  const queries = Array.from({ length: 2000 }, (_, i) => ({ id: `q${i}`, t: new Date(0), text: sentence(rng, i % 200) }) satisfies TextEvent);
  for (const size of [1_000, 10_000, 100_000]) {
    while (remembered < size) {
      const intent = Math.floor(rng.next() * 200);
      const event: TextEvent = { id: `e${remembered}`, t: new Date(remembered * 1000), text: sentence(rng, intent) };
      // Memory grows through the real learning path for the first 10k, then straight into the index (the
      // classifier's cost does not depend on memory size, only the nearest-example lookup does).
      if (remembered < 10_000) engine.learn(event, { decision: `intent_${intent}`, params: {} }, 'decided', event.t);
      else index.add({ id: event.id, decision: `intent_${intent}`, vector: hasher.vector(event.text, []), at: remembered });
      remembered++;
    }
    const label = size >= 1000 ? `${size / 1000}k` : String(size);
    settle();
    // Warm-up (JIT), then the measured pass with the GC pauses that fall inside it.
    for (let i = 0; i < 100; i++) engine.propose(queries[i]!, new Date(0));
    const watched = await withGcWatch(() => timed(queries.length, (i) => engine.propose(queries[i]!, new Date(0))));
    const propose = watched.result;
    const vectors = queries.map((q) => hasher.vector(q.text, []));
    const brute = timed(Math.min(queries.length, size >= 100_000 ? 40 : 150), (i) => index.bruteForceNearest(vectors[i]!, 8));
    const p50 = percentile(propose, 0.5);
    const p99 = percentile(propose, 0.99);
    const bruteP50 = percentile(brute, 0.5);
    figures.push(
      figure({ id: `decision.p50_ms.${label}`, value: p50, unit: 'ms', baseline: { label: 'brute-force scan p50', value: bruteP50 }, better: 'lower' }),
      figure({ id: `decision.p99_ms.${label}`, value: p99, unit: 'ms', baseline: { label: 'brute-force scan p50', value: bruteP50 }, better: 'lower', note: `target ≤ 5 ms at 100k; ${watched.pauses} GC pauses (${watched.pauseMs.toFixed(1)} ms) inside the ${propose.length} measured decisions` }),
      figure({
        id: `decision.events_per_s.${label}`,
        value: 1000 / (propose.reduce((a, b) => a + b, 0) / propose.length),
        unit: 'events/s',
        baseline: { label: 'brute-force scans/s', value: 1000 / (brute.reduce((a, b) => a + b, 0) / brute.length) },
        better: 'higher',
      }),
    );
  }
  const heapAfter = process.memoryUsage().heapUsed;
  const bareIndex = new ExampleIndex();
  figures.push(
    figure({
      id: 'decision.bytes_per_example',
      value: Math.max(0, heapAfter - heapBefore) / remembered,
      unit: 'bytes',
      baseline: { label: 'bytes of one example text', value: queries[0]!.text.length * 2 },
      better: 'lower',
      note: `heap growth over ${remembered} examples (includes the fixed-size classifier); empty index ${bareIndex.size}`,
    }),
  );
  // Replay throughput on a synthetic stream (propose + operator + learn per event, with rehearsal).
  const stream: StreamItem[] = Array.from({ length: 2000 }, (_, i) => {
    const intent = Math.floor(rng.next() * 50);
    return { event: { id: `r${i}`, t: new Date(i * 60_000), text: sentence(rng, intent) }, truth: { decision: `intent_${intent}`, params: {} }, venue: null, scenario: 'synthetic' };
  });
  const replayEngine = new DecisionEngine();
  const report = await runReplay(engineSubject(replayEngine), stream, { operator: 'absent', feedbackDelay: 0, wallClock: () => performance.now() });
  const scan = timed(200, (i) => replayEngine.internals.index.bruteForceNearest(hasher.vector(stream[i]!.event.text, []), 8));
  figures.push(
    figure({
      id: 'replay.events_per_s',
      value: report.events_per_s,
      unit: 'events/s',
      baseline: { label: 'brute-force scans/s over the 2k replayed examples', value: 1000 / (scan.reduce((a, b) => a + b, 0) / scan.length) },
      better: 'higher',
    }),
  );
  return figures;
};
