import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeclaredRoute } from '../../src/http/app.js';
import { SCOPES } from '../../src/security/apiKeys/scopes.js';
import { PUBLIC_PURPOSES, roleRank } from '../../src/security/guard/routeContract.js';
import { ADMIN, type CreatedKey, type OperatorSession, createKey, createOperator, login, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const engine = engines[0]!;
const UUID = '00000000-0000-4000-8000-000000000001';
const urlOf = (r: DeclaredRoute) => r.url.replace(/:[A-Za-z0-9_]+/g, UUID);
const isPublic = (r: DeclaredRoute) => 'public' in r.auth;
const scopesOf = (r: DeclaredRoute) => ('scopes' in r.auth ? (r.auth.scopes ?? []) : []);
const roleOf = (r: DeclaredRoute) => ('operator' in r.auth ? r.auth.operator : undefined);

/**
 * Every registered route, read from the route table (not a hand-kept list): no credentials → 401; a key without
 * the scope or an operator below the role → 403; dead keys → 401 with their own problem type; keys only in the
 * Authorization header.
 */
describe(`zero trust over every route on ${engine.name}`, () => {
  let rt: TestRuntime;
  let admin: OperatorSession;
  let viewer: OperatorSession;
  const dead: Record<'expired' | 'revoked' | 'suspended', CreatedKey> = {} as never;
  let allScopes: CreatedKey;
  let routes: readonly DeclaredRoute[];
  const viewerName = 'vera';
  const VIEWER_PASSWORD = 'a long enough password 42';

  const call = (r: DeclaredRoute, headers: Record<string, string>, url = urlOf(r)) =>
    rt.app.inject({ method: r.method as 'GET', url, headers: { ...headers, 'content-type': 'application/json' }, ...(r.method === 'GET' ? {} : { payload: '{}' }) });

  beforeAll(async () => {
    // This suite probes every route with wrong credentials from one address: an attack pattern by design, so the
    // adaptive rate limit (test/security/rateLimit) would tighten it; lift the quota here to test authorisation alone.
    // The webhook route exists only with a signing secret: configure one so it is enumerated too.
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '1000000', OPENPHONE_WEBHOOK_SECRET: Buffer.alloc(32, 5).toString('base64') });
    admin = await setupAdmin(rt);
    viewer = await createOperator(rt, admin, 'viewer', viewerName);
    allScopes = await createKey(rt, admin, [...SCOPES]);
    dead.expired = await createKey(rt, admin, [...SCOPES], { expiresAt: new Date(rt.clock.now().getTime() + 60_000).toISOString() });
    dead.revoked = await createKey(rt, admin, [...SCOPES]);
    dead.suspended = await createKey(rt, admin, [...SCOPES]);
    await rt.app.inject({ method: 'POST', url: `/v1/keys/${dead.revoked.id}/revoke`, headers: admin.headers, payload: {} });
    await rt.app.inject({ method: 'POST', url: `/v1/keys/${dead.suspended.id}/suspend`, headers: admin.headers, payload: { reason: 'test' } });
    rt.clock.advance(120_000);
    admin = await login(rt, ADMIN.username, ADMIN.password);
    routes = rt.app.declaredRoutes;
  });
  afterAll(async () => rt.dispose());

  it('has public routes only for the approved purposes, and authenticated routes for everything else', () => {
    const publicRoutes = routes.filter(isPublic);
    for (const r of publicRoutes) expect(PUBLIC_PURPOSES).toContain((r.auth as { public: string }).public);
    expect(publicRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      [
        'GET /health',
        'GET /ready',
        'GET /openapi.json',
        'GET /problems',
        'GET /problems/:code',
        'GET /v1/setup',
        'POST /v1/setup',
        'POST /v1/auth/login',
        'POST /v1/security/leaked-keys',
        'GET /',
        'GET /assets/:file',
        // Authenticated by the vendor's HMAC signature instead of a key (replay-protected).
        'POST /v1/webhooks/openphone',
      ].sort(),
    );
    expect(routes.filter((r) => !isPublic(r)).length).toBeGreaterThanOrEqual(15);
  });

  it('answers 401 unauthenticated on every non-public route without credentials', async () => {
    for (const r of routes.filter((x) => !isPublic(x))) {
      const res = await call(r, {});
      expect(expectProblem(res, 401).type, `${r.method} ${r.url}`).toBe('/problems/unauthenticated');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="clubos"');
    }
  });

  it('answers 403 to a key without the route scope, and to a principal kind the route does not accept', async () => {
    for (const r of routes.filter((x) => !isPublic(x))) {
      const needed = scopesOf(r);
      if (needed.length > 0) {
        const other = SCOPES.filter((s) => !needed.includes(s));
        const k = await createKey(rt, admin, [other[0]!]);
        const res = await call(r, k.headers);
        expect(expectProblem(res, 403).type, `${r.method} ${r.url}`).toBe('/problems/insufficient-scope');
      } else {
        const res = await call(r, allScopes.headers);
        expect(expectProblem(res, 403).type, `${r.method} ${r.url}`).toBe('/problems/principal-not-accepted');
      }
    }
  });

  it('answers 403 to an operator below the route role', async () => {
    for (const r of routes.filter((x) => !isPublic(x))) {
      const role = roleOf(r);
      if (role === undefined) {
        expect(expectProblem(await call(r, viewer.headers), 403).type, `${r.method} ${r.url}`).toBe('/problems/principal-not-accepted');
      } else if (roleRank(role) > roleRank('viewer')) {
        expect(expectProblem(await call(r, viewer.headers), 403).type, `${r.method} ${r.url}`).toBe('/problems/insufficient-role');
      } else {
        // A fresh session each time: one of these routes is sign-out.
        const v = await login(rt, viewerName, VIEWER_PASSWORD);
        expect((await call(r, v.headers)).statusCode, `${r.method} ${r.url}`).not.toBe(401);
      }
    }
  });

  it('answers 401 with the specific problem type to expired, revoked and suspended keys on every key route', async () => {
    const expected = { expired: '/problems/key-expired', revoked: '/problems/key-revoked', suspended: '/problems/key-suspended' } as const;
    for (const r of routes.filter((x) => scopesOf(x).length > 0)) {
      for (const [state, key] of Object.entries(dead) as Array<[keyof typeof expected, CreatedKey]>) {
        expect(expectProblem(await call(r, key.headers), 401).type, `${state} on ${r.method} ${r.url}`).toBe(expected[state]);
      }
    }
  });

  it('accepts keys only in the Authorization header', async () => {
    for (const r of routes.filter((x) => scopesOf(x).length > 0)) {
      const res = await call(r, { 'x-api-key': allScopes.secret });
      expect(expectProblem(res, 401).type, res.body).toBe('/problems/unauthenticated');
      // A key in the session cookie is no key: refused as a stale session, or as a session where none is accepted.
      const inCookie = await call(r, { cookie: `clubos_session=${allScopes.secret}` });
      expect(expectProblem(inCookie).type).toBe(roleOf(r) === undefined ? '/problems/principal-not-accepted' : '/problems/session-expired');
      expect(expectProblem(await call(r, {}, `${urlOf(r)}?key=${allScopes.secret}`), 400).type).toBe('/problems/key-in-url');
    }
  });
});
