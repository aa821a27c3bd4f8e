import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointTask } from '../../src/jobs/auditTasks.js';
import { createAuditStore } from '../../src/store/audit/auditStore.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

for (const engine of engines) {
  describe(`audit chain in compliance_log on ${engine.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine);
    });
    afterAll(async () => rt.dispose());

    const actor = { type: 'system' as const, id: 'test' };

    it('appends concurrently without forking the chain and verifies', async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => rt.audit.record({ action: 'config.changed', actor, body: { n: i }, resource: { type: 'flag', id: `f${i}` } })),
      );
      const status = await rt.audit.verify();
      expect(status.ok).toBe(true);
      expect(status).toMatchObject({ verifiedThrough: 40 });
    });

    it('minimises personal data: phone numbers and message texts never reach the table', async () => {
      await rt.audit.record({ action: 'decision.proposed', actor, body: { from: '+15550100199', text: 'trackman frozen bay 3', decision: 'reset_trackman' } });
      const rows = await sql<{ body: string }>`select body::text as body from compliance_log order by seq desc limit 1`.execute(rt.database.db);
      expect(rows.rows[0]!.body).not.toContain('5550100199');
      expect(rows.rows[0]!.body).not.toContain('trackman frozen');
      expect(rows.rows[0]!.body).toContain('reset_trackman');
    });

    it('refuses UPDATE, DELETE and TRUNCATE of audit rows for every role, through a trigger', async () => {
      await expect(sql`update compliance_log set actor_id = 'mallory' where seq = 1`.execute(rt.database.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from compliance_log where seq = 2`.execute(rt.database.db)).rejects.toThrow(/append-only/);
      await expect(sql`truncate compliance_log`.execute(rt.database.db)).rejects.toThrow(/append-only/);
      expect((await rt.audit.verify()).ok).toBe(true);
    });

    it('detects an entry edited behind the trigger and names its sequence number', async () => {
      const original = await rt.database.exclusive(async (r) => {
        const [row] = await r.query<{ body: string }>('select body::text as body from compliance_log where seq = 7');
        await r.exec('alter table compliance_log disable trigger compliance_log_append_only');
        await r.query(`update compliance_log set body = jsonb_set(body, '{n}', '999') where seq = 7`);
        await r.exec('alter table compliance_log enable trigger compliance_log_append_only');
        return row!.body;
      });
      const status = await rt.audit.verify();
      expect(status).toMatchObject({ ok: false, firstBadSeq: 7, reason: 'hash_mismatch' });
      await rt.database.exclusive(async (r) => {
        await r.exec('alter table compliance_log disable trigger compliance_log_append_only');
        await r.query('update compliance_log set body = $1::jsonb where seq = 7', [original]);
        await r.exec('alter table compliance_log enable trigger compliance_log_append_only');
      });
      expect((await rt.audit.verify()).ok).toBe(true);
    });

    it('signs checkpoints and prunes only the oldest whole segment', async () => {
      const cp = await rt.audit.checkpoint();
      expect(cp.kind).toBe('created');
      const store = await import('../../src/store/audit/auditStore.js');
      const s = store.createAuditStore(rt.database);
      expect(await s.deleteSegment({ fromSeq: 5, toSeq: 10 })).toBe('not_oldest');
      expect(await s.oldestSeq()).toBe(1);
    });
  });
}

