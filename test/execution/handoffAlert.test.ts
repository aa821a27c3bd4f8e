import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeServer } from '../integrations/fakes/fakeHttp.js';
import { startFakeSlack } from '../integrations/fakes/fakeSlack.js';
import { answer, submit } from '../pipeline/helpers.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { settle } from './helpers.js';

const HOOK = '/services/T0CLUB/B0OPS/handoffHookToken';

/**
 * A handoff needs a human: the team is alerted through Slack, and when Slack cannot take the alert the
 * handoff goes to the notification outbox (retried with backoff through every configured sink) instead of
 * being lost. In shadow mode too: a handoff is not automation.
 */
for (const engine of engines) {
  describe(`handoff alerts on ${engine.name}`, () => {
    let rt: TestRuntime;
    let slack: FakeServer;
    let operator: OperatorSession;
    let key: CreatedKey;
    let n = 0;

    const handoff = async (): Promise<string> => {
      const { id } = await submit(rt, key, { kind: 'message', channel: 'sms', from: `c-07${n++}`, location: 'Dartmouth', text: 'I was charged twice for my booking' });
      await settle(rt);
      const res = await answer(rt, operator, id, { kind: 'decide', decision: 'escalate_refund', params: { location: 'Dartmouth' } });
      expect(res.statusCode, res.body).toBe(201);
      await settle(rt);
      return id;
    };
    const queued = async (id: string) =>
      (
        await sql<{ topic: string; severity: string; body: { eventId: string; decision: string; alert: string } }>`select topic, severity, body from notifications where topic = 'decision.handoff' and body->>'eventId' = ${id}`.execute(
          rt.database.db,
        )
      ).rows;

    beforeAll(async () => {
      slack = await startFakeSlack(HOOK);
      rt = await startRuntime(engine, { CLUBOS_INTEGRATIONS: JSON.stringify({ slack: { webhookUrl: `${slack.url}${HOOK}` } }) });
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => {
      await rt.dispose();
      await slack.close();
    });

    it('posts the handoff to Slack and queues nothing more when Slack takes it', async () => {
      const before = slack.requests.length;
      const id = await handoff();
      const posted = slack.requests.slice(before).map((r) => JSON.parse(r.body) as { text: string });
      expect(posted).toHaveLength(1);
      expect(posted[0]!.text).toContain(id);
      expect(posted[0]!.text).toContain('escalate refund at Dartmouth');
      expect(await queued(id)).toEqual([]);
    });

    it('queues the handoff in the outbox when Slack fails, naming what went wrong', async () => {
      slack.inject({ status: 500, body: 'internal_error' });
      const id = await handoff();
      expect(await queued(id)).toEqual([
        { topic: 'decision.handoff', severity: 'warning', body: expect.objectContaining({ eventId: id, decision: 'escalate_refund', alert: expect.stringContaining('failed') }) },
      ]);
      // The outbox delivers it through its sinks (the log sink at least) on its next run.
      await rt.outbox.deliverDue();
      const delivered = await sql<{ n: number }>`select count(*)::int as n from notification_deliveries d join notifications x on x.id = d.notification_id
        where x.topic = 'decision.handoff' and d.state = 'delivered'`.execute(rt.database.db);
      expect(delivered.rows[0]!.n).toBeGreaterThanOrEqual(1);
    });
  });
}
