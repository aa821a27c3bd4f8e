import type { Redis } from 'ioredis';
import { BAN, type Ban } from './bans.js';

/**
 * Where bans live. With Redis every instance sees a ban at once; each instance also keeps the bans it knows
 * locally, so a Redis outage never lifts them.
 */
export interface BanStore {
  /** The first live ban among `subjects`, or null. */
  find(subjects: readonly string[], now: number): Promise<Ban | null>;
  /** Records a ban; the store counts the subject's bans, so pass nth = 0 and read it back. */
  ban(subject: string, reason: string, now: number, duration: (nth: number) => number): Promise<Ban>;
}

/** In-process bans, bounded: the oldest entries go first when full. */
export function memoryBanStore(capacity = 50_000): BanStore & { remember(ban: Ban): void } {
  const bans = new Map<string, Ban>();
  const counts = new Map<string, { n: number; at: number }>();
  const trim = <V>(m: Map<string, V>) => {
    while (m.size > capacity) m.delete(m.keys().next().value as string);
  };
  return {
    remember(ban) {
      bans.delete(ban.subject);
      bans.set(ban.subject, ban);
      trim(bans);
    },
    async find(subjects, now) {
      for (const s of subjects) {
        const b = bans.get(s);
        if (b === undefined) continue;
        if (b.until > now) return b;
        bans.delete(s);
      }
      return null;
    },
    async ban(subject, reason, now, duration) {
      const prior = counts.get(subject);
      const n = prior && now - prior.at < BAN.memoryMs ? prior.n + 1 : 1;
      counts.delete(subject);
      counts.set(subject, { n, at: now });
      trim(counts);
      const b: Ban = { subject, reason, until: now + duration(n), nth: n };
      this.remember(b);
      return b;
    },
  };
}

const banKey = (s: string) => `clubos:ban:${s}`;
const countKey = (s: string) => `clubos:bancount:${s}`;

function parseBan(raw: string | null): Ban | null {
  if (raw === null) return null;
  try {
    const b = JSON.parse(raw) as Ban;
    return typeof b.until === 'number' && typeof b.subject === 'string' ? b : null;
  } catch {
    return null;
  }
}

/** Bans shared through Redis, mirrored locally; Redis errors fall back to the local copy. */
export function redisBanStore(redis: Redis, onError: (err: unknown) => void): BanStore {
  const local = memoryBanStore();
  return {
    async find(subjects, now) {
      const mine = await local.find(subjects, now);
      if (mine) return mine;
      try {
        const raws = await redis.mget(...subjects.map(banKey));
        for (const raw of raws) {
          const b = parseBan(raw);
          if (b && b.until > now) {
            local.remember(b);
            return b;
          }
        }
      } catch (err) {
        onError(err);
      }
      return null;
    },
    async ban(subject, reason, now, duration) {
      try {
        const n = await redis.incr(countKey(subject));
        await redis.pexpire(countKey(subject), BAN.memoryMs);
        const b: Ban = { subject, reason, until: now + duration(n), nth: n };
        await redis.set(banKey(subject), JSON.stringify(b), 'PX', Math.max(1, b.until - now));
        local.remember(b);
        return b;
      } catch (err) {
        onError(err);
        return local.ban(subject, reason, now, duration);
      }
    },
  };
}
