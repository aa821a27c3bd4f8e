import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import { buildRuntime } from '../../src/main.js';
import { engines } from '../support/databases.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';

/** Slack's incoming webhook, answering with the given status (Slack says 404 `no_service` for a deleted hook). */
async function slackHook(status: () => number): Promise<{ url: string; texts: string[]; server: Server }> {
  const texts: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += String(c);
    });
    req.on('end', () => {
      texts.push((JSON.parse(body) as { text: string }).text);
      const s = status();
      res.writeHead(s).end(s === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/x`, texts, server };
}

const deliveries = async (rt: TestRuntime, id: number) =>
  (await sql<{ sink: string; state: string; attempts: number; last_error: string | null; next_attempt_at: Date }>`select sink, state, attempts, last_error, next_attempt_at from notification_deliveries where notification_id = ${id} order by sink`.execute(rt.database.db)).rows;

for (const engine of engines) {
  describe(`admin notifications through Slack on ${engine.name}`, () => {
    let rt: TestRuntime;
    let status = 404;
    let hook: Awaited<ReturnType<typeof slackHook>>;
    beforeAll(async () => {
      hook = await slackHook(() => status);
      rt = await startRuntime(engine, { NOTIFY_SLACK_WEBHOOK_URL: hook.url });
    });
    afterAll(async () => {
      await rt.dispose();
      hook.server.close();
    });

    it('a Slack hook that answers an error keeps the notification for a retry after the backoff, recording the status', async () => {
      const id = await rt.outbox.notify({ topic: 'tickets.sla', severity: 'critical', subject: 'Ticket past its deadline', body: { ticket: 't-1' } });
      expect(await rt.outbox.deliverDue()).toEqual({ delivered: 1, failed: 1 });
      expect(hook.texts).toEqual([':rotating_light: *Ticket past its deadline*\n• ticket: t-1']);
      expect(await deliveries(rt, id)).toEqual([
        expect.objectContaining({ sink: 'log', state: 'delivered', attempts: 1 }),
        { sink: 'slack', state: 'pending', attempts: 1, last_error: 'slack answered 404', next_attempt_at: new Date(rt.clock.now().getTime() + 30_000) },
      ]);
      const attempts = await sql<{ ok: boolean; status: number | null }>`select ok, status from notification_attempts where notification_id = ${id} and sink = 'slack'`.execute(rt.database.db);
      expect(attempts.rows).toEqual([{ ok: false, status: 404 }]);

      status = 200;
      rt.clock.advance(30_000);
      expect(await rt.outbox.deliverDue()).toEqual({ delivered: 1, failed: 0 });
      expect(await deliveries(rt, id)).toEqual([expect.objectContaining({ sink: 'log', state: 'delivered' }), expect.objectContaining({ sink: 'slack', state: 'delivered', attempts: 2, last_error: null })]);
    });

    it('after a restart without Slack configured, its pending deliveries fail at once instead of waiting forever', async () => {
      status = 500;
      const id = await rt.outbox.notify({ topic: 'key.compromise', severity: 'warning', subject: 'Key suspended', body: { key: 'k-1' } });
      expect(await rt.outbox.deliverDue()).toEqual({ delivered: 1, failed: 1 });
      const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', ...TEST_SECRETS });
      const again = await buildRuntime(config, { database: rt.testDatabase, clock: rt.clock, logger: createLogger('silent') });
      try {
        rt.clock.advance(30_000);
        expect(await again.outbox.deliverDue()).toEqual({ delivered: 0, failed: 1 });
        expect((await deliveries(rt, id)).find((d) => d.sink === 'slack')).toMatchObject({ state: 'failed', last_error: 'sink no longer configured', attempts: 2 });
        rt.clock.advance(3_600_000);
        expect(await again.outbox.deliverDue()).toEqual({ delivered: 0, failed: 0 });
      } finally {
        await again.close();
      }
    });
  });
}
