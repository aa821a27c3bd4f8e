import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/auditLog.js';
import type { Actor } from '../../src/audit/entry.js';
import { createMinimizer } from '../../src/audit/minimize.js';
import { manualClock } from '../../src/kernel/clock.js';
import { appendInTransaction, createAuditStore } from '../../src/store/audit/auditStore.js';
import { engines } from '../support/databases.js';
import { signer } from './chain.js';

const op: Actor = { type: 'operator', id: 'op_1' };

for (const engine of engines) {
  describe(`audit entries appended inside a caller's transaction on ${engine.name}`, () => {
    async function onDatabase() {
      const database = await engine.open();
      const store = createAuditStore(database);
      const audit = createAuditLog({ store, clock: manualClock(new Date('2026-01-01T00:00:00Z')), signer, minimizer: createMinimizer({ key: Buffer.alloc(32, 3), keyId: 'k1' }) });
      const flag = (i: number) => ({ action: 'flag.changed' as const, actor: op, body: { flag: `f${i}`, on: true } });
      const actions = async () => {
        const out: string[] = [];
        for await (const e of store.readRange(1, (await store.head()).seq)) out.push(`${e.seq}:${(e.body as { flag: string }).flag}`);
        return out;
      };
      return { database, store, audit, flag, actions };
    }

    it('leaves no trace of a rolled-back transaction, and the appends after it chain on the stored head', async () => {
      const { database, audit, flag, actions } = await onDatabase();
      try {
        await audit.record(flag(1));
        await expect(
          database.db.transaction().execute(async (tx) => {
            await appendInTransaction(database.db, tx, audit.prepared(flag(2)));
            await appendInTransaction(database.db, tx, audit.prepared(flag(3)));
            throw new Error('crash before commit');
          }),
        ).rejects.toThrow('crash before commit');
        expect(await audit.record(flag(4))).toMatchObject({ seq: 2 });
        const committed = await database.db.transaction().execute((tx) => appendInTransaction(database.db, tx, audit.prepared(flag(5))));
        expect(committed).toMatchObject({ seq: 3 });
        expect(await audit.record(flag(6))).toMatchObject({ seq: 4, prevHash: committed.hash });
        expect(await actions()).toEqual(['1:f1', '2:f4', '3:f5', '4:f6']);
        expect(await audit.verify()).toMatchObject({ ok: true, verifiedThrough: 4 });
      } finally {
        await database.dispose();
      }
    });

    it('holds the audit write lock to the commit: an append started meanwhile waits and chains after it', async () => {
      const { database, audit, flag, actions } = await onDatabase();
      try {
        await audit.record(flag(1));
        let appended!: () => void;
        const inside = new Promise<void>((resolve) => {
          appended = resolve;
        });
        let release!: () => void;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const open = database.db.transaction().execute(async (tx) => {
          const entry = await appendInTransaction(database.db, tx, audit.prepared(flag(2)));
          appended();
          await gate;
          return entry;
        });
        await inside;
        const meanwhile = audit.record(flag(3));
        await new Promise((resolve) => setTimeout(resolve, 100));
        release();
        const [first, second] = await Promise.all([open, meanwhile]);
        expect(first).toMatchObject({ seq: 2 });
        expect(second).toMatchObject({ seq: 3, prevHash: first.hash });
        expect(await actions()).toEqual(['1:f1', '2:f2', '3:f3']);
        expect(await audit.verify()).toMatchObject({ ok: true, verifiedThrough: 3 });
      } finally {
        await database.dispose();
      }
    });
  });
}
