import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type CreatedKey, type OperatorSession, createKey, login, sampleEvent, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const engine = engines[0]!;

describe(`request inspection over HTTP on ${engine.name}`, () => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  let key: CreatedKey;
  beforeAll(async () => {
    rt = await startRuntime(engine);
    admin = await setupAdmin(rt);
    key = await createKey(rt, admin, ['events:write', 'events:read']);
  });
  afterAll(async () => rt.dispose());

  const events = async () => (await sql<{ kind: string; action: string; route: string }>`select kind, action, route from security_events order by id`.execute(rt.database.db)).rows;

  it.each([
    ['SQL injection in a body value', { method: 'POST', url: '/v1/auth/login', payload: { username: "admin' OR '1'='1' --", password: 'x' } }, 'sqli'],
    ['XSS in a body value', { method: 'POST', url: '/v1/auth/login', payload: { username: '<script>alert(document.cookie)</script>', password: 'x' } }, 'xss'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is a template-injection probe, on purpose.
    ['template injection in the query', { method: 'GET', url: '/health?x={{7*7}}${7*7}<%=7*7%>' }, 'ssti'],
    ['path traversal in a path parameter', { method: 'GET', url: '/problems/..%2f..%2f..%2fetc%2fpasswd' }, 'path_traversal'],
    ['command injection in a header', { method: 'GET', url: '/health', headers: { 'user-agent': '() { :; }; /bin/bash -c "cat /etc/passwd"' } }, 'command_injection'],
    ['a NoSQL operator in a query key', { method: 'GET', url: '/health?username[$ne]=x' }, 'nosql_injection'],
  ] as const)('blocks %s with a stable problem type and records a security event', async (_name, req, kind) => {
    const before = (await events()).length;
    const res = await rt.app.inject(req as never);
    const body = expectProblem(res, 400);
    expect(body.type).toBe('/problems/injection-detected');
    expect((body.findings as Array<{ kind: string }>).map((f) => f.kind)).toContain(kind);
    const after = await events();
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ action: 'blocked' });
  });

  it('never rewrites: a customer text with SQL-looking punctuation passes the intake untouched', async () => {
    const text = "can't get in -- door's locked & it's bay 3, select a time 'please'";
    const res = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: key.headers, payload: { ...sampleEvent, text } });
    expect(res.statusCode).toBe(202);
    const stored = await rt.app.inject({ method: 'GET', url: `/v1/events/${res.json().id}`, headers: key.headers });
    expect(stored.json().text).toBe(text);
  });

  it('flags (does not block) an attack-looking customer message on the intake, storing it verbatim', async () => {
    const text = "'; DROP TABLE events; --";
    const res = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: key.headers, payload: { ...sampleEvent, text } });
    expect(res.statusCode).toBe(202);
    expect((await events()).at(-1)).toMatchObject({ action: 'flagged', route: '/v1/events' });
    const stored = await rt.app.inject({ method: 'GET', url: `/v1/events/${res.json().id}`, headers: key.headers });
    expect(stored.json().text).toBe(text);
  });

  it('can be switched off at run time by an admin (requestSanitization flag), and on again', async () => {
    admin = await login(rt, ADMIN.username, ADMIN.password);
    const off = await rt.app.inject({ method: 'PUT', url: '/v1/admin/flags/requestSanitization', headers: admin.headers, payload: { enabled: false } });
    expect(off.json().requestSanitization).toBe(false);
    expect((await rt.app.inject({ method: 'GET', url: '/health?x={{7*7}}' })).statusCode).toBe(400);
    const probe = await rt.app.inject({ method: 'GET', url: '/problems/%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
    expect(probe.statusCode).toBe(404);
    await rt.app.inject({ method: 'PUT', url: '/v1/admin/flags/requestSanitization', headers: admin.headers, payload: { enabled: true } });
    expect((await rt.app.inject({ method: 'GET', url: '/problems/%3Cscript%3Ealert(1)%3C%2Fscript%3E' })).statusCode).toBe(400);
    const audit = await sql<{ n: number }>`select count(*)::int as n from compliance_log where action = 'flag.changed'`.execute(rt.database.db);
    expect(audit.rows[0]!.n).toBe(2);
  });
});
