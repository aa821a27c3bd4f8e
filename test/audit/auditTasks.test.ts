import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/audit/entry.js';
import { createMinimizer } from '../../src/audit/minimize.js';
import { checkpointTask, retentionTask } from '../../src/jobs/auditTasks.js';
import { createAuditStore } from '../../src/store/audit/auditStore.js';
import { engines } from '../support/databases.js';
import { startRuntime, TEST_SECRETS, type TestRuntime } from '../support/runtime.js';

const DAY = 86_400_000;
const operator: Actor = { type: 'operator', id: 'op_1' };
const PHONE = '+1 (555) 010-0199';
const MESSAGE = 'my card was charged twice, call me back at +1 555 010 0199';

for (const engine of engines) {
  describe(`audit tasks on a real runtime (${engine.name}), retention 30 days`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine, { COMPLIANCE_RETENTION_DAYS: '30' });
    });
    afterAll(async () => rt.dispose());

    const store = () => createAuditStore(rt.database);
    const recordSome = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await rt.audit.record({ action: 'config.changed', actor: operator, resource: { type: 'setting', id: `s${i}` }, body: { n: i } });
      }
    };

    it('signs the entries appended since the last checkpoint, and nothing when only its own record followed', async () => {
      await recordSome(5);
      const first = await checkpointTask(rt.audit, store());
      expect(first).toMatchObject({ task: 'audit.checkpoint', outcome: 'created', level: 'info', fromSeq: 1, toSeq: 5 });
      // seq 6 is the audit.checkpointed record of that checkpoint: not worth a checkpoint of its own.
      expect(await checkpointTask(rt.audit, store())).toEqual({ task: 'audit.checkpoint', outcome: 'nothing_new', level: 'info', signedThrough: 5 });
      expect((await store().head()).seq).toBe(6);

      rt.clock.advance(10 * DAY);
      await recordSome(3); // 7..9
      expect(await checkpointTask(rt.audit, store())).toMatchObject({ outcome: 'created', fromSeq: 6, toSeq: 9 });
      rt.clock.advance(10 * DAY);
      await recordSome(2); // 11..12
      expect(await checkpointTask(rt.audit, store())).toMatchObject({ outcome: 'created', fromSeq: 10, toSeq: 12 });
    });

    it('prunes nothing while every checkpoint is younger than the retention period', async () => {
      const out = await retentionTask(rt.audit);
      expect(out).toEqual({ task: 'audit.retention', outcome: 'nothing_to_prune', level: 'info', cutoff: new Date(rt.clock.now().getTime() - 30 * DAY).toISOString() });
      expect(await store().oldestSeq()).toBe(1);
    });

    it('prunes whole old segments only, and the chain still verifies from the oldest kept checkpoint', async () => {
      rt.clock.advance(15 * DAY); // day 35: the day-0 checkpoint is past 30 days, the day-10 one is not
      const out = await retentionTask(rt.audit);
      expect(out).toMatchObject({ task: 'audit.retention', outcome: 'pruned', fromSeq: 1, toSeq: 5, segments: 1, keptFromSeq: 6, recordedSeq: 14 });
      expect(await store().oldestSeq()).toBe(6);
      const kept = await store().listCheckpoints();
      expect(kept.map((c) => [c.fromSeq, c.toSeq])).toEqual([
        [1, 5],
        [6, 9],
        [10, 12],
      ]);
      const status = await rt.audit.verify();
      expect(status).toMatchObject({ ok: true, fromSeq: 6, signedThrough: 12, verifiedThrough: 14 });
      expect(await retentionTask(rt.audit)).toMatchObject({ outcome: 'nothing_to_prune' });
    });

    it('moves the anchor forward on the next prune and drops the checkpoint that anchored the removed segment', async () => {
      expect(await checkpointTask(rt.audit, store())).toMatchObject({ outcome: 'created', fromSeq: 13, toSeq: 14 });
      rt.clock.advance(20 * DAY); // day 55: the day-10 and day-20 checkpoints are old, day-35 is the newest
      const out = await retentionTask(rt.audit);
      expect(out).toMatchObject({ outcome: 'pruned', fromSeq: 6, toSeq: 12, segments: 2, keptFromSeq: 13 });
      expect((await store().listCheckpoints()).map((c) => c.toSeq)).toEqual([12, 14]);
      expect(await rt.audit.verify()).toMatchObject({ ok: true, fromSeq: 13 });
    });

    it('refuses to prune a chain that does not verify, naming the first bad entry', async () => {
      rt.clock.advance(40 * DAY);
      await recordSome(1);
      const seq = (await store().head()).seq;
      await tamper(rt, `update compliance_log set actor_id = 'mallory' where seq = ${seq}`);
      expect(await retentionTask(rt.audit)).toMatchObject({ outcome: 'chain_not_verified', level: 'error', firstBadSeq: seq, reason: 'hash_mismatch' });
      expect(await checkpointTask(rt.audit, store())).toMatchObject({ outcome: 'refused', level: 'error', firstBadSeq: seq });
      expect(await store().oldestSeq()).toBe(13);
    });
  });

  describe(`a customer's deletion request (${engine.name})`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine);
    });
    afterAll(async () => rt.dispose());

    it('erases their messages without touching the chain, because audit bodies hold only pseudonyms and references', async () => {
      // The deletable side: where customer messages live (the intake's own table in the product).
      await rt.database.exclusive((r) => r.exec('create table customer_messages (event_id text primary key, phone text, body text)'));
      await rt.database.exclusive((r) => r.query('insert into customer_messages values ($1, $2, $3)', ['evt_77', PHONE, MESSAGE]));
      const entry = await rt.audit.record({
        action: 'decision.proposed',
        actor: { type: 'system', id: 'intake' },
        resource: { type: 'suggestion', id: 'sug_77' },
        body: { eventId: 'evt_77', phone: PHONE, text: MESSAGE, decision: 'refund_review' },
      });
      await rt.audit.record({ action: 'decision.approved', actor: operator, resource: { type: 'suggestion', id: 'sug_77' }, body: { note: `called ${PHONE}` } });
      await rt.audit.checkpoint();

      const auditText = async () =>
        (await rt.database.exclusive((r) => r.query<{ row: string }>('select row_to_json(c)::text as row from compliance_log c'))).map((x) => x.row).join('\n');
      const before = await auditText();
      for (const secret of ['5550100199', '555 010 0199', '010-0199', 'charged twice']) expect(before).not.toContain(secret);
      // Investigations still find every entry about the customer, through the keyed pseudonym.
      const minimizer = createMinimizer({ key: Buffer.from(TEST_SECRETS.AUDIT_HMAC_KEY, 'base64'), keyId: 'hmac1' });
      expect(entry.body).toMatchObject({ eventId: 'evt_77', phone: minimizer.phonePseudonym(PHONE) });

      // The deletion request: the customer's messages go; the audit keeps a dangling reference only.
      await rt.database.exclusive((r) => r.query('delete from customer_messages where phone = $1', [PHONE]));
      expect(await rt.database.exclusive((r) => r.query('select * from customer_messages'))).toEqual([]);
      expect(await auditText()).toBe(before);
      expect(await rt.audit.verify()).toMatchObject({ ok: true, verifiedThrough: 3, signedThrough: 2 });
    });

    it('would have broken the chain had the text been in the body: erasing it in place is caught', async () => {
      await tamper(rt, `update compliance_log set body = body - 'text' where seq = 1`);
      expect(await rt.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
    });
  });
}

/** Rewrites a row behind the append-only trigger, as a superuser could. */
async function tamper(rt: TestRuntime, statement: string): Promise<void> {
  await rt.database.exclusive(async (r) => {
    await r.exec('alter table compliance_log disable trigger compliance_log_append_only');
    await r.exec(statement);
    await r.exec('alter table compliance_log enable trigger compliance_log_append_only');
  });
}
