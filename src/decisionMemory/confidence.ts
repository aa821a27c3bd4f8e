/**
 * A decision's track record as a Beta posterior. Evidence for (successes) and against (failures, vetoes,
 * rejections, overrides) is kept as decayed pseudo-counts, and the record is judged by a LOWER bound so a
 * short perfect run (3 of 3) cannot look like a 95 % pattern.
 */

export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
}

export const DEFAULT_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

/** Evidence counts (may be fractional once decayed). */
export interface TrackRecord {
  readonly successes: number;
  readonly failures: number;
  /** ms since epoch of the last evidence; decay runs from here. */
  readonly lastAt: number;
}

export const EMPTY_RECORD: TrackRecord = { successes: 0, failures: 0, lastAt: 0 };

/**
 * Posterior mean of the success probability.
 * @example posteriorMean({ successes: 3, failures: 0, lastAt: 0 }) // 0.8 with the uniform prior
 */
export function posteriorMean(r: TrackRecord, prior: BetaPrior = DEFAULT_PRIOR): number {
  return (r.successes + prior.alpha) / (r.successes + r.failures + prior.alpha + prior.beta);
}

/**
 * Lower confidence bound of the success probability: the Wilson score bound on the posterior pseudo-counts.
 * Monotone: a success never lowers it, a failure never raises it.
 * @example lowerBound({ successes: 3, failures: 0, lastAt: 0 }) < 0.6 // true: 3/3 is not 95 %
 */
export function lowerBound(r: TrackRecord, prior: BetaPrior = DEFAULT_PRIOR, z = 1.645): number {
  const n = r.successes + r.failures + prior.alpha + prior.beta;
  const p = (r.successes + prior.alpha) / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - spread) / (1 + z2 / n));
}

/**
 * Evidence fades while a pattern is idle: both counts shrink by 0.5 per half-life since the last evidence,
 * so an old record drifts back to the prior instead of vouching for a world that may have changed.
 * @example decay({ successes: 8, failures: 2, lastAt: 0 }, 30 * 864e5, 30 * 864e5).successes // 4
 */
export function decay(r: TrackRecord, now: number, halfLifeMs: number): TrackRecord {
  const idle = Math.max(0, now - r.lastAt);
  if (idle === 0 || r.lastAt === 0) return r;
  const f = 0.5 ** (idle / halfLifeMs);
  return { successes: r.successes * f, failures: r.failures * f, lastAt: r.lastAt };
}

/**
 * Adds one piece of evidence after decaying the record to `now`.
 * @example withEvidence(EMPTY_RECORD, true, 1000, 864e5).successes // 1
 */
export function withEvidence(r: TrackRecord, success: boolean, now: number, halfLifeMs: number): TrackRecord {
  const d = decay(r, now, halfLifeMs);
  return {
    successes: d.successes + (success ? 1 : 0),
    failures: d.failures + (success ? 0 : 1),
    lastAt: Math.max(now, r.lastAt),
  };
}

/**
 * A success that turned out wrong after all (an automatic execution an operator corrected later): one unit of
 * evidence moves from successes to failures, after decaying the record to `now`.
 * @example withCorrection({ successes: 3, failures: 0, lastAt: 1000 }, 1000, 864e5) // { successes: 2, failures: 1, lastAt: 1000 }
 */
export function withCorrection(r: TrackRecord, now: number, halfLifeMs: number): TrackRecord {
  const d = decay(r, now, halfLifeMs);
  const moved = Math.min(1, d.successes);
  return { successes: d.successes - moved, failures: d.failures + 1, lastAt: Math.max(now, r.lastAt) };
}