for (const engine of engines) {
  describe(`a fresh audit log, and two checkpointers at once, on ${engine.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine);
    });
    afterAll(async () => rt.dispose());
    const actor = { type: 'system' as const, id: 'test' };

    it('an empty log has no oldest entry, and the checkpoint task has nothing to sign', async () => {
      const store = createAuditStore(rt.database);
      expect(await store.oldestSeq()).toBeNull();
      expect(await checkpointTask(rt.audit, store)).toEqual({ task: 'audit.checkpoint', outcome: 'nothing_new', level: 'info', signedThrough: 0 });
      expect(await store.latestCheckpoint()).toBeNull();
    });

    it('two instances signing the same range at once: one checkpoint is saved, the other signs nothing', async () => {
      for (let i = 0; i < 5; i++) await rt.audit.record({ action: 'config.changed', actor, resource: { type: 'flag', id: `f${i}` }, body: { n: i } });
      const outcomes = await Promise.all([checkpointTask(rt.audit, createAuditStore(rt.database)), checkpointTask(rt.audit, createAuditStore(rt.database))]);
      // The loser either raced the same range (conflict) or, on a real pool, read the winner's checkpoint first
      // (nothing new): which one depends on the interleaving, never the result.
      expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1);
      expect(['conflict', 'nothing_new']).toContain(outcomes.find((o) => o.outcome !== 'created')!.outcome);
      expect((await createAuditStore(rt.database).listCheckpoints()).map((c) => [c.fromSeq, c.toSeq])).toEqual([[1, 5]]);
      expect((await rt.audit.verify()).ok).toBe(true);
    });

    it('signs nothing when the only entry after the latest checkpoint is that checkpoint\'s own record', async () => {
      // The interleaving behind a two-instance race: one instance's task looked before the other checkpointed,
      // then asks to sign after the other's checkpoint and its audit.checkpointed entry were written.
      const before = (await createAuditStore(rt.database).listCheckpoints()).length;
      await rt.audit.record({ action: 'config.changed', actor, resource: { type: 'flag', id: 'h1' }, body: { n: 1 } });
      expect((await rt.audit.checkpoint()).kind).toBe('created');
      expect((await rt.audit.checkpoint()).kind).toBe('nothing_new');
      expect(await createAuditStore(rt.database).listCheckpoints()).toHaveLength(before + 1);
      // Anything else after it is new again.
      await rt.audit.record({ action: 'config.changed', actor, resource: { type: 'flag', id: 'h2' }, body: { n: 2 } });
      expect((await rt.audit.checkpoint()).kind).toBe('created');
      expect((await rt.audit.verify()).ok).toBe(true);
    });

    it('reads and verifies a chain longer than one page of rows', async () => {
      for (let i = 0; i < 1_010; i++) await rt.audit.record({ action: 'config.changed', actor, resource: { type: 'flag', id: `g${i}` }, body: { n: i } });
      const store = createAuditStore(rt.database);
      const head = await store.head();
      let n = 0;
      let last = 0;
      for await (const e of store.readRange(1, head.seq)) {
        expect(e.seq).toBe(last + 1);
        last = e.seq;
        n++;
      }
      expect(n).toBe(head.seq);
      expect(await rt.audit.verify()).toMatchObject({ ok: true, verifiedThrough: head.seq });
    });
  });
}

describe.runIf(engines.some((e) => e.name === 'postgres'))('the application role on PostgreSQL', () => {
  it('cannot UPDATE or DELETE audit rows (privileges revoked and trigger)', async () => {
    const engine = engines.find((e) => e.name === 'postgres')!;
    const database = await engine.open();
    const role = `clubos_app_${Math.random().toString(36).slice(2, 8)}`;
    try {
      await database.exclusive(async (r) => {
        await r.exec(`create role ${role} login`);
        await r.exec(`grant select, insert on compliance_log to ${role}`);
        await r.exec(
          `insert into compliance_log (seq, at, actor_type, actor_id, action, body, prev_hash, hash) values (1, now(), 'system', 's', 'config.changed', '{}', repeat('0', 64), repeat('1', 64))`,
        );
      });
      const url = new URL(database.url!);
      url.username = role;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await expect(client.query(`update compliance_log set actor_id = 'x'`)).rejects.toThrow(/permission denied/);
        await expect(client.query('delete from compliance_log')).rejects.toThrow(/permission denied/);
        expect((await client.query('select count(*)::int as n from compliance_log')).rows[0].n).toBe(1);
      } finally {
        await client.end();
      }
    } finally {
      await database.dispose();
      await database.exclusive(async () => undefined).catch(() => undefined);
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});
