import type { ApiKeyRecord } from '../security/apiKeys/key.js';

/** A short-lived cache of verified keys by hash. Invalidated by the revocation bus; bounded in size. */
export interface KeyCache {
  get(hash: string, nowMs: number): ApiKeyRecord | null | undefined;
  set(hash: string, record: ApiKeyRecord | null, nowMs: number): void;
  delete(hash: string): void;
  clear(): void;
}

/** `ttlMs` is asked on every insert: shorter while invalidations cannot reach other instances. */
export function createKeyCache(ttlMs: () => number, maxEntries = 10_000): KeyCache {
  const entries = new Map<string, { record: ApiKeyRecord | null; until: number }>();
  return {
    get(hash, nowMs) {
      const e = entries.get(hash);
      if (!e) return undefined;
      if (e.until <= nowMs) {
        entries.delete(hash);
        return undefined;
      }
      return e.record;
    },
    set(hash, record, nowMs) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(hash, { record, until: nowMs + ttlMs() });
    },
    delete: (hash) => {
      entries.delete(hash);
    },
    clear: () => entries.clear(),
  };
}
