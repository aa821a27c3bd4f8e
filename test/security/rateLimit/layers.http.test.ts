import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperatorSession, createKey, setupAdmin } from '../../support/auth.js';
import { engines } from '../../support/databases.js';
import { type TestRuntime, startRuntime } from '../../support/runtime.js';

const engine = engines[0]!;
const WINDOW = { SECURITY_RATE_LIMIT_MAX: '20', SECURITY_RATE_LIMIT_WINDOW: '60000' };

async function securityEvents(rt: TestRuntime, kind: string) {
  return (await rt.database.db.selectFrom('security_events').selectAll().where('kind', '=', kind).orderBy('id').execute()).map((r) => ({
    ...r,
    detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>,
  }));
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  return probe();
}

describe('rate limiting through HTTP (20 per minute)', () => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  beforeAll(async () => {
    rt = await startRuntime(engine, WINDOW);
    admin = await setupAdmin(rt, '198.51.100.200');
  });
  afterAll(async () => rt.dispose());

  const keyed = (rateLimit?: { points: number; windowMs: number }) => createKey(rt, admin, ['audit:read'], rateLimit ? { rateLimit } : {});
  const get = (url: string, headers: Record<string, string>, remoteAddress: string) => rt.app.inject({ method: 'GET', url, headers, remoteAddress });

  it('announces every layer in RateLimit-Policy and the tightest in RateLimit', async () => {
    const key = await keyed();
    const res = await get('/v1/audit/status', key.headers, '203.0.113.1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['ratelimit-policy']).toBe('"ip";q=60;w=60, "client";q=20;w=60, "client-route";q=15;w=60');
    expect(res.headers.ratelimit).toBe('"client-route";r=14;t=60');
  });

  it('refuses the request past a per-key quota with 429 problem+json, RateLimit and Retry-After', async () => {
    const key = await keyed({ points: 3, windowMs: 10_000 });
    for (let i = 0; i < 3; i++) expect((await get('/v1/audit/status', key.headers, '203.0.113.2')).statusCode).toBe(200);
    const res = await get('/v1/audit/status', key.headers, '203.0.113.2');
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: '/problems/rate-limited', status: 429, policy: 'client' });
    expect(res.headers.ratelimit).toMatch(/^"client";r=0;t=(9|10)$/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(9);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(10);
    // Another client at the same address is unaffected.
    expect((await get('/v1/audit/status', (await keyed()).headers, '203.0.113.2')).statusCode).toBe(200);
    const limited = await until(() => securityEvents(rt, 'ratelimit.principal'), (e) => e.length > 0);
    expect(limited).toMatchObject([{ action: 'limited', ip: '203.0.113.2', principal: `key:${key.id}` }]);
  });

  it('limits addresses before authentication, so unknown keys cannot be tried without bound', async () => {
    // 404s are not an auth signal: this exhausts the plain address quota of 3 × 20.
    for (let i = 0; i < 60; i++) expect((await get(`/nope/${i}`, {}, '203.0.113.3')).statusCode).toBe(404);
    const res = await get('/v1/audit/status', { authorization: 'Bearer clubos_live_whatever' }, '203.0.113.3');
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ policy: 'ip' });
  });

  it('tightens a client that sent an injection attempt, from the security event the inspector recorded', async () => {
    const key = await keyed();
    expect((await get("/v1/audit/status?q=1' OR '1'='1' --", key.headers, '203.0.113.4')).statusCode).toBe(400);
    await rt.scheduler.runAll();
    const res = await get('/v1/audit/status', key.headers, '203.0.113.4');
    expect(res.headers['ratelimit-policy']).toBe('"ip";q=30;w=60, "client";q=10;w=60, "client-route";q=7;w=60');
    const reasons = (await securityEvents(rt, 'ratelimit.trust')).map((e) => [e.detail.client, e.detail.reason]);
    expect(reasons).toEqual([
      ['ip:203.0.113.4', 'injection_attempt'],
      [`key:${key.id}`, 'injection_attempt'],
    ]);
  });

  it('tightens an address after a burst of 401s and records why, then decays back', async () => {
    for (let i = 0; i < 5; i++) expect((await get('/v1/audit/status', { authorization: 'Bearer clubos_live_nope' }, '203.0.113.5')).statusCode).toBe(401);
    const res = await get('/nope', {}, '203.0.113.5');
    expect(res.headers['ratelimit-policy']).toBe('"ip";q=36;w=60');
    const change = (await securityEvents(rt, 'ratelimit.trust')).find((e) => e.ip === '203.0.113.5');
    expect(change).toMatchObject({ action: 'limited', detail: { client: 'ip:203.0.113.5', reason: 'auth_failure_burst', from: 1, to: 0.6 } });
    rt.clock.advance(10 * 60_000);
    expect((await get('/nope', {}, '203.0.113.5')).headers['ratelimit-policy']).toBe('"ip";q=48;w=60');
  });
});

