import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { manualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import { openDatabase } from '../../src/store/database.js';
import { type CreatedKey, type OperatorSession, createKey, sampleEvent, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';

const postgres = engines.find((e) => e.name === 'postgres');
const redisUrl = process.env.REDIS_URL;

/** A second ClubOS instance on the first one's database (and Redis), with its own caches and clock. */
async function secondInstance(first: TestRuntime, withRedis: boolean): Promise<Runtime & { clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock(first.clock.now());
  const database = await openDatabase({ kind: 'postgres', url: first.testDatabase.url! });
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', ...TEST_SECRETS, ...(withRedis && redisUrl ? { REDIS_URL: redisUrl } : {}) });
  const rt = await buildRuntime(config, { database, clock, logger: createLogger('silent') });
  const closeRuntime = rt.close;
  return Object.assign(rt, {
    clock,
    close: async () => {
      await closeRuntime();
      await database.close();
    },
  });
}

const post = (rt: Runtime, key: CreatedKey) => rt.app.inject({ method: 'POST', url: '/v1/events', headers: key.headers, payload: sampleEvent });

describe.runIf(postgres)('revocation across two instances on PostgreSQL', () => {
  let a: TestRuntime;
  let admin: OperatorSession;
  beforeAll(async () => {
    a = await startRuntime(postgres!, redisUrl ? { REDIS_URL: redisUrl } : {});
    admin = await setupAdmin(a);
  });
  afterAll(async () => a.dispose());

  it('without Redis: the other instance refuses a revoked key once its 1 s cache lapses', async () => {
    const b = await secondInstance(a, false);
    try {
      const key = await createKey(a, admin, ['events:write']);
      expect((await post(b, key)).statusCode).toBe(202);
      await a.app.inject({ method: 'POST', url: `/v1/keys/${key.id}/revoke`, headers: admin.headers, payload: {} });
      expect(expectProblem(await post(a, key), 401).type).toBe('/problems/key-revoked');
      b.clock.advance(1001);
      expect(expectProblem(await post(b, key), 401).type).toBe('/problems/key-revoked');
    } finally {
      await b.close();
    }
  });

  it.runIf(redisUrl)('with Redis: the other instance refuses a revoked key at once, long before its cache would lapse', async () => {
    const b = await secondInstance(a, true);
    try {
      for (let i = 0; i < 50 && !(b.redis?.status === 'ready'); i++) await new Promise((r) => setTimeout(r, 50));
      const key = await createKey(a, admin, ['events:write']);
      expect((await post(b, key)).statusCode).toBe(202);
      await a.app.inject({ method: 'POST', url: `/v1/keys/${key.id}/suspend`, headers: admin.headers, payload: { reason: 'leak' } });
      // No clock movement on b: only the pub/sub invalidation can make it refuse. Delivery is asynchronous (ms).
      let status = 0;
      const started = Date.now();
      while (Date.now() - started < 1000) {
        status = (await post(b, key)).statusCode;
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe(401);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await b.close();
    }
  });
});

describe('object-level authorization by location', () => {
  const engine = engines[0]!;
  let rt: TestRuntime;
  let admin: OperatorSession;
  beforeAll(async () => {
    rt = await startRuntime(engine);
    admin = await setupAdmin(rt);
  });
  afterAll(async () => rt.dispose());

  it('lets a key act only on the locations it is granted, and fills in its single location', async () => {
    const key = await createKey(rt, admin, ['events:write', 'events:read'], { locations: ['Bedford'] });
    const other = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: key.headers, payload: { ...sampleEvent, location: 'Dartmouth' } });
    expect(expectProblem(other, 403).type).toBe('/problems/location-forbidden');
    const own = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: key.headers, payload: { ...sampleEvent, location: undefined } });
    expect(own.statusCode).toBe(202);
    const stored = await rt.app.inject({ method: 'GET', url: `/v1/events/${own.json().id}`, headers: key.headers });
    expect(stored.json()).toMatchObject({ location: 'Bedford', text: sampleEvent.text });
    const wide = await createKey(rt, admin, ['events:write']);
    const elsewhere = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: wide.headers, payload: { ...sampleEvent, location: 'Dartmouth' } });
    const hidden = await rt.app.inject({ method: 'GET', url: `/v1/events/${elsewhere.json().id}`, headers: key.headers });
    expect(expectProblem(hidden, 404).type).toBe('/problems/event-not-found');
  });

  it('stores events verbatim and deduplicates by Idempotency-Key per caller', async () => {
    const key = await createKey(rt, admin, ['events:write', 'events:read']);
    const text = "can't get in -- door's locked & it's bay 3, select a time 'please' <b>now</b>";
    const h = { ...key.headers, 'idempotency-key': 'sms-123' };
    const first = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: h, payload: { ...sampleEvent, text } });
    const again = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: h, payload: { ...sampleEvent, text } });
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const conflict = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: h, payload: { ...sampleEvent, text: 'different' } });
    expect(expectProblem(conflict, 422).type).toBe('/problems/idempotency-key-reused');
    const stored = await rt.app.inject({ method: 'GET', url: `/v1/events/${first.json().id}`, headers: key.headers });
    expect(stored.json().text).toBe(text);
  });
});
