import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.js';
import { INTERNAL_MARKERS } from '../support/problems.js';
import { type Credentials, type PrivatePostgres, type ServerProcess, postgresBin, privatePostgres, setUp, startServer, waitFor } from './support.js';

/**
 * PostgreSQL stopped for a few seconds under a running server (a private cluster, never the machine's shared
 * one): /ready turns false, requests that need the database get 503 problems without internals, and the same
 * process recovers by itself when the database is back, with nothing acknowledged lost.
 */
describe.skipIf(!postgresUrl || postgresBin() === null)('PostgreSQL outage (private cluster)', () => {
  let db: PrivatePostgres;
  let server: ServerProcess;
  let creds: Credentials;
  beforeAll(async () => {
    db = await privatePostgres();
    server = await startServer({ DATABASE_URL: db.url });
    creds = await setUp(server.base, server.setupToken!, ['events:write', 'events:read']);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    db?.destroy();
  });

  const post = (i: number) =>
    fetch(`${server.base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${creds.key}`, 'content-type': 'application/json', 'idempotency-key': `outage-${i}` },
      body: JSON.stringify({ kind: 'message', channel: 'sms', from: 'c-0001', location: 'Dartmouth', text: `trackman frozen in bay ${1 + (i % 6)} (${i})` }),
    });

  it('reports not ready and answers 503 while the database is down, then recovers without a restart', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await post(i);
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const pid = server.proc.pid;
    db.stop();
    const down = Date.now();
    await waitFor('/ready to report the database down', async () => (await fetch(`${server.base}/ready`, { signal: AbortSignal.timeout(3000) })).status === 503, 15_000);
    const refused = await post(100);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await refused.text();
    for (const marker of INTERNAL_MARKERS) expect(body).not.toMatch(marker);
    const read = await fetch(`${server.base}/v1/events/${ids[0]}`, { headers: { authorization: `Bearer ${creds.key}` } });
    expect(read.status).toBe(503);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);

    await new Promise((r) => setTimeout(r, Math.max(0, 3_000 - (Date.now() - down))));
    db.start();
    await waitFor('/ready after the database is back', async () => (await fetch(`${server.base}/ready`)).status === 200, 30_000);
    expect(server.proc.pid).toBe(pid);
    expect(server.proc.exitCode).toBeNull();
    for (let i = 10; i < 20; i++) {
      const res = await post(i);
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    for (const id of ids) {
      const res = await fetch(`${server.base}/v1/events/${id}`, { headers: { authorization: `Bearer ${creds.key}` } });
      expect(res.status).toBe(200);
    }
  });
});
