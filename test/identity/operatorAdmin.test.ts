import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeSession } from '../../src/identity/sessions.js';
import { ADMIN, createOperator, login, type OperatorSession, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

interface AuditRow {
  readonly action: string;
  readonly actor_type: string;
  readonly actor_id: string;
  readonly resource_type: string | null;
  readonly resource_id: string | null;
  readonly body: Record<string, unknown>;
}

async function auditSince(rt: TestRuntime, seq: number): Promise<AuditRow[]> {
  const r = await sql<AuditRow & { body: unknown }>`select action, actor_type, actor_id, resource_type, resource_id, body from compliance_log where seq > ${seq} order by seq`.execute(rt.database.db);
  return r.rows.map((x) => ({ ...x, body: (typeof x.body === 'string' ? JSON.parse(x.body) : x.body) as Record<string, unknown> }));
}

async function headSeq(rt: TestRuntime): Promise<number> {
  const r = await sql<{ n: number }>`select coalesce(max(seq), 0)::int as n from compliance_log`.execute(rt.database.db);
  return r.rows[0]!.n;
}

const PASSWORD = 'a long enough password 42';

for (const engine of engines) {
  describe(`operator administration on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    const patch = (id: string, payload: Record<string, unknown>, as: OperatorSession = admin) => rt.app.inject({ method: 'PATCH', url: `/v1/operators/${id}`, headers: as.headers, payload });
    const me = (s: OperatorSession) => rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: s.headers });

    beforeAll(async () => {
      // The request rate limit (30 sign-in posts per address per window by default) would answer before the
      // sign-in throttle this suite is about.
      rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '100000' });
      admin = await setupAdmin(rt);
    });
    afterAll(async () => rt.dispose());

    it('changes only the locations: sessions survive and the audit row lists the new locations', async () => {
      const op = await createOperator(rt, admin, 'operator', 'lou');
      const before = await headSeq(rt);
      const res = await patch(op.operatorId, { locations: ['Dartmouth', 'Bedford'] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: op.operatorId, role: 'operator', locations: ['Dartmouth', 'Bedford'], disabledAt: null });
      expect((await me(op)).statusCode).toBe(200);
      const rows = await auditSince(rt, before);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'config.changed', actor_type: 'operator', actor_id: admin.operatorId, resource_type: 'operator', resource_id: op.operatorId });
      expect(rows[0]!.body).toMatchObject({ change: 'operator_updated', role: null, disabled: null, locations: ['Dartmouth', 'Bedford'] });

      const all = await patch(op.operatorId, { locations: null });
      expect(all.json()).toMatchObject({ locations: null });
      const [row] = await auditSince(rt, before + 1);
      expect(row!.body).toMatchObject({ locations: 'all' });
    });

    it('changes the role: the operator is signed out everywhere and signs in again with the new role', async () => {
      const op = await createOperator(rt, admin, 'viewer', 'vic');
      expect(expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/operators', headers: op.headers }), 403).type).toBe('/problems/insufficient-role');
      const before = await headSeq(rt);
      const res = await patch(op.operatorId, { role: 'admin' });
      expect(res.json()).toMatchObject({ role: 'admin', disabledAt: null });
      expect(expectProblem(await me(op), 401)).toMatchObject({ type: '/problems/session-expired', reason: 'revoked' });
      const [row] = await auditSince(rt, before);
      expect(row!.body).toMatchObject({ change: 'operator_updated', role: 'admin', disabled: null, locations: null });

      const again = await login(rt, 'vic', PASSWORD);
      expect((await rt.app.inject({ method: 'GET', url: '/v1/operators', headers: again.headers })).statusCode).toBe(200);
    });

    it('disables an operator: sessions revoked, sign-in refused and audited as disabled; re-enabling restores access', async () => {
      const op = await createOperator(rt, admin, 'operator', 'dee');
      const off = await patch(op.operatorId, { disabled: true });
      expect(off.statusCode).toBe(200);
      expect(off.json().disabledAt).toBe(rt.clock.now().toISOString());
      expect(expectProblem(await me(op), 401)).toMatchObject({ reason: 'revoked' });

      const before = await headSeq(rt);
      const refused = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '203.0.113.10', payload: { username: 'dee', password: PASSWORD } });
      expect(expectProblem(refused, 401).type).toBe('/problems/invalid-credentials');
      const [failed] = await auditSince(rt, before);
      expect(failed).toMatchObject({ action: 'auth.login_failed', resource_type: 'operator', resource_id: op.operatorId });
      expect(failed!.body).toMatchObject({ reason: 'disabled' });

      const on = await patch(op.operatorId, { disabled: false });
      expect(on.json()).toMatchObject({ disabledAt: null });
      const [row] = (await auditSince(rt, before)).filter((r) => r.action === 'config.changed');
      expect(row!.body).toMatchObject({ change: 'operator_updated', disabled: false, role: null, locations: null });
      await login(rt, 'dee', PASSWORD);
    });

    it('lets one of two administrators be disabled, but never the last one', async () => {
      const second = await createOperator(rt, admin, 'admin', 'ann');
      // 'vic' was promoted above, so there are three active admins now: disable two of them.
      const vic = (await rt.app.inject({ method: 'GET', url: '/v1/operators', headers: admin.headers })).json().find((o: { username: string }) => o.username === 'vic');
      expect((await patch(vic.id, { disabled: true })).statusCode).toBe(200);
      expect((await patch(second.operatorId, { disabled: true })).json()).toMatchObject({ role: 'admin' });
      const last = await patch(admin.operatorId, { disabled: true });
      expect(expectProblem(last, 409).type).toBe('/problems/last-admin');
      // A disabled administrator does not count, and demoting it is not "losing an admin".
      expect((await patch(second.operatorId, { role: 'viewer' })).json()).toMatchObject({ role: 'viewer' });
      expect((await me(admin)).statusCode).toBe(200);
    });

    it('answers an unknown operator id with operator-not-found and writes no audit row', async () => {
      const before = await headSeq(rt);
      const res = await patch('00000000-0000-4000-8000-000000000000', { role: 'viewer' });
      expect(expectProblem(res, 404).type).toBe('/problems/operator-not-found');
      expect(await auditSince(rt, before)).toEqual([]);
    });

    it('rejects passwords over 256 UTF-16 units and passwords containing the username', async () => {
      // 200 astral characters are 200 code points (within the schema) but 400 UTF-16 units.
      const long = await rt.app.inject({ method: 'POST', url: '/v1/operators', headers: admin.headers, payload: { username: 'ela', displayName: 'Ela', password: '🔑'.repeat(200), role: 'viewer', locations: null } });
      expect(expectProblem(long, 400)).toMatchObject({ type: '/problems/weak-password', minLength: 12 });
      expect(JSON.parse(long.body).detail).toContain('too_long');
      const same = await rt.app.inject({ method: 'POST', url: '/v1/operators', headers: admin.headers, payload: { username: 'ela', displayName: 'Ela', password: 'my name is ELA, really', role: 'viewer', locations: null } });
      expect(JSON.parse(same.body).detail).toContain('same_as_username');
      expect((await rt.app.inject({ method: 'GET', url: '/v1/operators', headers: admin.headers })).json().map((o: { username: string }) => o.username)).not.toContain('ela');
    });

    it('audits a sign-in to an unknown username without naming an operator', async () => {
      const before = await headSeq(rt);
      const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '198.51.100.77', payload: { username: 'nobody', password: PASSWORD } });
      expect(expectProblem(res, 401).type).toBe('/problems/invalid-credentials');
      const [row] = await auditSince(rt, before);
      expect(row).toMatchObject({ action: 'auth.login_failed', resource_type: null, resource_id: null });
      expect(row!.body).toMatchObject({ reason: 'unknown_user' });
    });

    it('throttles an account attacked from many addresses, except from an address it signed in from', async () => {
      await login(rt, ADMIN.username, ADMIN.password, '203.0.113.10');
      // 30 failures within the hour, 5 per address (so no address-pair block takes over first).
      for (let n = 0; n < 30; n++) {
        const ip = `198.18.0.${Math.floor(n / 5) + 1}`;
        const r = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: ip, payload: { username: ADMIN.username, password: `wrong guess ${n}` } });
        expect(r.statusCode).toBe(401);
      }
      const before = await headSeq(rt);
      const stranger = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '198.18.1.1', payload: ADMIN });
      expect(expectProblem(stranger, 429).type).toBe('/problems/login-throttled');
      const [row] = await auditSince(rt, before);
      expect(row).toMatchObject({ action: 'auth.login_failed', resource_type: 'operator', resource_id: admin.operatorId });
      expect(row!.body).toMatchObject({ reason: 'throttled_account' });
      // The owner, from where it signed in before, is not locked out.
      await login(rt, ADMIN.username, ADMIN.password, '203.0.113.10');
      // For the 15 minutes promised, not until the hour's counting window ends.
      expect(Number(stranger.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect(Number(stranger.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    });

    it('throttles an address that fails 100 times across usernames, whoever it tries next', async () => {
      const ip = '198.19.0.1';
      for (let n = 0; n < 100; n++) {
        const r = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: ip, payload: { username: `user${n % 25}`, password: `wrong guess ${n}` } });
        expect(r.statusCode).toBe(401);
      }
      const before = await headSeq(rt);
      const blocked = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: ip, payload: ADMIN });
      expect(expectProblem(blocked, 429).type).toBe('/problems/login-throttled');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(23 * 3600);
      const [row] = await auditSince(rt, before);
      expect(row!.body).toMatchObject({ reason: 'throttled_ip' });
      const unknownUser = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: ip, payload: { username: 'nobody', password: PASSWORD } });
      expect(unknownUser.statusCode).toBe(429);
      const [unknownRow] = await auditSince(rt, before + 1);
      expect(unknownRow).toMatchObject({ resource_type: null, resource_id: null });
      expect(unknownRow!.body).toMatchObject({ reason: 'throttled_ip' });
    });
  });
}

describe('judgeSession', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  const live = { id: 's', operatorId: 'o', csrfHash: 'h', idleExpiresAt: new Date(now.getTime() + 60_000), absoluteExpiresAt: new Date(now.getTime() + 3600_000), revokedAt: null, operatorDisabled: false };

  it('refuses a live session whose operator was disabled before its sessions were revoked', () => {
    expect(judgeSession(live, now)).toBe('valid');
    expect(judgeSession({ ...live, operatorDisabled: true }, now)).toBe('operator_disabled');
    expect(judgeSession({ ...live, operatorDisabled: true, revokedAt: now }, now)).toBe('revoked');
  });
});
