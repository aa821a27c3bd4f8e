import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const engine = engines[0]!;

describe(`audit API on ${engine.name}`, () => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  beforeAll(async () => {
    rt = await startRuntime(engine);
    admin = await setupAdmin(rt);
    await createKey(rt, admin, ['events:write']);
  });
  afterAll(async () => rt.dispose());

  const period = () => `from=${encodeURIComponent(new Date(rt.clock.now().getTime() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(rt.clock.now().getTime() + 3_600_000).toISOString())}`;

  it('shows "verified up to N at T", and a break after tampering, to supervisors', async () => {
    const sup = await createOperator(rt, admin, 'supervisor');
    const status = await rt.app.inject({ method: 'GET', url: '/v1/audit/status', headers: sup.headers });
    expect(status.json()).toMatchObject({ ok: true, summary: expect.stringMatching(/^verified up to \d+ at /) });
    await rt.database.exclusive(async (r) => {
      await r.exec('alter table compliance_log disable trigger compliance_log_append_only');
      await r.query(`update compliance_log set actor_id = 'mallory' where seq = 2`);
      await r.exec('alter table compliance_log enable trigger compliance_log_append_only');
    });
    const verify = await rt.app.inject({ method: 'POST', url: '/v1/audit/verify', headers: admin.headers, payload: {} });
    expect(verify.json()).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'hash_mismatch' });
    expect((await rt.app.inject({ method: 'GET', url: '/v1/audit/status', headers: sup.headers })).json()).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('exports entries as JSON and CSV and the compliance report, and audits every export', async () => {
    const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from compliance_log where action = 'data.exported'`.execute(rt.database.db)).rows[0]!.n);
    const before = await count();
    const json = await rt.app.inject({ method: 'GET', url: `/v1/audit/entries?${period()}`, headers: admin.headers });
    expect(json.statusCode).toBe(200);
    expect((json.json() as { entries: Array<{ action: string }> }).entries.map((e) => e.action)).toContain('key.created');
    const csv = await rt.app.inject({ method: 'GET', url: `/v1/audit/entries?${period()}&format=csv`, headers: admin.headers });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toContain('seq');
    const report = await rt.app.inject({ method: 'GET', url: `/v1/audit/report?${period()}`, headers: admin.headers });
    expect(report.statusCode).toBe(200);
    expect(report.json()).toHaveProperty('keyLifecycle');
    expect((await count()) - before).toBe(3);
  });

  it('refuses a reversed period and operators below supervisor', async () => {
    const bad = await rt.app.inject({ method: 'GET', url: '/v1/audit/entries?from=2026-03-03T00:00:00Z&to=2026-03-01T00:00:00Z', headers: admin.headers });
    expect(expectProblem(bad, 400).type).toBe('/problems/validation-failed');
    const op = await createOperator(rt, admin, 'operator');
    expect(expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/audit/status', headers: op.headers }), 403).type).toBe('/problems/insufficient-role');
  });
});
