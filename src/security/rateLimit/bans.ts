/**
 * Repeated offenders are banned: each ban of the same subject lasts twice as long as the previous one, capped,
 * and the count of prior bans is forgotten after `memoryMs` of good behaviour.
 */
export const BAN = Object.freeze({
  /** Rate-limit rejections (429) within `strikeWindowMs` that earn a ban. */
  strikes: 10,
  strikeWindowMs: 15 * 60_000,
  baseMs: 15 * 60_000,
  maxMs: 24 * 3_600_000,
  memoryMs: 7 * 24 * 3_600_000,
});

export interface Ban {
  readonly subject: string;
  readonly reason: string;
  readonly until: number;
  /** 1 for a first ban. */
  readonly nth: number;
}

/**
 * @example banDurationMs(1) === 15 * 60_000; banDurationMs(3) === 60 * 60_000
 */
export function banDurationMs(nth: number): number {
  const n = Math.max(1, Math.floor(nth));
  return Math.min(BAN.maxMs, BAN.baseMs * 2 ** Math.min(n - 1, 30));
}

/** Milliseconds left on a ban at `now` (0 = expired). */
export const banRemainingMs = (ban: Ban, now: number): number => Math.max(0, ban.until - now);
