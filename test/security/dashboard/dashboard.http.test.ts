import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type CreatedKey, type OperatorSession, createKey, createOperator, sampleEvent, setupAdmin } from '../../support/auth.js';
import { engines } from '../../support/databases.js';
import { expectProblem } from '../../support/problems.js';
import { T0, type TestRuntime, startRuntime } from '../../support/runtime.js';

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  return probe();
}

const NOW = new Date(T0.getTime() + 5 * 60_000);

describe.each(engines)('security dashboard read API through HTTP ($name)', (engine) => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  let reader: CreatedKey;
  let leaky: CreatedKey;
  beforeAll(async () => {
    // Pre-auth quota 60 per minute per address: 71 requests make a rate-limit episode and then a ban.
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '20', SECURITY_RATE_LIMIT_WINDOW: '60000', FEATURE_PERFORMANCE_GUARD: 'on' });
    admin = await setupAdmin(rt, '198.51.100.1');
    reader = await createKey(rt, admin, ['security:read'], { rateLimit: { points: 1000, windowMs: 60_000 } });
    const intake = await createKey(rt, admin, ['events:write']);
    leaky = await createKey(rt, admin, ['events:write'], { locations: ['Dartmouth'] });

    // Real activity, each through its real code path.
    const at = (ip: string) => ({ remoteAddress: ip });
    expect((await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: "admin' OR '1'='1' --", password: 'x' }, ...at('198.51.100.2') })).statusCode).toBe(400);
    expect((await rt.app.inject({ method: 'POST', url: '/v1/events', headers: intake.headers, payload: { ...sampleEvent, text: '<script>alert(1)</script>' }, ...at('198.51.100.3') })).statusCode).toBe(202);
    expect((await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: ADMIN.username, password: 'not it at all' }, ...at('198.51.100.4') })).statusCode).toBe(401);
    expect((await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'ghost', password: 'not it at all' }, ...at('198.51.100.5') })).statusCode).toBe(401);
    expect((await rt.app.inject({ method: 'GET', url: `/v1/audit/status?k=${leaky.secret}`, ...at('198.51.100.6') })).statusCode).toBe(400);
    const statuses = [];
    for (let i = 0; i < 71; i++) statuses.push((await rt.app.inject({ method: 'GET', url: '/nope', ...at('198.51.100.66') })).statusCode);
    expect(statuses.slice(59, 61)).toEqual([404, 429]);
    await until(
      () => rt.database.db.selectFrom('security_events').select('id').where('kind', '=', 'ratelimit.ban').execute(),
      (r) => r.length > 0,
    );
    // The periodic tasks: trust signals from the injection events, a performance sample, audit verification.
    await rt.scheduler.runAll();
    // Five minutes later an admin opens the dashboard (periods are [from, to): nothing recorded at `to` counts).
    rt.clock.set(NOW);
  });
  afterAll(async () => rt?.dispose());

  const summary = (query = '', headers: Record<string, string> = reader.headers) => rt.app.inject({ method: 'GET', url: `/v1/security/summary${query}`, headers, remoteAddress: '198.51.100.100' });
  const series = (query: string, headers: Record<string, string> = reader.headers) => rt.app.inject({ method: 'GET', url: `/v1/security/timeseries?${query}`, headers, remoteAddress: '198.51.100.100' });

  it('summarises the last 24 hours: blocks, flags, limits, bans, key risk, logins, anomalies, shedding, audit', async () => {
    const res = await summary();
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.period).toEqual({ from: new Date(NOW.getTime() - 86_400_000).toISOString(), to: NOW.toISOString() });
    expect(s.requests.blocked.byKind).toEqual({ total: 1, by: [{ label: 'sqli', n: 1 }] });
    expect(s.requests.blocked.byRoute.by).toEqual([{ label: '/v1/auth/login', n: 1 }]);
    expect(s.requests.flagged.byKind).toEqual({ total: 1, by: [{ label: 'xss', n: 1 }] });
    expect(s.requests.flagged.byRoute.by).toEqual([{ label: '/v1/events', n: 1 }]);
    expect(s.rateLimit.episodes.by).toEqual([{ label: 'ip', n: 1 }]);
    expect(s.rateLimit.bans).toBe(1);
    expect(s.rateLimit.activeBans).toEqual([{ subject: '198.51.100.66', until: new Date(T0.getTime() + 15 * 60_000).toISOString(), nth: 1 }]);
    expect(s.keys.signals.by).toEqual([{ label: 'key_in_url/limits_tightened', n: 1 }]);
    expect(s.keys.lifecycle.by).toEqual([{ label: 'key.created', n: 3 }]);
    expect(s.keys.riskiest).toEqual([{ id: leaky.id, name: expect.any(String), displayPrefix: expect.stringMatching(/^clubos_/), state: 'active', riskScore: 59.9, level: 'tightened', limitMultiplier: 0.25 }]);
    expect(s.logins.failed).toEqual({ total: 2, by: [{ label: 'unknown_user', n: 1 }, { label: 'wrong_password', n: 1 }] });
    expect(s.logins.succeeded).toBe(1);
    // Injection attempts tighten the address (twice) and the intake key (once); repeated 429s the banned address.
    expect(s.anomalies.adaptiveTrust.by).toEqual([
      { label: 'injection_attempt', n: 3 },
      { label: 'repeated_429', n: 1 },
    ]);
    expect(s.shedding).toMatchObject({ events: 0, levelChanges: 0, shedRequests: 0, maxShedLevel: 0, samples: 1 });
    expect(s.audit).toMatchObject({ ok: true, summary: expect.stringMatching(/^verified up to \d+ at /) });
  });

  it('narrows the key figures to a location, and lets time expire bans and decay key risk', async () => {
    expect((await summary('?location=Halifax')).json().keys.riskiest).toEqual([]);
    expect((await summary('?location=dartmouth')).json().keys.riskiest.map((k: { id: string }) => k.id)).toEqual([leaky.id]);
    rt.clock.advance(12 * 3_600_000);
    try {
      const later = (await summary()).json();
      expect(later.rateLimit.activeBans).toEqual([]);
      // 60 × 2^-(12 h 5 min / 24 h)
      expect(later.keys.riskiest).toMatchObject([{ id: leaky.id, riskScore: 42.3, level: 'flagged', limitMultiplier: 1 }]);
      // The earlier period still shows what happened then.
      const then = (await summary(`?from=${new Date(T0.getTime() - 60_000).toISOString()}&to=${new Date(T0.getTime() + 60_000).toISOString()}`)).json();
      expect(then.requests.blocked.byKind.total).toBe(1);
      expect(then.rateLimit.bans).toBe(1);
    } finally {
      rt.clock.set(NOW);
    }
  });

  it('serves zero-filled, UTC-aligned series for charts', async () => {
    const from = new Date(T0.getTime() - 3 * 3_600_000).toISOString();
    const to = new Date(T0.getTime() + 3_600_000).toISOString();
    const blocked = await series(`metric=blocked&bucket=1h&from=${from}&to=${to}`);
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect(blocked.json()).toEqual({
      metric: 'blocked',
      bucket: '1h',
      from,
      to,
      points: [0, 0, 0, 1].map((value, i) => ({ t: new Date(T0.getTime() + (i - 3) * 3_600_000).toISOString(), value })),
    });
    const logins = (await series('metric=failed_logins&bucket=5m')).json();
    expect(logins.from).toBe(new Date(NOW.getTime() - 86_400_000).toISOString());
    expect(logins.points).toHaveLength(288);
    expect(logins.points.at(-1)).toEqual({ t: T0.toISOString(), value: 2 });
    expect(logins.points.reduce((s: number, p: { value: number }) => s + p.value, 0)).toBe(2);
    const now = (await series(`metric=failed_logins&bucket=1m&from=${T0.toISOString()}&to=${new Date(T0.getTime() + 120_000).toISOString()}`)).json();
    expect(now.points.map((p: { value: number }) => p.value)).toEqual([2, 0]);
    const keySignals = (await series(`metric=key_risk_signals&bucket=1d&from=${new Date(T0.getTime() - 86_400_000).toISOString()}&to=${new Date(T0.getTime() + 1).toISOString()}`)).json();
    expect(keySignals.points.map((p: { value: number }) => p.value)).toEqual([0, 1]);
    const rss = (await series(`metric=rss_mb&bucket=1m&from=${T0.toISOString()}&to=${new Date(T0.getTime() + 60_000).toISOString()}`)).json();
    expect(rss.points).toHaveLength(1);
  });

  it.each([
    ['an unknown metric', 'metric=passwords&bucket=1h', '/problems/validation-failed'],
    ['an unknown bucket', 'metric=blocked&bucket=1s', '/problems/validation-failed'],
    ['too many points', `metric=blocked&bucket=1m&from=${new Date(T0.getTime() - 2 * 86_400_000).toISOString()}&to=${T0.toISOString()}`, '/problems/validation-failed'],
    ['a reversed period', `metric=blocked&bucket=1h&from=${T0.toISOString()}&to=${new Date(T0.getTime() - 3_600_000).toISOString()}`, '/problems/validation-failed'],
    ['an unknown parameter', 'metric=blocked&bucket=1h&drop=1', '/problems/validation-failed'],
  ])('refuses %s with 400 problem+json', async (_name, query, type) => {
    expect(expectProblem(await series(query), 400).type).toBe(type);
  });

  it('is for admins and keys with security:read, on every location', async () => {
    expect((await summary('', admin.headers)).statusCode).toBe(200);
    expect(expectProblem(await summary('', {}), 401).type).toBe('/problems/unauthenticated');
    const supervisor = await createOperator(rt, admin, 'supervisor');
    expect(expectProblem(await summary('', supervisor.headers), 403).type).toBe('/problems/insufficient-role');
    const other = await createKey(rt, admin, ['audit:read']);
    expect(expectProblem(await summary('', other.headers), 403).type).toBe('/problems/insufficient-scope');
    const venueKey = await createKey(rt, admin, ['security:read'], { locations: ['Dartmouth'] });
    expect(expectProblem(await summary('', venueKey.headers), 403).type).toBe('/problems/location-forbidden');
    expect(expectProblem(await series('metric=blocked&bucket=1h', venueKey.headers), 403).type).toBe('/problems/location-forbidden');
  });
});
