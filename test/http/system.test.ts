import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { ProblemError, problems } from '../../src/kernel/problems.js';
import { createLogger } from '../../src/logging.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

for (const engine of engines) {
  describe(`system routes on ${engine.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine);
    });
    afterAll(async () => rt.dispose());

    it('answers /health with the version and the security headers', async () => {
      const res = await rt.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('is ready when the database answers and migrations are current', async () => {
      const res = await rt.app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ready: true, database: true, migrations: true });
    });

    it('serves an OpenAPI 3 document generated from the route schemas', async () => {
      const res = await rt.app.inject({ method: 'GET', url: '/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/problems/{code}']));
    });

    it('documents every problem type', async () => {
      const list = (await rt.app.inject({ method: 'GET', url: '/problems' })).json() as Array<{ code: string; type: string }>;
      expect(list.map((p) => p.code).sort()).toEqual(Object.keys(problems).sort());
      const one = await rt.app.inject({ method: 'GET', url: '/problems/validation-failed' });
      expect(one.json()).toMatchObject({ type: '/problems/validation-failed', status: 400 });
      expectProblem(await rt.app.inject({ method: 'GET', url: '/problems/constructor' }), 404);
    });

    it('answers unknown routes with a 404 problem, even before setup', async () => {
      const body = expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404);
      expect(body.type).toBe('/problems/not-found');
    });

    it('echoes a valid X-Request-Id and replaces an unsafe one', async () => {
      const ok = await rt.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-12345678' } });
      expect(ok.headers['x-request-id']).toBe('abc-12345678');
      const bad = await rt.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'x\n{"evil":1}' } });
      expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('rejects unknown query parameters on a route that declares none', async () => {
      const body = expectProblem(await rt.app.inject({ method: 'GET', url: '/health?debug=1' }), 400);
      expect(body.type).toBe('/problems/validation-failed');
      expect(body.errors).toEqual([{ location: 'querystring', pointer: '/', message: 'must NOT have additional properties (debug)' }]);
    });

    it('prints a one-time setup token on first run, and none once set up', async () => {
      const token = await rt.issueSetupTokenIfNeeded();
      expect(token).toMatch(/^setup_[A-Za-z0-9_-]{32}$/);
      const stored = await rt.setupTokens.load();
      expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored?.tokenHash).not.toContain(token);
      expect(await rt.setupTokens.markUsed(rt.clock.now())).toBe(true);
      expect(await rt.setupTokens.markUsed(rt.clock.now())).toBe(false);
      expect(await rt.issueSetupTokenIfNeeded()).toBeNull();
    });
  });
}

describe('error handling', () => {
  const Q = Type.Object({}, { additionalProperties: false });
  let complete = false;
  const build = () =>
    createHttpApp({
      logger: createLogger('silent'),
      devErrors: false,
      setup: { isComplete: async () => complete },
      routes: [
        (app) => {
          app.get('/ping', { config: { auth: { public: 'health' } }, schema: { querystring: Q, response: { 200: Type.Object({}) } } }, async () => ({}));
          app.get('/v1/boom', { config: { auth: { operator: 'viewer' } }, schema: { querystring: Q, response: { 200: Type.Object({}) } } }, async () => {
            throw new Error('select * from secrets where password = $1 -- at /work/main/src/x.ts:10:5');
          });
          app.get('/v1/gone', { config: { auth: { operator: 'viewer' } }, schema: { querystring: Q, response: { 200: Type.Object({}) } } }, async () => {
            throw new ProblemError(problems['unknown-feature-flag'], 'No flag named x.');
          });
          app.post(
            '/v1/echo',
            {
              bodyLimit: 1024,
              config: { auth: { scopes: ['events:write'] } },
              schema: { querystring: Q, body: Type.Object({ n: Type.Integer() }, { additionalProperties: false }), response: { 200: Type.Object({ n: Type.Integer() }) } },
            },
            async (req) => ({ n: (req.body as { n: number }).n }),
          );
        },
      ],
    });

  it('answers every non-public route with setup-required until setup is done', async () => {
    complete = false;
    const app = await build();
    const body = expectProblem(await app.inject({ method: 'GET', url: '/v1/gone' }), 503);
    expect(body.type).toBe('/problems/setup-required');
    expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
  });

  it('masks internal errors: no message, SQL or stack reaches the client', async () => {
    complete = true;
    const app = await build();
    const body = expectProblem(await app.inject({ method: 'GET', url: '/v1/boom' }), 500);
    expect(body).toEqual({ type: '/problems/internal-error', title: 'Internal error', status: 500, instance: '/v1/boom', correlationId: expect.any(String) });
  });

  it('turns a ProblemError into its registered problem', async () => {
    complete = true;
    const body = expectProblem(await (await build()).inject({ method: 'GET', url: '/v1/gone' }), 404);
    expect(body).toMatchObject({ type: '/problems/unknown-feature-flag', detail: 'No flag named x.' });
  });

  it.each([
    ['invalid JSON', '{"n":', 'application/json', 400, '/problems/malformed-body'],
    ['a __proto__ key', '{"n":1,"__proto__":{"admin":true}}', 'application/json', 400, '/problems/malformed-body'],
    ['a constructor.prototype key', '{"n":1,"constructor":{"prototype":{"admin":true}}}', 'application/json', 400, '/problems/malformed-body'],
    ['a string where an integer belongs', '{"n":"60"}', 'application/json', 400, '/problems/validation-failed'],
    ['an unknown property', '{"n":1,"admin":true}', 'application/json', 400, '/problems/validation-failed'],
    ['a body over the route limit', JSON.stringify({ n: 1, pad: 'x'.repeat(2000) }), 'application/json', 413, '/problems/body-too-large'],
    ['an unsupported media type', 'n=1', 'text/csv', 415, '/problems/unsupported-media-type'],
    ['an empty JSON body', '', 'application/json', 400, '/problems/malformed-body'],
  ])('rejects %s with a clear problem', async (_name, payload, type, status, problemType) => {
    complete = true;
    const res = await (await build()).inject({ method: 'POST', url: '/v1/echo', payload, headers: { 'content-type': type } });
    expect(expectProblem(res, status).type).toBe(problemType);
  });
});
