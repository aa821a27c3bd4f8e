import { inspectRequestPart } from './part.js';
import { type AttackKind, attackKinds, type InspectorPolicy, type RequestLocation, requestLocations, type Verdict } from './types.js';

/** One labelled line of an attack corpus (`shared/data/attacks/` format). */
export interface CorpusRecord {
  readonly id: string;
  readonly payload: string;
  readonly kind: AttackKind | 'benign_text' | 'benign_api';
  readonly expected: 'attack' | 'benign';
  readonly location: RequestLocation;
  readonly tier: 'core' | 'extended' | 'normal' | 'hard';
  readonly source: string;
}

export interface Rate {
  n: number;
  detected: number;
  rate: number;
}

export interface CorpusSummary {
  readonly attack: {
    n: number;
    detected: number;
    rate: number;
    by_kind: Record<string, Rate>;
    by_tier: Record<string, Rate>;
    /** Core tier per kind: the targets are stated on these. */
    core_by_kind: Record<string, Rate>;
  };
  readonly benign: {
    n: number;
    flagged: number;
    rate: number;
    by_tier: Record<string, { n: number; flagged: number; rate: number }>;
    customer_style: { n: number; flagged: number; rate: number };
  };
  readonly payloads_per_s: number;
}

export interface Miss {
  readonly record: CorpusRecord;
  readonly verdict: Verdict;
}

/**
 * Parses one corpus line; null for blank lines. Throws on a line that is not a corpus record.
 * @example parseCorpusLine('{"id":"a","payload":"x","kind":"sqli","expected":"attack","location":"any","tier":"core","source":"s"}')?.id // 'a'
 */
export function parseCorpusLine(line: string): CorpusRecord | null {
  if (line.trim().length === 0) return null;
  const r = JSON.parse(line) as Partial<CorpusRecord>;
  if (typeof r.payload !== 'string' || (r.expected !== 'attack' && r.expected !== 'benign')) throw new Error(`not a corpus record: ${line.slice(0, 80)}`);
  if (!requestLocations.includes(r.location as RequestLocation)) throw new Error(`unknown location ${String(r.location)}`);
  return r as CorpusRecord;
}

/**
 * A seeded, stable split: the same id lands on the same side for the same seed (FNV-1a).
 * @example inHoldout('dev-00001', 7, 0.3) === inHoldout('dev-00001', 7, 0.3) // true
 */
export function inHoldout(id: string, seed: number, fraction: number): boolean {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return ((h >>> 0) % 10_000) / 10_000 < fraction;
}

const rate = (detected: number, n: number): number => (n === 0 ? 0 : Math.round((detected / n) * 10_000) / 10_000);

/**
 * Runs every record through `inspectRequestPart` at its location and tallies detections
 * (attacks) and flags (benign). `elapsedMs` measures the inspection time only.
 * @example scoreCorpus(records, defaultPolicy, () => performance.now()).summary.attack.rate
 */
export function scoreCorpus(
  records: readonly CorpusRecord[],
  policy: InspectorPolicy,
  nowMs: () => number,
): { summary: CorpusSummary; misses: Miss[]; falsePositives: Miss[] } {
  const verdicts: Verdict[] = new Array(records.length);
  const start = nowMs();
  for (let i = 0; i < records.length; i++) verdicts[i] = inspectRequestPart(records[i]!.location, records[i]!.payload, policy);
  const elapsed = Math.max(nowMs() - start, 1e-3);
  const attack = { n: 0, detected: 0, rate: 0, by_kind: {} as Record<string, Rate>, by_tier: {} as Record<string, Rate>, core_by_kind: {} as Record<string, Rate> };
  const benign = { n: 0, flagged: 0, rate: 0, by_tier: {} as Record<string, { n: number; flagged: number; rate: number }>, customer_style: { n: 0, flagged: 0, rate: 0 } };
  // Every kind is listed, in the canonical order, even when a corpus has none of it.
  for (const kind of attackKinds) {
    attack.by_kind[kind] = { n: 0, detected: 0, rate: 0 };
    attack.core_by_kind[kind] = { n: 0, detected: 0, rate: 0 };
  }
  benign.by_tier.normal = { n: 0, flagged: 0, rate: 0 };
  benign.by_tier.hard = { n: 0, flagged: 0, rate: 0 };
  const misses: Miss[] = [];
  const falsePositives: Miss[] = [];
  const bump = (m: Record<string, Rate>, key: string, hit: boolean): void => {
    const r = m[key] ?? { n: 0, detected: 0, rate: 0 };
    m[key] = r;
    r.n++;
    if (hit) r.detected++;
  };
  records.forEach((r, i) => {
    const v = verdicts[i]!;
    const hit = v.verdict !== 'clean';
    if (r.expected === 'attack') {
      attack.n++;
      if (hit) attack.detected++;
      else misses.push({ record: r, verdict: v });
      bump(attack.by_kind, r.kind, hit);
      bump(attack.by_tier, r.tier, hit);
      if (r.tier === 'core') bump(attack.core_by_kind, r.kind, hit);
    } else {
      benign.n++;
      const t = benign.by_tier[r.tier] ?? { n: 0, flagged: 0, rate: 0 };
      benign.by_tier[r.tier] = t;
      t.n++;
      if (r.source.startsWith('original:')) benign.customer_style.n++;
      if (hit) {
        benign.flagged++;
        t.flagged++;
        if (r.source.startsWith('original:')) benign.customer_style.flagged++;
        falsePositives.push({ record: r, verdict: v });
      }
    }
  });
  attack.rate = rate(attack.detected, attack.n);
  for (const m of [attack.by_kind, attack.by_tier, attack.core_by_kind]) for (const r of Object.values(m)) r.rate = rate(r.detected, r.n);
  benign.rate = rate(benign.flagged, benign.n);
  for (const t of [...Object.values(benign.by_tier), benign.customer_style]) t.rate = rate(t.flagged, t.n);
  const summary = { attack, benign, payloads_per_s: Math.round((records.length / elapsed) * 1000) };
  return { summary, misses, falsePositives };
}
