import type { SignedCheckpoint } from '../../src/audit/checkpoint.js';
import { type AuditEntry, type ChainHead, GENESIS_HEAD } from '../../src/audit/entry.js';
import type { AuditStore } from '../../src/audit/ports.js';

/**
 * An in-memory AuditStore for tests only (the real one is SQL). It keeps the port's semantics,
 * including the write lock: appends and checkpoint saves run one at a time, in arrival order.
 * `entries` and `checkpoints` are exposed so tests can tamper with the "database".
 */
export interface MemoryAuditStore extends AuditStore {
  entries: AuditEntry[];
  checkpoints: SignedCheckpoint[];
}

export function memoryAuditStore(): MemoryAuditStore {
  let lock: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T> | T): Promise<T> => {
    const run = lock.then(work);
    lock = run.catch(() => undefined);
    return run;
  };
  const headOf = (entries: readonly AuditEntry[]): ChainHead => {
    const last = entries[entries.length - 1];
    return last === undefined ? GENESIS_HEAD : { seq: last.seq, hash: last.hash };
  };

  const store: MemoryAuditStore = {
    entries: [],
    checkpoints: [],
    append: (build) =>
      serialized(async () => {
        const head = headOf(store.entries);
        // Yield inside the lock, as a database round trip would, so races would show.
        await new Promise((r) => setImmediate(r));
        const entry = build(head);
        if (store.entries.some((e) => e.seq === entry.seq)) throw new Error('duplicate seq');
        store.entries.push(entry);
        return entry;
      }),
    appendOnce: (once, build) =>
      serialized(async () => {
        if (store.entries.some((e) => e.action === once.action && e.resource?.type === once.resource.type && e.resource.id === once.resource.id)) return null;
        const head = headOf(store.entries);
        await new Promise((r) => setImmediate(r));
        const entry = build(head);
        store.entries.push(entry);
        return entry;
      }),
    head: async () => headOf(store.entries),
    oldestSeq: async () => store.entries[0]?.seq ?? null,
    async *readRange(fromSeq, toSeq) {
      for (const e of [...store.entries]) if (e.seq >= fromSeq && e.seq <= toSeq) yield e;
    },
    saveCheckpoint: (cp) =>
      serialized(() => {
        const latest = store.checkpoints[store.checkpoints.length - 1];
        const expected = latest === undefined ? (store.entries[0]?.seq ?? 1) : latest.toSeq + 1;
        if (cp.fromSeq !== expected) return 'conflict' as const;
        store.checkpoints.push(cp);
        return 'saved' as const;
      }),
    latestCheckpoint: async () => store.checkpoints[store.checkpoints.length - 1] ?? null,
    listCheckpoints: async () => [...store.checkpoints],
    deleteSegment: (segment) =>
      serialized(() => {
        if (store.entries[0]?.seq !== segment.fromSeq) return 'not_oldest' as const;
        store.entries = store.entries.filter((e) => e.seq > segment.toSeq);
        store.checkpoints = store.checkpoints.filter((c) => c.toSeq >= segment.fromSeq);
        return 'deleted' as const;
      }),
  };
  return store;
}
