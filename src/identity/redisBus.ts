import type { Redis } from 'ioredis';
import type { RevocationBus } from './revocationBus.js';

const CHANNEL = 'clubos:keys:invalidate';

/** Key invalidations broadcast to every instance through Redis pub/sub. */
export function redisRevocationBus(publisher: Redis, subscriber: Redis): RevocationBus {
  const handlers: Array<(h: string) => void> = [];
  subscriber.subscribe(CHANNEL).catch(() => {});
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === CHANNEL) for (const fn of handlers) fn(message);
  });
  return {
    // While either connection is down, other instances may miss an invalidation: callers then cache for 1 s only.
    get shared() {
      return publisher.status === 'ready' && subscriber.status === 'ready';
    },
    async publish(hash) {
      for (const fn of handlers) fn(hash);
      await publisher.publish(CHANNEL, hash).catch(() => 0);
    },
    subscribe(fn) {
      handlers.push(fn);
    },
    async close() {
      await subscriber.unsubscribe(CHANNEL).catch(() => {});
    },
  };
}
