import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type OperatorSession, setupAdmin } from '../../support/auth.js';
import { engines } from '../../support/databases.js';
import { expectProblem } from '../../support/problems.js';
import { type TestRuntime, startRuntime } from '../../support/runtime.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('form bodies through HTTP ($name)', (engine) => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  beforeAll(async () => {
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '1000' });
    admin = await setupAdmin(rt);
  });
  afterAll(async () => rt?.dispose());

  const auditActions = async () => (await sql<{ action: string }>`select action from compliance_log order by seq`.execute(rt.database.db)).rows.map((r) => r.action);
  const post = (url: string, payload: string, headers: Record<string, string> = {}) => rt.app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload, remoteAddress: '203.0.113.80' });

  it('signs in with a same-site form post, exactly as with JSON', async () => {
    const res = await post('/v1/auth/login', new URLSearchParams(ADMIN).toString(), { 'sec-fetch-site': 'same-origin' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().operator.username).toBe(ADMIN.username);
    expect(String(res.headers['set-cookie'])).toMatch(/clubos_session=/);
    expect((await auditActions()).at(-1)).toBe('auth.login_succeeded');
  });

  it.each([
    ['a __proto__ field', '__proto__=x&username=ada&password=x', 400, '/problems/malformed-body'],
    ['a percent-encoded constructor field', '%63onstructor=x&username=ada&password=x', 400, '/problems/malformed-body'],
    ['a prototype field', 'prototype=x&username=ada&password=x', 400, '/problems/malformed-body'],
    ['a repeated field (parameter pollution)', `username=ada&username=admin&password=${encodeURIComponent(ADMIN.password)}`, 400, '/problems/validation-failed'],
    ['more than 100 fields', Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&'), 400, '/problems/malformed-body'],
    ['a malformed escape', 'username=ada%zz&password=x', 400, '/problems/malformed-body'],
  ])('refuses %s before anything happens', async (_name, payload, status, type) => {
    const before = await auditActions();
    const res = await post('/v1/auth/login', payload);
    expect(expectProblem(res, status).type).toBe(type);
    expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/clubos_session=/);
    expect(await auditActions()).toEqual(before);
  });

  it('refuses a form posted from another site (the one body a browser sends cross-site without a preflight)', async () => {
    const res = await post('/v1/auth/login', new URLSearchParams(ADMIN).toString(), { 'sec-fetch-site': 'cross-site' });
    expect(expectProblem(res, 403).type).toBe('/problems/csrf-failed');
  });

  it('refuses a form in another charset than UTF-8', async () => {
    const res = await post('/v1/auth/login', 'username=ada&password=x', { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' });
    expect(expectProblem(res, 415).type).toBe('/problems/unsupported-media-type');
  });

  it('answers 415 on routes that take JSON only, and changes nothing', async () => {
    const before = await auditActions();
    const res = await post('/v1/operators', 'username=mallory&displayName=m&password=a+long+enough+password+42&role=admin', admin.headers);
    expect(expectProblem(res, 415).type).toBe('/problems/unsupported-media-type');
    expect((await rt.app.inject({ method: 'GET', url: '/v1/operators', headers: admin.headers })).json().map((o: { username: string }) => o.username)).toEqual([ADMIN.username]);
    expect(await auditActions()).toEqual(before);
  });

  it('refuses a JSON __proto__ key the same way (structure first, before the inspector)', async () => {
    const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"ada","password":"x","__proto__":{"admin":true}}' });
    expect(expectProblem(res, 400).type).toBe('/problems/malformed-body');
  });
});
