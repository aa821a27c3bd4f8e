import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperatorSession, createKey, setupAdmin } from '../../support/auth.js';
import { engines } from '../../support/databases.js';
import { expectProblem } from '../../support/problems.js';
import { type TestRuntime, startRuntime } from '../../support/runtime.js';

async function securityEvents(rt: TestRuntime, kind: string, principal: string) {
  return (await rt.database.db.selectFrom('security_events').selectAll().where('kind', '=', kind).where('principal', '=', principal).orderBy('id').execute()).map((r) => ({
    ...r,
    detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>,
  }));
}

describe.each(engines)('adaptive limits from a key’s compromise risk, through HTTP ($name)', (engine) => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  beforeAll(async () => {
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '20', SECURITY_RATE_LIMIT_WINDOW: '60000' });
    admin = await setupAdmin(rt, '198.51.100.200');
  });
  afterAll(async () => rt?.dispose());

  const status = (headers: Record<string, string>, url = '/v1/audit/status') => rt.app.inject({ method: 'GET', url, headers, remoteAddress: '203.0.113.90' });

  it('tightens a key that leaked into a URL, explains it, and lifts the cap once its risk has decayed', async () => {
    const key = await createKey(rt, admin, ['audit:read']);
    const principal = `key:${key.id}`;
    expect((await status(key.headers)).headers['ratelimit-policy']).toBe('"ip";q=60;w=60, "client";q=20;w=60, "client-route";q=15;w=60');

    // Compromise signal: the key was sent in a URL (weight 60, above the tightening threshold of 50).
    const leaked = await status({}, `/v1/audit/status?token=${key.secret}`);
    expect(expectProblem(leaked, 400).type).toBe('/problems/key-in-url');
    const risk = await rt.database.db.selectFrom('api_key_risk_events').select(['signal', 'level_after', 'action_taken']).where('key_id', '=', key.id).execute();
    expect(risk).toEqual([{ signal: 'key_in_url', level_after: 'tightened', action_taken: 'limits_tightened' }]);

    // The key still works, at a quarter of its limits, and the security events say why.
    const tight = await status(key.headers);
    expect(tight.statusCode).toBe(200);
    expect(tight.headers['ratelimit-policy']).toBe('"ip";q=60;w=60, "client";q=5;w=60, "client-route";q=3;w=60');
    expect((await securityEvents(rt, 'ratelimit.trust', principal)).map((e) => e.detail)).toEqual([
      { client: principal, reason: 'key_risk', from: 1, to: 0.25, halfLifeMs: 600_000 },
    ]);
    // The tighter quota bites: 3 per minute on this route class, two already used.
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await status(key.headers)).statusCode);
    expect(statuses).toEqual([200, 429]);

    // Twelve hours of nothing: the risk score (half-life 24 h) is 60 × 2^-0.5 ≈ 42, below the threshold.
    rt.clock.advance(12 * 3_600_000);
    const relaxed = await status(key.headers);
    expect(relaxed.headers['ratelimit-policy']).toBe('"ip";q=60;w=60, "client";q=20;w=60, "client-route";q=15;w=60');
    expect((await securityEvents(rt, 'ratelimit.trust', principal)).map((e) => e.detail.reason)).toEqual(['key_risk', 'key_risk_lapsed']);
    expect((await securityEvents(rt, 'ratelimit.trust', principal)).at(-1)).toMatchObject({ severity: 'low', detail: { from: 0.25, to: 1 } });
    // Announced once, not on every request.
    await status(key.headers);
    expect(await securityEvents(rt, 'ratelimit.trust', principal)).toHaveLength(2);
  });
});

describe.each(engines)('RateLimit headers on authentication refusals ($name)', (engine) => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  beforeAll(async () => {
    // Pre-auth quota per address: 3 × 1 per minute.
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '1', SECURITY_RATE_LIMIT_WINDOW: '60000' });
    admin = await setupAdmin(rt, '198.51.100.200');
  });
  afterAll(async () => rt?.dispose());

  const get = (headers: Record<string, string>, remoteAddress: string) => rt.app.inject({ method: 'GET', url: '/v1/audit/status', headers, remoteAddress });

  it('reports the address quota on 401s, adds Retry-After once the last point is used, then 429s', async () => {
    const bad = { authorization: 'Bearer clubos_live_notakey' };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(bad, '203.0.113.91'));
    expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 401, 429]);
    expect(answers.map((r) => r.headers['ratelimit-policy'])).toEqual(Array(4).fill('"ip";q=3;w=60'));
    expect(answers.map((r) => String(r.headers.ratelimit).replace(/t=\d+$/, 't=…'))).toEqual(['"ip";r=2;t=…', '"ip";r=1;t=…', '"ip";r=0;t=…', '"ip";r=0;t=…']);
    expect(answers.map((r) => r.headers['retry-after'] === undefined)).toEqual([true, true, false, false]);
    for (const r of answers.slice(2)) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
  });

  it('reports it on a refused scope (403) and a wrong password (401) too', async () => {
    const key = await createKey(rt, admin, ['events:read']);
    const scope = await get(key.headers, '203.0.113.92');
    expect(expectProblem(scope, 403).type).toBe('/problems/insufficient-scope');
    expect(scope.headers['ratelimit-policy']).toBe('"ip";q=3;w=60');
    expect(scope.headers.ratelimit).toMatch(/^"ip";r=2;t=\d+$/);
    const login = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'ada', password: 'wrong wrong wrong' }, remoteAddress: '203.0.113.93' });
    expect(expectProblem(login, 401).type).toBe('/problems/invalid-credentials');
    expect(login.headers['ratelimit-policy']).toBe('"ip";q=3;w=60');
    expect(login.headers.ratelimit).toMatch(/^"ip";r=2;t=\d+$/);
  });
});