describe('rate limiting through HTTP (1 per minute, behind a proxy)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '1', SECURITY_RATE_LIMIT_WINDOW: '60000', TRUSTED_PROXIES: '10.0.0.0/8' });
    await setupAdmin(rt, '198.51.100.200');
  });
  afterAll(async () => rt.dispose());
  const get = (url: string, remoteAddress: string, headers: Record<string, string> = {}) => rt.app.inject({ method: 'GET', url, headers, remoteAddress });

  it('never limits health routes', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await get('/health', '203.0.113.20');
      expect(res.statusCode).toBe(200);
      expect(res.headers.ratelimit).toBeUndefined();
    }
  });

  it('counts every address of an IPv6 /56 together', async () => {
    // Per address 3, per /56 10.
    for (let host = 1; host <= 5; host++) {
      for (let i = 0; i < 2; i++) expect((await get('/nope', `2001:db8:0:a00${host}::${i + 1}`)).statusCode).toBe(404);
    }
    const res = await get('/nope', '2001:db8:0:a0ff::1');
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ policy: 'ip56' });
    expect((await get('/nope', '2001:db8:0:b000::1')).statusCode).toBe(404);
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/nope', '10.1.2.3', { 'x-forwarded-for': `198.51.100.${i + 1}` })).statusCode).toBe(404);
    const same = [];
    for (let i = 0; i < 3; i++) same.push((await get('/nope', '10.1.2.3', { 'x-forwarded-for': '198.51.100.1' })).statusCode);
    expect(same).toEqual([404, 404, 429]);
    // The same header from anyone else is ignored: rotating it does not buy a fresh quota.
    const spoofed = [];
    for (let i = 0; i < 4; i++) spoofed.push((await get('/nope', '203.0.113.50', { 'x-forwarded-for': `192.0.2.${i + 1}` })).statusCode);
    expect(spoofed).toEqual([404, 404, 404, 429]);
  });

  it('bans an address after repeated 429s, with a Retry-After, and lifts the ban when it expires', async () => {
    const statuses = [];
    for (let i = 0; i < 14; i++) statuses.push((await get('/nope', '203.0.113.60')).statusCode);
    expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
    const ban = await until(() => securityEvents(rt, 'ratelimit.ban'), (e) => e.length > 0);
    expect(ban).toMatchObject([{ action: 'banned', severity: 'high', detail: { subject: '203.0.113.60', nth: 1 } }]);
    expect((await get('/health', '203.0.113.60')).statusCode).toBe(200);
    const refused = await get('/nope', '203.0.113.60');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ type: '/problems/banned' });
    expect(Number(refused.headers['retry-after'])).toBe(15 * 60);
    rt.clock.advance(15 * 60_000 + 1);
    expect((await get('/nope', '203.0.113.60')).statusCode).not.toBe(403);
  });
});
