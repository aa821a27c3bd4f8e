import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';
import { TestDataGenerator } from '../support/generator/index.js';
import { type Credentials, type ServerProcess, setUp, startServer, waitFor } from './support.js';

/**
 * `kill -9` of the server under a bounded load: every event that got a 202 is there after the restart, is
 * decided exactly once (the crash sweeper picks up what the killed process left undecided), and resending it
 * with its Idempotency-Key replays it instead of storing it twice. Runs where PostgreSQL is (DATABASE_URL).
 */
describe.skipIf(!postgresUrl)('kill -9 under load (PostgreSQL)', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let server: ServerProcess;
  let creds: Credentials;
  const accepted = new Map<string, { id: string; text: string }>();
  let refusedAfterKill = 0;

  beforeAll(async () => {
    scratch = await createScratchPostgres(postgresUrl!);
    server = await startServer({ DATABASE_URL: scratch.url });
    creds = await setUp(server.base, server.setupToken!, ['events:write', 'events:read']);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await scratch?.drop();
  });

  it('keeps every acknowledged event and decides each once', async () => {
    const gen = new TestDataGenerator(99);
    const events = gen.bulk(400);
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < events.length) {
        const i = next++;
        const body = events[i]!;
        try {
          const res = await fetch(`${server.base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${creds.key}`, 'content-type': 'application/json', 'idempotency-key': `crash-${i}` }, body: JSON.stringify(body) });
          if (res.status === 202) accepted.set(`crash-${i}`, { id: ((await res.json()) as { id: string }).id, text: body.text });
        } catch {
          refusedAfterKill++;
        }
        if (!killed && accepted.size >= 120) {
          killed = true;
          server.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    expect(accepted.size).toBeGreaterThanOrEqual(120);
    expect(refusedAfterKill).toBeGreaterThan(0);
    await server.stop('SIGKILL');

    server = await startServer({ DATABASE_URL: scratch.url });
    for (const { id, text } of accepted.values()) {
      const res = await fetch(`${server.base}/v1/events/${id}`, { headers: { authorization: `Bearer ${creds.key}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { text: string }).text).toBe(text);
    }
    // Resending an acknowledged event replays it: same id, nothing stored twice.
    const [idem, first] = [...accepted.entries()][0]!;
    const again = await fetch(`${server.base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${creds.key}`, 'content-type': 'application/json', 'idempotency-key': idem }, body: JSON.stringify(events[Number(idem.slice(6))]) });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ id: first.id, status: expect.any(String), replayed: true });

    const db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    try {
      const ids = [...accepted.values()].map((a) => a.id);
      await waitFor(
        'the sweeper to decide every acknowledged event',
        async () => Number((await db.query(`select count(*) as n from events where id = any($1::uuid[]) and status <> 'received'`, [ids])).rows[0].n) === ids.length,
        90_000,
      );
      const decided = await db.query(`select count(*) as n, count(distinct event_id) as d from pattern_matches where event_id = any($1::uuid[])`, [ids]);
      expect(Number(decided.rows[0].n)).toBe(ids.length);
      expect(Number(decided.rows[0].d)).toBe(ids.length);
      const dupes = await db.query(`select count(*) as n from (select idempotency_key from events where idempotency_key is not null group by source_key_id, idempotency_key having count(*) > 1) d`);
      expect(Number(dupes.rows[0].n)).toBe(0);
    } finally {
      await db.end();
    }
  });
});
