/**
 * Compromise detection as arithmetic: signals add to a per-key score that halves every `halfLifeHours`; the
 * policy maps a score to a response. Each step up is audited and an admin can reverse it.
 */
export type RiskSignal =
  | { readonly kind: 'new_prefix'; readonly prefix: string }
  | { readonly kind: 'rate_spike'; readonly z: number }
  | { readonly kind: 'key_in_url' }
  | { readonly kind: 'key_on_public_route'; readonly route: string }
  | { readonly kind: 'auth_failure_burst'; readonly failures: number }
  | { readonly kind: 'leak_reported'; readonly source: string };

export type RiskLevel = 'none' | 'flagged' | 'tightened' | 'suspended';

export const RISK_HALF_LIFE_HOURS = 24;
export const RISK_THRESHOLDS = { flagged: 30, tightened: 50, suspended: 80 } as const;
/** Limits of a tightened key, as a fraction of its normal limits. */
export const TIGHTENED_MULTIPLIER = 0.25;

/** @example signalWeight({ kind: 'key_in_url' }) === 60 */
export function signalWeight(s: RiskSignal): number {
  switch (s.kind) {
    case 'new_prefix':
      return 20;
    case 'rate_spike':
      return Math.min(50, Math.round(10 * s.z) - 20);
    case 'key_in_url':
      return 60;
    case 'key_on_public_route':
      return 40;
    case 'auth_failure_burst':
      return Math.min(50, 3 * s.failures);
    case 'leak_reported':
      return 100;
  }
}

/** The score `hours` after it was `score`: halves every half-life. */
export function decayedScore(score: number, from: Date | null, now: Date, halfLifeHours = RISK_HALF_LIFE_HOURS): number {
  if (from === null || score <= 0) return Math.max(0, score);
  const hours = Math.max(0, (now.getTime() - from.getTime()) / 3_600_000);
  return score * 0.5 ** (hours / halfLifeHours);
}

export function addSignal(score: number, from: Date | null, now: Date, signal: RiskSignal): number {
  return Math.min(200, decayedScore(score, from, now) + Math.max(0, signalWeight(signal)));
}

/** @example riskLevel(85) === 'suspended' */
export function riskLevel(score: number): RiskLevel {
  if (score >= RISK_THRESHOLDS.suspended) return 'suspended';
  if (score >= RISK_THRESHOLDS.tightened) return 'tightened';
  if (score >= RISK_THRESHOLDS.flagged) return 'flagged';
  return 'none';
}

/**
 * The limit multiplier compromise detection imposes on a key now: its tightened value while the decayed score
 * still reaches `tightened`, then 1 again — a key is not throttled forever for one episode.
 * @example currentLimitMultiplier(60, new Date(0), 0.25, new Date(0)) === 0.25
 * @example currentLimitMultiplier(60, new Date(0), 0.25, new Date(12 * 3_600_000)) === 1
 */
export function currentLimitMultiplier(riskScore: number, riskAt: Date | null, limitMultiplier: number, now: Date): number {
  if (limitMultiplier >= 1) return limitMultiplier;
  return decayedScore(riskScore, riskAt, now) >= RISK_THRESHOLDS.tightened ? limitMultiplier : 1;
}

/**
 * z-score of this hour's request count against the key's own hourly history. Needs at least 6 hours of history
 * (a new key has no baseline yet); the standard deviation is floored at 1 so a flat history still allows noise.
 */
export function rateZScore(history: readonly number[], current: number): number | null {
  if (history.length < 6) return null;
  const mean = history.reduce((a, b) => a + b, 0) / history.length;
  const variance = history.reduce((a, b) => a + (b - mean) ** 2, 0) / history.length;
  return (current - mean) / Math.max(1, Math.sqrt(variance));
}

export const RATE_SPIKE_Z = 4;
export const AUTH_FAILURE_BURST = 10;
export const AUTH_FAILURE_WINDOW_MS = 5 * 60_000;
