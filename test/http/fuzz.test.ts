import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { fillPath, fuzzBody, fuzzHeaders, fuzzPathValue, fuzzQuery, sendableHeaders } from '../support/fuzz.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const engine = engines[0]!;

/**
 * Random and malformed bodies, headers and query strings at every registered route (read from the route table,
 * so routes added later are fuzzed too): never a 5xx, and every error is problem+json without internals.
 */
describe(`HTTP fuzzing of every route on ${engine.name}`, () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startRuntime(engine);
  });
  afterAll(async () => rt.dispose());

  it('has routes to fuzz', () => {
    expect(rt.app.declaredRoutes.length).toBeGreaterThanOrEqual(5);
  });

  it('never answers 5xx and never leaks internals, before and after setup', async () => {
    const routes = rt.app.declaredRoutes;
    for (const setupDone of [false, true]) {
      if (setupDone) await rt.setupTokens.save('0'.repeat(64), rt.clock.now(), rt.clock.now()).then(() => rt.setupTokens.markUsed(rt.clock.now()));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          fc.array(fuzzPathValue, { minLength: 1, maxLength: 3 }),
          fuzzQuery,
          fuzzHeaders,
          fuzzBody,
          async (route, pathValues, query, headers, body) => {
            const url = fillPath(route.url, pathValues) + (query ? `?${query}` : '');
            const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);
            const res = await rt.app.inject({
              method: route.method as 'GET',
              url,
              headers: { ...sendableHeaders(headers as Record<string, string>), ...(hasBody ? { 'content-type': body.type } : {}) },
              ...(hasBody ? { payload: body.payload } : {}),
            });
            // The only 5xx allowed is the documented setup gate before the first administrator exists.
            const allowed = res.statusCode < 500 || (!setupDone && res.statusCode === 503 && res.body.includes('/problems/setup-required'));
            expect(allowed, `${route.method} ${url} -> ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
            if (res.statusCode >= 400) expectProblem(res);
          },
        ),
        { numRuns: 300 },
      );
    }
  });
});
