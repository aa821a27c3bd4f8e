import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/auditLog.js';
import type { Actor } from '../../src/audit/entry.js';
import { createMinimizer } from '../../src/audit/minimize.js';
import type { AuditStore } from '../../src/audit/ports.js';
import { manualClock } from '../../src/kernel/clock.js';
import { createAuditStore } from '../../src/store/audit/auditStore.js';
import { engines } from '../support/databases.js';
import { signer } from './chain.js';
import { memoryAuditStore } from './memoryStore.js';

const op: Actor = { type: 'operator', id: 'op_1' };
const DAY = 86_400_000;

/** Two audit log services over the in-memory store (which tests may tamper with). */
function twoInstances(retentionDays = 365) {
  const store = memoryAuditStore();
  const clock = manualClock(new Date('2026-01-01T00:00:00Z'));
  const make = () => createAuditLog({ store, clock, signer, minimizer: createMinimizer({ key: Buffer.alloc(32, 3), keyId: 'k1' }), retentionDays });
  const a = make();
  const b = make();
  const flag = (i: number) => a.record({ action: 'flag.changed', actor: op, body: { flag: `f${i}`, on: true } });
  return { store, clock, a, b, flag };
}

describe('audit log maintenance on an empty log', () => {
  it('has nothing to checkpoint and nothing to prune', async () => {
    const { store, a } = twoInstances();
    expect(await a.checkpoint()).toEqual({ kind: 'nothing_new' });
    expect(await a.applyRetention()).toMatchObject({ kind: 'nothing_to_prune' });
    expect(store.entries).toEqual([]);
  });
});

describe('audit log maintenance racing on the in-memory store (deterministic interleaving)', () => {
  it('lets the second of two simultaneous checkpoints of one range lose with conflict', async () => {
    const { store, a, b, flag } = twoInstances();
    for (let i = 0; i < 4; i++) await flag(i);
    expect((await Promise.all([a.checkpoint(), b!.checkpoint()])).map((o) => o.kind)).toEqual(['created', 'conflict']);
    expect(store.checkpoints.map((c) => [c.fromSeq, c.toSeq])).toEqual([[1, 4]]);
  });

  it('lets the second of two simultaneous prunes lose with conflict at the segment already gone', async () => {
    const { store, clock, a, b, flag } = twoInstances(30);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) await flag(i);
      await a.checkpoint();
      clock.advance(40 * DAY);
    }
    const outcomes = await Promise.all([a.applyRetention(), b!.applyRetention()]);
    expect(outcomes.map((o) => o.kind)).toEqual(['pruned', 'conflict']);
    expect(outcomes[1]).toMatchObject({ segment: { fromSeq: 1, toSeq: 3 } });
    expect(store.entries[0]!.seq).toBe(8);
  });
});

