import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { manualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import { newApiKey } from '../../src/security/apiKeys/format.js';
import { ADMIN, type CreatedKey, type OperatorSession, createKey, login, sampleEvent, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';

const DAY = 86_400_000;

async function auditRows(rt: TestRuntime, resourceId: string) {
  const r = await sql<{ action: string; actor_id: string; body: unknown }>`select action, actor_id, body from compliance_log where resource_id = ${resourceId} order by seq`.execute(rt.database.db);
  return r.rows.map((x) => ({ action: x.action, actorId: x.actor_id, body: (typeof x.body === 'string' ? JSON.parse(x.body) : x.body) as Record<string, unknown> }));
}

for (const engine of engines) {
  describe(`API key lifecycle on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    const act = (id: string, verb: string, payload: Record<string, unknown> = {}) => rt.app.inject({ method: 'POST', url: `/v1/keys/${id}/${verb}`, headers: admin.headers, payload });
    const detail = async (id: string) => (await rt.app.inject({ method: 'GET', url: `/v1/keys/${id}`, headers: admin.headers })).json();
    const post = async (key: CreatedKey, ip = '192.0.2.10') => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/events', remoteAddress: ip, headers: key.headers, payload: sampleEvent });
      await rt.keys.idle();
      return res;
    };

    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
    });
    afterAll(async () => rt.dispose());
    beforeEach(async () => {
      admin = await login(rt, ADMIN.username, ADMIN.password);
    });

    it('records the creating administrator as the owner of a key', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      const [row] = await sql<{ owner_id: string | null }>`select owner_id from api_keys where id = ${k.id}`.execute(rt.database.db).then((r) => r.rows);
      expect(row!.owner_id).toBe(admin.operatorId);
    });

    it('refuses changes the key state does not allow, naming the state, and changes nothing', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      const reinstateActive = await act(k.id, 'reinstate');
      expect(expectProblem(reinstateActive, 409)).toMatchObject({ type: '/problems/key-state-conflict', detail: 'The key cannot be reinstated in its current state (active).' });

      expect((await act(k.id, 'suspend', { reason: 'checking' })).statusCode).toBe(200);
      const again = await act(k.id, 'suspend', { reason: 'again' });
      expect(expectProblem(again, 409).detail).toBe('The key cannot be suspended in its current state (suspended).');
      const rotateSuspended = await act(k.id, 'rotate');
      expect(expectProblem(rotateSuspended, 409).detail).toBe('The key cannot be rotated in its current state (suspended).');
      expect((await detail(k.id)).record).toMatchObject({ state: 'suspended', successorId: null });
      expect((await auditRows(rt, k.id)).map((r) => r.action)).toEqual(['key.created', 'key.suspended']);

      expect((await act(k.id, 'reinstate')).statusCode).toBe(200);
      const rotated = await act(k.id, 'rotate');
      expect(rotated.statusCode).toBe(200);
      expect(rotated.json().key).toMatch(/^clubos_live_/);
      expect(rotated.json().key).not.toBe(k.secret);
      const twice = await act(k.id, 'rotate');
      expect(expectProblem(twice, 409).detail).toBe('The key cannot be rotated in its current state (rotating).');
      expect((await detail(k.id)).rotations).toHaveLength(1);
    });

    it('extends the expiry from the current one, never past the maximum lifetime, and audits the new date', async () => {
      const expiresAt = new Date(rt.clock.now().getTime() + 30 * DAY);
      const k = await createKey(rt, admin, ['events:write'], { expiresAt: expiresAt.toISOString() });
      const ext = await act(k.id, 'extend', { days: 10 });
      const want = new Date(expiresAt.getTime() + 10 * DAY).toISOString();
      expect(ext.json().record.expiresAt).toBe(want);
      const capped = await act(k.id, 'extend', { days: 365 });
      const max = new Date(rt.clock.now().getTime() + 365 * DAY).toISOString();
      expect(capped.json().record.expiresAt).toBe(max);
      const rows = (await auditRows(rt, k.id)).filter((r) => r.action === 'config.changed');
      expect(rows.map((r) => r.body)).toEqual([
        { change: 'expiry_extended', expiresAt: want },
        { change: 'expiry_extended', expiresAt: max },
      ]);
      expect(rows.every((r) => r.actorId === admin.operatorId)).toBe(true);
    });

    it('refuses a rotated key the moment its grace window ends, before the revocation sweep has run', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      const successor = (await act(k.id, 'rotate')).json();
      expect((await post(k, '192.0.2.30')).headers.deprecation).toBe('true');
      await rt.keys.flushUsage();
      expect((await detail(k.id)).graceUse).toMatchObject({ ips: 1, prefixes: 1, summary: 'still used by 1 IP since rotation' });

      rt.clock.advance(7 * DAY + 1000);
      admin = await login(rt, ADMIN.username, ADMIN.password);
      expect(expectProblem(await post(k), 401).type).toBe('/problems/key-rotated-grace-ended');
      const listed = (await rt.app.inject({ method: 'GET', url: '/v1/keys', headers: admin.headers })).json() as Array<{ id: string; lifecycle: string; state: string }>;
      expect(listed.find((x) => x.id === k.id)).toMatchObject({ state: 'revoked', successorId: successor.record.id });
      expect((await post({ ...k, headers: { authorization: `Bearer ${successor.key}` } })).statusCode).toBe(202);
    });

    it('labels leak reports: known keys are true positives (recording where the leak was seen), anything else false', async () => {
      const a = await createKey(rt, admin, ['events:write']);
      const b = await createKey(rt, admin, ['events:write']);
      const report = [
        { token: a.secret, url: 'https://paste.example/abc' },
        { token: b.secret },
        { token: newApiKey('live') },
        { token: 'not-a-key-at-all' },
      ];
      const body = JSON.stringify(report);
      const t = Math.floor(rt.clock.now().getTime() / 1000);
      const sig = createHmac('sha256', TEST_SECRETS.LEAK_REPORT_SECRET).update(`${t}.${body}`).digest('hex');
      const res = await rt.app.inject({ method: 'POST', url: '/v1/security/leaked-keys', headers: { 'content-type': 'application/json', 'x-clubos-signature': `t=${t},v1=${sig}` }, payload: body });
      expect(res.json().map((r: { label: string }) => r.label)).toEqual(['true_positive', 'true_positive', 'false_positive', 'false_positive']);
      const sources = await sql<{ key_id: string; detail: unknown }>`select key_id, detail from api_key_risk_events where signal = 'leak_reported' and key_id in (${a.id}, ${b.id})`.execute(rt.database.db);
      const bySource = Object.fromEntries(sources.rows.map((r) => [r.key_id, (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail).source]));
      expect(bySource).toEqual({ [a.id]: 'https://paste.example/abc', [b.id]: 'report' });

      const stale = await rt.app.inject({ method: 'POST', url: '/v1/security/leaked-keys', headers: { 'content-type': 'application/json', 'x-clubos-signature': `t=${t - 301},v1=${sig}` }, payload: body });
      expect(expectProblem(stale, 401).type).toBe('/problems/signature-invalid');
    });

    it('after a restart, does not flag a key used from a network it was already seen on', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      expect((await post(k, '198.51.100.5')).statusCode).toBe(202);
      await rt.keys.flushUsage();
      const other = await restarted(rt);
      try {
        const res = await other.app.inject({ method: 'POST', url: '/v1/events', remoteAddress: '198.51.100.77', headers: k.headers, payload: sampleEvent });
        expect(res.statusCode).toBe(202);
        await other.keys.idle();
        const res2 = await other.app.inject({ method: 'POST', url: '/v1/events', remoteAddress: '203.0.113.9', headers: k.headers, payload: sampleEvent });
        expect(res2.statusCode).toBe(202);
        await other.keys.idle();
      } finally {
        await other.close();
      }
      const flagged = (await auditRows(rt, k.id)).filter((r) => r.action === 'key.used_from_new_prefix').map((r) => r.body);
      expect(flagged).toEqual([{ prefix: '203.0.113.0/24', knownPrefixes: 1 }]);
    });
  });
}

/** A second instance on the same database: its in-memory usage state starts empty, as after a restart. */
async function restarted(first: TestRuntime): Promise<Runtime> {
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', FEATURE_PERFORMANCE_GUARD: 'off', ...TEST_SECRETS });
  return buildRuntime(config, { database: first.testDatabase, clock: manualClock(first.clock.now()), logger: createLogger('silent'), scheduler: false });
}
