import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { ADMIN, createOperator, login, setupAdmin } from '../support/auth.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

async function auditActions(rt: TestRuntime): Promise<string[]> {
  const r = await sql<{ action: string }>`select action from compliance_log order by seq`.execute(rt.database.db);
  return r.rows.map((x) => x.action);
}

for (const engine of engines) {
  describe(`operators and sessions on ${engine.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine);
    });
    afterAll(async () => rt.dispose());

    it('refuses setup with a wrong token, then creates the first admin with the printed one, exactly once', async () => {
      expect((await rt.app.inject({ method: 'GET', url: '/v1/setup' })).json()).toEqual({ required: true });
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/operators' }), 503);
      await rt.issueSetupTokenIfNeeded();
      const wrong = await rt.app.inject({ method: 'POST', url: '/v1/setup', payload: { token: 'setup_wrong', ...ADMIN } });
      expect(expectProblem(wrong, 403).type).toBe('/problems/setup-token-invalid');

      const admin = await setupAdmin(rt);
      expect((await rt.app.inject({ method: 'GET', url: '/v1/setup' })).json()).toEqual({ required: false });
      const again = await rt.app.inject({ method: 'POST', url: '/v1/setup', payload: { token: 'setup_anything', ...ADMIN } });
      expect(again.statusCode).toBeGreaterThanOrEqual(400);
      const me = await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: admin.headers });
      expect(me.json()).toMatchObject({ username: 'ada', role: 'admin' });
    });

    it('sets the session cookie HttpOnly, Secure and SameSite=Strict, and stores only a hash of it', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '203.0.113.10', payload: ADMIN });
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] as string[]);
      const session = cookies.find((c) => c.startsWith('clubos_session='))!;
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/Secure/);
      expect(session).toMatch(/SameSite=Strict/);
      const token = session.split(';')[0]!.split('=')[1]!;
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
      const rows = await sql<{ id: string }>`select id from operator_sessions`.execute(rt.database.db);
      expect(rows.rows.map((r) => r.id)).not.toContain(token);
    });

    it('rejects a wrong password with invalid-credentials and audits the failure', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '198.51.100.1', payload: { username: 'ada', password: 'not the password at all' } });
      expect(expectProblem(res, 401).type).toBe('/problems/invalid-credentials');
      expect(await auditActions(rt)).toContain('auth.login_failed');
      expect(await auditActions(rt)).toContain('auth.login_succeeded');
    });

    it('locks out an attacking address after 5 failures without locking the owner out from a known address', async () => {
      for (let i = 0; i < 4; i++) {
        const r = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '198.51.100.1', payload: { username: 'ada', password: `guess number ${i}` } });
        expect(r.statusCode).toBe(401);
      }
      const blocked = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '198.51.100.1', payload: ADMIN });
      expect(expectProblem(blocked, 429).type).toBe('/problems/login-throttled');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      await login(rt, ADMIN.username, ADMIN.password, '203.0.113.10');
    });

    it('requires the CSRF token on state-changing requests with a session', async () => {
      const s = await login(rt, ADMIN.username, ADMIN.password);
      const without = await rt.app.inject({ method: 'POST', url: '/v1/keys', headers: { cookie: s.cookie }, payload: { name: 'x', scopes: ['events:write'] } });
      expect(expectProblem(without, 403).type).toBe('/problems/csrf-failed');
      const wrong = await rt.app.inject({ method: 'POST', url: '/v1/keys', headers: { cookie: s.cookie, 'x-csrf-token': 'nope' }, payload: { name: 'x', scopes: ['events:write'] } });
      expect(expectProblem(wrong, 403).type).toBe('/problems/csrf-failed');
      const ok = await rt.app.inject({ method: 'GET', url: '/v1/keys', headers: { cookie: s.cookie } });
      expect(ok.statusCode).toBe(200);
    });

    it('enforces roles: a viewer may read who it is but not administer', async () => {
      const admin = await login(rt, ADMIN.username, ADMIN.password);
      const viewer = await createOperator(rt, admin, 'viewer');
      expect((await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: viewer.headers })).statusCode).toBe(200);
      const res = await rt.app.inject({ method: 'GET', url: '/v1/operators', headers: viewer.headers });
      expect(expectProblem(res, 403)).toMatchObject({ type: '/problems/insufficient-role', required: 'admin' });
    });

    it('expires idle sessions after 12 h and every session after 72 h', async () => {
      const s = await login(rt, ADMIN.username, ADMIN.password);
      rt.clock.advance(11 * 3600_000);
      expect((await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: s.headers })).statusCode).toBe(200);
      rt.clock.advance(11 * 3600_000);
      expect((await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: s.headers })).statusCode).toBe(200);
      rt.clock.advance(13 * 3600_000);
      const idle = await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: s.headers });
      expect(expectProblem(idle, 401)).toMatchObject({ type: '/problems/session-expired', reason: 'idle_expired' });

      const t = await login(rt, ADMIN.username, ADMIN.password);
      for (let i = 0; i < 8; i++) {
        rt.clock.advance(10 * 3600_000);
        await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: t.headers });
      }
      const absolute = await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: t.headers });
      expect(expectProblem(absolute, 401)).toMatchObject({ reason: 'expired' });
    });

    it('revokes the session on sign-out', async () => {
      const s = await login(rt, ADMIN.username, ADMIN.password);
      expect((await rt.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: s.headers })).statusCode).toBe(204);
      const after = await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: s.headers });
      expect(expectProblem(after, 401)).toMatchObject({ reason: 'revoked' });
    });

    it('keeps the last administrator: cannot be demoted or disabled', async () => {
      const admin = await login(rt, ADMIN.username, ADMIN.password);
      const res = await rt.app.inject({ method: 'PATCH', url: `/v1/operators/${admin.operatorId}`, headers: admin.headers, payload: { role: 'viewer' } });
      expect(expectProblem(res, 409).type).toBe('/problems/last-admin');
    });

    it('rejects weak passwords and taken usernames', async () => {
      const admin = await login(rt, ADMIN.username, ADMIN.password);
      const weak = await rt.app.inject({ method: 'POST', url: '/v1/operators', headers: admin.headers, payload: { username: 'bob', displayName: 'Bob', password: 'short', role: 'operator', locations: null } });
      expect(expectProblem(weak, 400).type).toBe('/problems/weak-password');
      const taken = await rt.app.inject({ method: 'POST', url: '/v1/operators', headers: admin.headers, payload: { username: 'ADA', displayName: 'x', password: 'a long enough password 42', role: 'operator', locations: null } });
      expect(expectProblem(taken, 409).type).toBe('/problems/username-taken');
    });
  });
}
