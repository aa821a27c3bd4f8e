/**
 * Header values of draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` lists each limit that applies
 * (`q` quota, `w` window in seconds); `RateLimit` reports the one closest to exhaustion (`r` remaining,
 * `t` seconds until it resets). Retry-After (RFC 9110) is whole seconds, at least 1.
 */
export interface LimitReading {
  readonly policy: string;
  readonly quota: number;
  readonly windowMs: number;
  readonly remaining: number;
  readonly resetMs: number;
}

/** @example policyHeader([{ policy: 'default', quota: 100, windowMs: 900_000, … }]) === '"default";q=100;w=900' */
export function policyHeader(readings: readonly LimitReading[]): string {
  return readings.map((r) => `"${r.policy}";q=${r.quota};w=${Math.max(1, Math.ceil(r.windowMs / 1000))}`).join(', ');
}

/** The reading with the least remaining quota (ties: the later reset). */
export function tightest(readings: readonly LimitReading[]): LimitReading | null {
  let best: LimitReading | null = null;
  for (const r of readings) {
    if (best === null || r.remaining < best.remaining || (r.remaining === best.remaining && r.resetMs > best.resetMs)) best = r;
  }
  return best;
}

/** @example rateLimitHeader({ policy: 'default', remaining: 42, resetMs: 29_100, … }) === '"default";r=42;t=30' */
export function rateLimitHeader(r: LimitReading): string {
  return `"${r.policy}";r=${Math.max(0, r.remaining)};t=${Math.max(0, Math.ceil(r.resetMs / 1000))}`;
}

/** @example retryAfterSeconds(1) === 1; retryAfterSeconds(29_100) === 30 */
export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
