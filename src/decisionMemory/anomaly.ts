import { UNKNOWN_DECISION } from '../venue/types.js';

/**
 * Novelty and rate anomalies. A novel event (far from everything remembered) or one that sits among learned
 * unknowns escalates instead of guessing; a sender or device flooding the line escalates instead of feeding
 * the same automation over and over.
 */

export type Novelty = 'familiar' | 'novel' | 'near_unknown';

export interface NoveltySettings {
  /** Below this similarity to the nearest remembered example an event is novel. */
  readonly minSimilarity: number;
  /**
   * Similarity-weighted share of unknown neighbours at which an event counts as among learned unknowns. 0.3, not a
   * majority: the words view reads an out-of-scope question that shares content words with a request as that request
   * with confidence, and the neighbourhood is the independent check (clinc150.dev: unknowns executed 0.89 % at 0.5,
   * 0.79 % at 0.3, over four engine seeds).
   */
  readonly unknownShare: number;
  /**
   * The confidence a proposal among learned unknowns needs to go ahead instead of escalating (never less than the
   * HIGH threshold): an event that sits among messages operators marked "no automatable decision" is one of them
   * unless the engine is all but sure. 0.975: clinc150.dev's unknowns executed at the edge of the auto band
   * ("did i get my day off" read as next_holiday at 0.96 among two unknowns).
   */
  readonly nearUnknownConfidence: number;
}

export const DEFAULT_NOVELTY: NoveltySettings = { minSimilarity: 0.12, unknownShare: 0.3, nearUnknownConfidence: 0.975 };

/**
 * @example noveltyOf([{ decision: '__unknown__', similarity: 0.9 }], DEFAULT_NOVELTY) // 'near_unknown'
 */
export function noveltyOf(
  neighbours: readonly { readonly decision: string; readonly similarity: number }[],
  settings: NoveltySettings,
): Novelty {
  const nearest = neighbours[0];
  if (nearest === undefined || nearest.similarity < settings.minSimilarity) return 'novel';
  let unknown = 0;
  let total = 0;
  for (const n of neighbours) {
    total += n.similarity;
    if (n.decision === UNKNOWN_DECISION) unknown += n.similarity;
  }
  return total > 0 && unknown / total >= settings.unknownShare ? 'near_unknown' : 'familiar';
}

/**
 * Whether a proposal escalates as a learned unknown: among learned unknowns, unless its confidence reaches both the
 * HIGH threshold and `nearUnknownConfidence`.
 * @example amongUnknowns('near_unknown', 0.96, 0.95, DEFAULT_NOVELTY) // true
 * @example amongUnknowns('near_unknown', 0.98, 0.95, DEFAULT_NOVELTY) // false
 */
export function amongUnknowns(novelty: Novelty, confidence: number, high: number, settings: NoveltySettings): boolean {
  return novelty === 'near_unknown' && confidence < Math.max(high, settings.nearUnknownConfidence);
}

export interface RateSettings {
  readonly windowMs: number;
  /** More events than this from one sender inside the window is a flood. */
  readonly maxEvents: number;
}

export const DEFAULT_RATE: RateSettings = { windowMs: 10 * 60_000, maxEvents: 6 };

/**
 * The sender's recent event times after adding `now` (older than the window dropped) and whether that is a flood.
 * @example rateAnomaly([1, 2, 3], 4, { windowMs: 10, maxEvents: 3 }).flood // true
 */
export function rateAnomaly(
  recent: readonly number[],
  now: number,
  settings: RateSettings,
): { readonly recent: number[]; readonly flood: boolean } {
  const kept = recent.filter((t) => now - t < settings.windowMs);
  kept.push(now);
  return { recent: kept, flood: kept.length > settings.maxEvents };
}

/**
 * The sender's recent event times without one event at `at` (a proposal withdrawn because it was never recorded).
 * @example rateWithdrawn([1, 2, 2], 2) // [1, 2]
 */
export function rateWithdrawn(recent: readonly number[], at: number): number[] {
  const i = recent.lastIndexOf(at);
  return i < 0 ? [...recent] : [...recent.slice(0, i), ...recent.slice(i + 1)];
}
