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

/** Milliseconds until `key` may try again, or 0 when not blocked. */
export async function blockedFor(limiter: Limiter, key: string): Promise<number> {
  const res = await limiter.get(key);
  return res !== null && res.remainingPoints <= 0 ? Math.max(1, res.msBeforeNext) : 0;
}
