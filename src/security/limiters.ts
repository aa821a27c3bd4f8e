import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';

export type Limiter = RateLimiterAbstract | RateLimiterStoreAbstract;

export interface LimiterSpec {
  readonly keyPrefix: string;
  readonly points: number;
  /** Window in seconds. */
  readonly duration: number;
  /** Seconds a key stays blocked once it used up its points (0 = until the window ends). */
  readonly blockDuration?: number;
}

/**
 * Counters live in Redis when configured (shared by every instance), in process otherwise. With Redis, an
 * in-process insurance limiter with a lower ceiling takes over while Redis is unreachable, so an outage never
 * turns into a storm of 429s nor into no limit at all.
 */
export function createLimiterFactory(redis: Redis | null): (spec: LimiterSpec) => Limiter {
  return (spec) => {
    if (redis === null) return new RateLimiterMemory({ ...spec });
    const insurance = new RateLimiterMemory({ ...spec, keyPrefix: `${spec.keyPrefix}:ins`, points: Math.max(1, Math.floor(spec.points / 2)) });
    return new RateLimiterRedis({ ...spec, storeClient: redis, insuranceLimiter: insurance, rejectIfRedisNotReady: true } as ConstructorParameters<typeof RateLimiterRedis>[0]);
  };
}

/**
 * Counts one use of `key`. The use that spends the allowance starts the block at once, for the limiter's
 * block duration: left to the limiter, a spent key would read as blocked by `blockedFor` until its counting
 * window ends (an hour for a sign-in account), not for the block duration promised.
 */
export async function spend(limiter: Limiter, key: string): Promise<void> {
  try {
    const res = await limiter.consume(key);
    if (res.remainingPoints <= 0) await limiter.block(key, limiter.blockDuration || limiter.duration);
  } catch {
    // A rejection means the key is blocked already; the limiter recorded that itself.
  }
}

/** Milliseconds until `key` may try again, or 0 when not blocked. */
export async function blockedFor(limiter: Limiter, key: string): Promise<number> {
  const res = await limiter.get(key);
  return res !== null && res.remainingPoints <= 0 ? Math.max(1, res.msBeforeNext) : 0;
}
