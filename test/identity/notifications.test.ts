import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox, slackSink, webhookSignature, webhookSink } from '../../src/notifications/outbox.js';
import { outboxStore } from '../../src/store/notifications/outbox.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A local HTTP server that fails the first `failFirst` requests with 500, then answers 200. */
async function sinkServer(failFirst: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += String(c);
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = received.length <= failFirst ? 500 : 200;
      res.end(res.statusCode === 200 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

const engine = engines[0]!;

describe(`notification outbox on ${engine.name}`, () => {
  let rt: TestRuntime;
  const servers: Server[] = [];
  beforeAll(async () => {
    rt = await startRuntime(engine);
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await rt.dispose();
  });

  it('delivers to a signed webhook with retries and backoff, and to Slack, recording every attempt', async () => {
    const hook = await sinkServer(2);
    const slack = await sinkServer(0);
    servers.push(hook.server, slack.server);
    const outbox = createOutbox({ store: outboxStore(rt.database.db), sinks: [webhookSink(hook.url, 'hook-secret', rt.clock), slackSink(slack.url)], clock: rt.clock });
    const id = await outbox.notify({ topic: 'key.compromise', severity: 'critical', subject: 'API key "agent" suspended', body: { keyId: 'k1', score: 90 } });

    expect(await outbox.deliverDue()).toEqual({ delivered: 1, failed: 1 });
    expect(await outbox.deliverDue()).toEqual({ delivered: 0, failed: 0 });
    rt.clock.advance(30_000);
    expect(await outbox.deliverDue()).toEqual({ delivered: 0, failed: 1 });
    rt.clock.advance(60_000);
    expect(await outbox.deliverDue()).toEqual({ delivered: 1, failed: 0 });

    expect(hook.received).toHaveLength(3);
    const last = hook.received[2]!;
    const t = /^t=(\d+),v1=/.exec(String(last.headers['x-clubos-signature']))![1]!;
    expect(last.headers['x-clubos-signature']).toBe(webhookSignature('hook-secret', Number(t), last.body));
    expect(JSON.parse(last.body)).toMatchObject({ id, topic: 'key.compromise', severity: 'critical', body: { keyId: 'k1' } });
    expect(JSON.parse(slack.received[0]!.body).text).toContain('API key "agent" suspended');

    const attempts = await sql<{ sink: string; ok: boolean; status: number | null }>`select sink, ok, status from notification_attempts where notification_id = ${id} order by id`.execute(rt.database.db);
    expect(attempts.rows).toEqual([
      { sink: 'webhook', ok: false, status: 500 },
      { sink: 'slack', ok: true, status: 200 },
      { sink: 'webhook', ok: false, status: 500 },
      { sink: 'webhook', ok: true, status: 200 },
    ]);
  });

  it('gives up after the last attempt and marks the delivery failed', async () => {
    const hook = await sinkServer(1000);
    servers.push(hook.server);
    const outbox = createOutbox({ store: outboxStore(rt.database.db), sinks: [webhookSink(hook.url, null, rt.clock)], clock: rt.clock });
    const id = await outbox.notify({ topic: 't', severity: 'info', subject: 's', body: {} });
    for (let i = 0; i < 12; i++) {
      await outbox.deliverDue();
      rt.clock.advance(3_600_000);
    }
    const row = await sql<{ state: string; attempts: number }>`select state, attempts from notification_deliveries where notification_id = ${id}`.execute(rt.database.db);
    expect(row.rows[0]).toEqual({ state: 'failed', attempts: 8 });
  });
});
