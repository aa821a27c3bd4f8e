import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApp, createHttpApp } from '../../src/http/app.js';
import { ProblemError, problems } from '../../src/kernel/problems.js';
import { createLogger } from '../../src/logging.js';
import { expectProblem } from '../support/problems.js';

const NO_QUERY = Type.Object({}, { additionalProperties: false });
const OK = Type.Object({ ok: Type.Boolean() });

/** An app built like the runtime's, with routes that fail the ways handlers and libraries fail. */
async function failingApp(devErrors: boolean): Promise<HttpApp> {
  return createHttpApp({
    logger: createLogger('silent'),
    devErrors,
    setup: { isComplete: async () => true },
    routes: [
      (app) => {
        const route = (url: string, fail: () => unknown) =>
          app.get(url, { config: { auth: { public: 'health' } }, schema: { querystring: NO_QUERY, response: { 200: OK } } }, async () => {
            throw fail();
          });
        route('/db-down', () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }));
        route('/bug', () => new TypeError('secret internal detail at /work/src/x.ts:1:1'));
        route('/plugin-4xx', () => Object.assign(new Error('I am a teapot'), { statusCode: 418, code: 'PLUGIN_TEAPOT' }));
        route('/throttled', () => new ProblemError(problems['rate-limited'], 'Slow down.', { policy: 'test' }, { 'retry-after': '7' }));
        route('/schema-miss', () => Object.assign(new Error('bad'), { validation: [{ keyword: 'type', instancePath: '', params: {} }] }));
      },
    ],
  });
}

describe('error handling of the HTTP app', () => {
  let app: HttpApp;
  let dev: HttpApp;
  beforeAll(async () => {
    app = await failingApp(false);
    dev = await failingApp(true);
  });
  afterAll(async () => {
    await app.close();
    await dev.close();
  });

  it('answers an unreachable database with 503 not-ready and Retry-After, not a 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/db-down' });
    expect(expectProblem(res, 503).type).toBe('/problems/not-ready');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).not.toContain('10.0.0.5');
  });

  it('masks an unhandled error, and shows its message only when developer errors are on', async () => {
    const masked = expectProblem(await app.inject({ method: 'GET', url: '/bug' }), 500);
    expect(masked).toMatchObject({ type: '/problems/internal-error' });
    expect(masked).not.toHaveProperty('detail');
    const shown = JSON.parse((await dev.inject({ method: 'GET', url: '/bug' })).body);
    expect(shown).toMatchObject({ status: 500, detail: 'secret internal detail at /work/src/x.ts:1:1' });
  });

  it('keeps a library’s 4xx a client error without passing its text on', async () => {
    const body = expectProblem(await app.inject({ method: 'GET', url: '/plugin-4xx' }), 400);
    expect(body).toMatchObject({ type: '/problems/malformed-body', detail: 'The request could not be processed.' });
  });

  it('sends the headers a ProblemError carries', async () => {
    const res = await app.inject({ method: 'GET', url: '/throttled' });
    expect(expectProblem(res, 429)).toMatchObject({ type: '/problems/rate-limited', detail: 'Slow down.', policy: 'test' });
    expect(res.headers['retry-after']).toBe('7');
  });

  it('describes a validation failure without a context or message as an invalid request root', async () => {
    const body = expectProblem(await app.inject({ method: 'GET', url: '/schema-miss' }), 400);
    expect(body).toMatchObject({ type: '/problems/validation-failed', errors: [{ location: 'request', pointer: '/', message: 'is invalid' }] });
  });
});