for (const engine of engines) {
  describe(`audit log maintenance racing across instances on ${engine.name}`, () => {
    /** Two audit log services over one database, as two servers. */
    async function onDatabase(retentionDays = 365) {
      const database = await engine.open();
      const store: AuditStore = createAuditStore(database);
      const clock = manualClock(new Date('2026-01-01T00:00:00Z'));
      const make = () => createAuditLog({ store, clock, signer, minimizer: createMinimizer({ key: Buffer.alloc(32, 3), keyId: 'k1' }), retentionDays });
      const a = make();
      const b = make();
      const flag = (i: number) => a.record({ action: 'flag.changed', actor: op, body: { flag: `f${i}`, on: true } });
      const actions = async () => {
        const out: string[] = [];
        for await (const e of store.readRange(1, (await store.head()).seq)) out.push(e.action);
        return out;
      };
      return { database, store, clock, a, b, flag, actions };
    }

    it('never forks the checkpoints when two instances checkpoint at once', async () => {
      const { database, store, a, b, flag, actions } = await onDatabase();
      try {
        for (let i = 0; i < 4; i++) await flag(i);
        const outcomes = await Promise.all([a.checkpoint(), b.checkpoint()]);
        // Whatever the interleaving (conflict, nothing new yet, or one after the other), nothing forks.
        expect(outcomes.every((o) => o.kind === 'created' || o.kind === 'conflict' || o.kind === 'nothing_new')).toBe(true);
        const created = outcomes.filter((o) => o.kind === 'created').length;
        expect(created).toBeGreaterThanOrEqual(1);
        const cps = await store.listCheckpoints();
        expect(cps[0]).toMatchObject({ fromSeq: 1, toSeq: 4 });
        expect(cps).toHaveLength(created);
        for (let i = 1; i < cps.length; i++) expect(cps[i]!.fromSeq).toBe(cps[i - 1]!.toSeq + 1);
        expect((await actions()).filter((x) => x === 'audit.checkpointed')).toHaveLength(created);
        expect(await a.verify()).toMatchObject({ ok: true });
      } finally {
        await database.dispose();
      }
    });

    it('records an entry once per action and resource however many instances record it at once', async () => {
      const { database, store, a, b, actions } = await onDatabase();
      // A second store over the same database: on PostgreSQL its appends contend on other connections.
      const c = createAuditLog({ store: createAuditStore(database), clock: manualClock(new Date('2026-01-01T00:00:00Z')), signer, minimizer: createMinimizer({ key: Buffer.alloc(32, 3), keyId: 'k1' }) });
      const sys: Actor = { type: 'system', id: 'key-manager' };
      const expired = (id: string) => ({ action: 'key.expired' as const, actor: sys, resource: { type: 'api_key', id }, body: { prefix: id } });
      try {
        const outcomes = await Promise.all([a, b, c, a, b, c].map((log) => log.recordOnce(expired('k1'))));
        expect(outcomes.filter((o) => o !== null)).toHaveLength(1);
        expect(outcomes.find((o) => o !== null)).toMatchObject({ seq: 1, action: 'key.expired', resource: { type: 'api_key', id: 'k1' } });
        // Another resource, or another action about the same resource, is an entry of its own.
        expect(await b.recordOnce(expired('k2'))).toMatchObject({ seq: 2, resource: { id: 'k2' } });
        expect(await c.recordOnce({ action: 'key.revoked', actor: sys, resource: { type: 'api_key', id: 'k1' }, body: { reason: 'test' } })).toMatchObject({ seq: 3 });
        expect(await a.recordOnce(expired('k2'))).toBeNull();
        expect(await a.recordOnce({ ...expired('k1'), resource: { type: 'operator', id: 'k1' } })).toMatchObject({ seq: 4 });
        expect(await actions()).toEqual(['key.expired', 'key.expired', 'key.revoked', 'key.expired']);
        expect((await store.head()).seq).toBe(4);
        expect(await a.verify()).toMatchObject({ ok: true, verifiedThrough: 4 });
      } finally {
        await database.dispose();
      }
    });

    it('prunes old segments once when two instances apply retention at once', async () => {
      const { database, store, clock, a, b, flag, actions } = await onDatabase(30);
      try {
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < 3; i++) await flag(i);
          await a.checkpoint();
          clock.advance(40 * DAY);
        }
        const outcomes = await Promise.all([a.applyRetention(), b.applyRetention()]);
        // The loser meets a segment already removed, finds nothing left to prune, or (reading while the winner
        // deletes) cannot verify the chain and so prunes nothing.
        expect(outcomes.filter((o) => o.kind === 'pruned')).toHaveLength(1);
        expect(outcomes.filter((o) => o.kind === 'conflict' || o.kind === 'nothing_to_prune' || o.kind === 'chain_not_verified')).toHaveLength(1);
        expect(await store.oldestSeq()).toBe(8);
        expect((await actions()).filter((x) => x === 'audit.retention_pruned')).toHaveLength(1);
        expect(await a.verify()).toMatchObject({ ok: true });
      } finally {
        await database.dispose();
      }
    });
  });
}

describe('inclusion proofs', () => {
  it('cannot prove an entry that was deleted from a signed segment', async () => {
    const { store, a, flag } = twoInstances();
    for (let i = 0; i < 5; i++) await flag(i);
    await a.checkpoint();
    store.entries = store.entries.filter((e) => e.seq !== 3);
    expect(await a.proveInclusion(3)).toEqual({ kind: 'not_found' });
    expect(await a.proveInclusion(2)).toMatchObject({ kind: 'proved', index: 1 });
  });
});
