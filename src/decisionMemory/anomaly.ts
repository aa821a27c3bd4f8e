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
  /** Similarity-weighted share of unknown neighbours at which an event counts as a learned unknown. */
  readonly unknownShare: number;
}

export const DEFAULT_NOVELTY: NoveltySettings = { minSimilarity: 0.12, unknownShare: 0.5 };

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
