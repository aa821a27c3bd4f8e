import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { ADMIN, type OperatorSession, createKey, login, sampleEvent, setupAdmin } from '../support/auth.js';
import { expectProblem } from '../support/problems.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';

const DAY = 86_400_000;

async function postEvent(rt: TestRuntime, headers: Record<string, string>, ip = '192.0.2.10', extra: Record<string, string> = {}) {
  const res = await rt.app.inject({ method: 'POST', url: '/v1/events', remoteAddress: ip, headers: { ...headers, ...extra }, payload: sampleEvent });
  // Usage and risk observation runs after the response is sent: wait for it, as a reader a moment later would.
  await rt.keys.idle();
  return res;
}

async function keyState(rt: TestRuntime, admin: OperatorSession, id: string) {
  return (await rt.app.inject({ method: 'GET', url: `/v1/keys/${id}`, headers: admin.headers })).json() as {
    record: { state: string; riskScore: number; limitMultiplier: number; successorId: string | null; graceEndsAt: string | null };
    graceUse: { ips: number; summary: string } | null;
    clients: Array<{ ip: string }>;
    riskEvents: Array<{ signal: string; actionTaken: string }>;
    rotations: unknown[];
  };
}

async function audited(rt: TestRuntime, action: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from compliance_log where action = ${action}`.execute(rt.database.db);
  return Number(r.rows[0]!.n);
}

for (const engine of engines) {
  describe(`API keys on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
    });
    afterAll(async () => rt.dispose());
    // The tests move the clock by days: sign in afresh so the admin's own session is never the thing that expired.
    beforeEach(async () => {
      admin = await login(rt, ADMIN.username, ADMIN.password);
    });

    it('shows the secret once, in the documented format, and stores only its peppered hash', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      expect(k.secret).toMatch(/^clubos_live_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}$/);
      const list = await rt.app.inject({ method: 'GET', url: '/v1/keys', headers: admin.headers });
      expect(list.body).not.toContain(k.secret);
      const rows = await sql<{ hash: string }>`select hash from api_keys`.execute(rt.database.db);
      expect(rows.rows.some((r) => r.hash.includes(k.secret.split('_')[2]!))).toBe(false);
      expect(await audited(rt, 'key.created')).toBeGreaterThanOrEqual(1);
    });

    it('accepts a valid key with the scope, refuses wrong scope, malformed, unknown and non-Bearer keys', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      expect((await postEvent(rt, k.headers)).statusCode).toBe(202);
      const reader = await createKey(rt, admin, ['events:read']);
      expect(expectProblem(await postEvent(rt, reader.headers), 403)).toMatchObject({ type: '/problems/insufficient-scope', missing: ['events:write'] });
      const flipped = `${k.secret.slice(0, -1)}${k.secret.endsWith('A') ? 'B' : 'A'}`;
      expect(expectProblem(await postEvent(rt, { authorization: `Bearer ${flipped}` }), 401).type).toBe('/problems/key-invalid');
      expect(expectProblem(await postEvent(rt, { authorization: 'Basic YTpi' }), 401).type).toBe('/problems/key-invalid');
      expect(expectProblem(await postEvent(rt, {}), 401).type).toBe('/problems/unauthenticated');
    });

    it('refuses a key sent in the URL and flags it as leaked', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      const res = await rt.app.inject({ method: 'POST', url: `/v1/events?api_key=${k.secret}`, headers: k.headers, payload: sampleEvent });
      expect(expectProblem(res, 400).type).toBe('/problems/key-in-url');
      const state = await keyState(rt, admin, k.id);
      expect(state.riskEvents.map((e) => e.signal)).toContain('key_in_url');
      expect(state.record.riskScore).toBeGreaterThanOrEqual(50);
      expect(state.record.limitMultiplier).toBeLessThan(1);
    });

    it('shows the limit multiplier in force: a tightened key\'s cap lifts in the view once its risk decays', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      await rt.app.inject({ method: 'POST', url: `/v1/events?api_key=${k.secret}`, headers: k.headers, payload: sampleEvent });
      const tightened = await keyState(rt, admin, k.id);
      expect(tightened.record.limitMultiplier).toBe(0.25);
      expect(tightened.record.riskScore).toBeGreaterThanOrEqual(50);
      // Eight hours at a 24 h half-life take any score under 60 below the tightening threshold (50).
      rt.clock.advance(8 * 3_600_000);
      const later = await keyState(rt, admin, k.id);
      expect(later.record.riskScore).toBeLessThan(50);
      expect(later.record.limitMultiplier).toBe(1);
      const listed = (await rt.app.inject({ method: 'GET', url: '/v1/keys', headers: admin.headers })).json() as Array<{ id: string; limitMultiplier: number }>;
      expect(listed.find((x) => x.id === k.id)?.limitMultiplier).toBe(1);
    });

    it('answers revoked and suspended keys with their own problem types, and reinstates a suspended one', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      const s = await rt.app.inject({ method: 'POST', url: `/v1/keys/${k.id}/suspend`, headers: admin.headers, payload: { reason: 'investigating' } });
      expect(s.json()).toMatchObject({ record: { state: 'suspended' } });
      expect(expectProblem(await postEvent(rt, k.headers), 401).type).toBe('/problems/key-suspended');
      await rt.app.inject({ method: 'POST', url: `/v1/keys/${k.id}/reinstate`, headers: admin.headers, payload: {} });
      expect((await postEvent(rt, k.headers)).statusCode).toBe(202);
      await rt.app.inject({ method: 'POST', url: `/v1/keys/${k.id}/revoke`, headers: admin.headers, payload: {} });
      expect(expectProblem(await postEvent(rt, k.headers), 401).type).toBe('/problems/key-revoked');
      expect(await audited(rt, 'key.suspended')).toBeGreaterThanOrEqual(1);
      expect(await audited(rt, 'key.revoked')).toBeGreaterThanOrEqual(1);
    });

    it('expires keys at their expiry and refuses addresses outside the CIDR allow-list', async () => {
      const expiresAt = new Date(rt.clock.now().getTime() + 2 * DAY).toISOString();
      const k = await createKey(rt, admin, ['events:write'], { expiresAt, cidrs: ['192.0.2.0/24'] });
      expect((await postEvent(rt, k.headers, '192.0.2.77')).statusCode).toBe(202);
      expect(expectProblem(await postEvent(rt, k.headers, '198.51.100.7'), 403).type).toBe('/problems/ip-not-allowed');
      rt.clock.advance(2 * DAY + 1000);
      expect(expectProblem(await postEvent(rt, k.headers, '192.0.2.77'), 401).type).toBe('/problems/key-expired');
    });

    it('rotates on schedule: successor issued, predecessor valid in grace (usage shown), revoked at grace end', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      rt.clock.advance(89 * DAY);
      await rt.keys.rotateDue();
      admin = await login(rt, ADMIN.username, ADMIN.password);
      expect((await keyState(rt, admin, k.id)).record.successorId).toBeNull();
      rt.clock.advance(2 * DAY);
      admin = await login(rt, ADMIN.username, ADMIN.password);
      expect(await rt.keys.rotateDue()).toBeGreaterThanOrEqual(1);
      expect(await rt.keys.rotateDue()).toBe(0);
      const rotated = await keyState(rt, admin, k.id);
      expect(rotated.record.state).toBe('rotating');
      expect(rotated.record.successorId).not.toBeNull();
      expect(rotated.rotations).toHaveLength(1);

      const inGrace = await postEvent(rt, k.headers, '192.0.2.20');
      expect(inGrace.statusCode).toBe(202);
      expect(inGrace.headers.deprecation).toBe('true');
      await postEvent(rt, k.headers, '192.0.2.21');
      await rt.keys.flushUsage();
      const usage = await keyState(rt, admin, k.id);
      expect(usage.graceUse).toMatchObject({ ips: 2, summary: 'still used by 2 IPs since rotation' });

      rt.clock.advance(7 * DAY + 1000);
      expect(await rt.keys.endGrace()).toBeGreaterThanOrEqual(1);
      admin = await login(rt, ADMIN.username, ADMIN.password);
      expect(expectProblem(await postEvent(rt, k.headers), 401).type).toBe('/problems/key-rotated-grace-ended');
      const notes = await sql<{ topic: string }>`select topic from notifications`.execute(rt.database.db);
      expect(notes.rows.map((n) => n.topic)).toContain('key.rotated');
      expect(await audited(rt, 'key.rotated')).toBeGreaterThanOrEqual(1);
    });

    it('sends expiry reminders at 14, 7 and 1 days, once each', async () => {
      const expiresAt = new Date(rt.clock.now().getTime() + 20 * DAY).toISOString();
      await createKey(rt, admin, ['events:read'], { expiresAt });
      const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from notifications where topic = 'key.expiring'`.execute(rt.database.db)).rows[0]!.n);
      const before = await count();
      rt.clock.advance(7 * DAY);
      await rt.keys.remind();
      await rt.keys.remind();
      expect((await count()) - before).toBe(1);
      rt.clock.advance(6 * DAY + 1000);
      await rt.keys.remind();
      expect((await count()) - before).toBe(2);
      rt.clock.advance(6 * DAY);
      await rt.keys.remind();
      expect((await count()) - before).toBe(3);
    });

    it('detects compromise from synthetic traffic: a new network and refusals tighten the key, more refusals suspend it and notify admins', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      for (let i = 0; i < 3; i++) expect((await postEvent(rt, k.headers, '192.0.2.30')).statusCode).toBe(202);
      await rt.keys.flushUsage();
      expect((await postEvent(rt, k.headers, '203.0.113.99')).statusCode).toBe(202);
      const flagged = await keyState(rt, admin, k.id);
      expect(flagged.riskEvents.map((e) => e.signal)).toContain('new_prefix');
      expect(await audited(rt, 'key.used_from_new_prefix')).toBeGreaterThanOrEqual(1);
      const refusals = () =>
        Promise.all(Array.from({ length: 10 }, () => rt.app.inject({ method: 'GET', url: '/v1/events/00000000-0000-4000-8000-000000000000', remoteAddress: '203.0.113.99', headers: k.headers }))).then(() => rt.keys.idle());
      await refusals();
      const tightened = await keyState(rt, admin, k.id);
      expect(tightened.riskEvents.map((e) => e.signal)).toContain('auth_failure_burst');
      expect(tightened.record).toMatchObject({ state: 'active', limitMultiplier: 0.25 });
      expect(tightened.riskEvents.map((e) => e.actionTaken)).toContain('limits_tightened');
      await refusals();
      const after = await keyState(rt, admin, k.id);
      expect(after.record.state).toBe('suspended');
      const notes = await sql<{ topic: string }>`select topic from notifications where topic = 'key.compromise'`.execute(rt.database.db);
      expect(notes.rows.length).toBeGreaterThanOrEqual(1);
    });

    it('flags a request rate far above the key\'s own hourly baseline, and keeps usage per hour and day until retention', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      for (let h = 0; h < 8; h++) {
        for (let i = 0; i < 3; i++) expect((await postEvent(rt, k.headers, '192.0.2.40')).statusCode).toBe(202);
        await rt.keys.flushUsage();
        rt.clock.advance(3_600_000);
      }
      expect((await keyState(rt, admin, k.id)).riskEvents.map((e) => e.signal)).not.toContain('rate_spike');
      for (let i = 0; i < 60; i++) await postEvent(rt, k.headers, '192.0.2.40');
      await rt.keys.flushUsage();
      admin = await login(rt, ADMIN.username, ADMIN.password);
      const state = await keyState(rt, admin, k.id);
      expect(state.riskEvents.map((e) => e.signal)).toContain('rate_spike');
      const detail = (await rt.app.inject({ method: 'GET', url: `/v1/keys/${k.id}`, headers: admin.headers })).json() as { daily: Array<{ count: number }>; hourly: unknown[] };
      expect(detail.daily.reduce((a, d) => a + d.count, 0)).toBe(84);
      expect(detail.hourly.length).toBeGreaterThanOrEqual(8);
      rt.clock.advance(366 * DAY);
      expect(await rt.keys.pruneUsage(365)).toBeGreaterThan(0);
    });

    it('suspends a key reported leaked through the signed leak endpoint, and refuses unsigned reports', async () => {
      const k = await createKey(rt, admin, ['events:write']);
      const body = JSON.stringify([{ token: k.secret, type: 'clubos_api_key', url: 'https://example.invalid/paste', source: 'scanner' }]);
      const unsigned = await rt.app.inject({ method: 'POST', url: '/v1/security/leaked-keys', headers: { 'content-type': 'application/json' }, payload: body });
      expect(expectProblem(unsigned, 401).type).toBe('/problems/signature-invalid');
      const t = Math.floor(rt.clock.now().getTime() / 1000);
      const sig = createHmac('sha256', TEST_SECRETS.LEAK_REPORT_SECRET).update(`${t}.${body}`).digest('hex');
      const res = await rt.app.inject({ method: 'POST', url: '/v1/security/leaked-keys', headers: { 'content-type': 'application/json', 'x-clubos-signature': `t=${t},v1=${sig}` }, payload: body });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), label: 'true_positive' }]);
      expect(expectProblem(await postEvent(rt, k.headers), 401).type).toBe('/problems/key-suspended');
    });
  });
}
