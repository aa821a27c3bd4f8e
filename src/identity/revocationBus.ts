/**
 * Tells every instance to forget a cached key at once. With Redis, a pub/sub channel; without, only this process
 * (then the cache lifetime is kept at one second so other instances still refuse a revoked key within 1 s).
 */
export interface RevocationBus {
  publish(keyHash: string): Promise<void>;
  subscribe(onRevoked: (keyHash: string) => void): void;
  close(): Promise<void>;
  /** True when invalidations reach other instances. */
  readonly shared: boolean;
}

export function localRevocationBus(): RevocationBus {
  const handlers: Array<(h: string) => void> = [];
  return {
    shared: false,
    async publish(h) {
      for (const fn of handlers) fn(h);
    },
    subscribe(fn) {
      handlers.push(fn);
    },
    async close() {},
  };
}
