import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/security/apiKeys/scopes.js';
import { engines } from '../support/databases.js';
import { type CreatedKey, type OperatorSession, createKey, setupAdmin } from '../support/auth.js';
import { TestDataGenerator } from '../support/generator/index.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { invalidValue, validValue } from '../support/schemaArbitrary.js';

/**
 * Schema-driven fuzzing of every declared route, authenticated as the route requires: inputs generated from the
 * route's own TypeBox schemas (valid ones, with the TestDataGenerator's edge-case texts in string fields) and
 * mutations of them the schema must refuse. Never a 5xx; every error a problem without internals; a refused
 * request leaves the row count of every table as it was.
 */

/** Tables that record observations of any request, refused ones included (security events, key usage, metrics). */
const OBSERVATION_TABLES = new Set(['security_events', 'api_key_usage', 'api_key_clients', 'api_key_risk_events', 'performance_metrics', 'compliance_log', 'compliance_checkpoints', 'schema_migrations']);

for (const engine of engines) {
  describe(`schema fuzzing of every route on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let key: CreatedKey;
    let tables: string[];
    const gen = new TestDataGenerator(2026);
    const edges = gen.edgeCases();

    beforeAll(async () => {
      rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '1000000', FEATURE_PERFORMANCE_GUARD: 'false' });
      admin = await setupAdmin(rt);
      key = await createKey(rt, admin, [...SCOPES]);
      tables = (await rt.database.db.introspection.getTables()).map((t) => t.name).filter((t) => !OBSERVATION_TABLES.has(t)).sort();
    });
    afterAll(async () => rt.dispose());

    const counts = async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const t of tables) {
        const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(rt.database.db);
        out[t] = Number(row.rows[0]!.n);
      }
      return out;
    };

    const headersFor = (auth: Record<string, unknown>): Record<string, string> => {
      if ('public' in auth) return {};
      return auth.operator !== undefined ? admin.headers : key.headers;
    };

    const send = async (route: (typeof rt.app.declaredRoutes)[number], params: unknown, query: unknown, body: unknown) => {
      const p = (params ?? {}) as Record<string, unknown>;
      const url = route.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(String(p[name] ?? 'x')));
      const q = new URLSearchParams(Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])).toString();
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      return rt.app.inject({
        method: route.method as 'GET',
        url: q ? `${url}?${q}` : url,
        headers: { ...headersFor(route.auth as Record<string, unknown>), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        ...(hasBody ? { payload: JSON.stringify(body ?? {}) } : {}),
      });
    };

    it('covers every declared route and every table', () => {
      expect(rt.app.declaredRoutes.length).toBeGreaterThanOrEqual(30);
      expect(tables).toEqual(expect.arrayContaining(['events', 'operators', 'api_keys', 'feature_flags']));
    });

    it('refused inputs (schema mutations) get a 4xx problem and change no table', async () => {
      const routes = rt.app.declaredRoutes.filter((r) => r.schema.body !== undefined || r.schema.params !== undefined);
      for (const route of routes) {
        const s = route.schema as Record<string, unknown>;
        const badBody = s.body !== undefined ? invalidValue(s.body) : null;
        const badParams = s.params !== undefined ? invalidValue(s.params) : null;
        const part = badBody ?? badParams;
        expect(part, `${route.method} ${route.url}`).not.toBeNull();
        await fc.assert(
          fc.asyncProperty(part!, validValue(s.params, []), async (bad, params) => {
            const before = await counts();
            const res = badBody ? await send(route, params, {}, bad) : await send(route, bad, {}, {});
            expect(res.statusCode, `${route.method} ${route.url} ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
            expect(res.statusCode).toBeLessThan(500);
            expectProblem(res);
            expect(await counts()).toEqual(before);
          }),
          { numRuns: 8 },
        );
      }
    });

    it('an unknown query parameter is refused on every route and changes nothing', async () => {
      for (const route of rt.app.declaredRoutes) {
        const before = await counts();
        const res = await send(route, {}, { __fuzz_unknown: '1' }, {});
        expect(res.statusCode, `${route.method} ${route.url}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expectProblem(res);
        expect(await counts()).toEqual(before);
      }
    });

    it('valid inputs generated from each schema (edge-case texts included) never get a 5xx or leak internals', async () => {
      // Signing out would end the session the other routes use; it is fuzzed with refused inputs above.
      const routes = rt.app.declaredRoutes.filter((r) => r.url !== '/v1/auth/logout');
      for (const route of routes) {
        const s = route.schema as Record<string, unknown>;
        await fc.assert(
          fc.asyncProperty(validValue(s.params, []), validValue(s.querystring, []), validValue(s.body, edges), async (params, query, body) => {
            const res = await send(route, params, query, body);
            expect(res.statusCode, `${route.method} ${route.url} -> ${res.body.slice(0, 300)}`).toBeLessThan(500);
            if (res.statusCode >= 400) expectProblem(res);
          }),
          { numRuns: 6 },
        );
      }
    });

    it('raw edge-case bodies (deep, wide, duplicate keys, huge numbers) are refused or accepted, never a 5xx', async () => {
      const bodies = edges.filter((e) => e.form === 'json');
      expect(bodies.map((b) => b.kind).sort()).toEqual(['deep_json', 'duplicate_keys', 'huge_number', 'wide_json']);
      for (const route of rt.app.declaredRoutes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.url !== '/v1/auth/logout')) {
        for (const body of bodies) {
          const res = await rt.app.inject({ method: route.method as 'POST', url: route.url.replace(/:[A-Za-z0-9_]+/g, '00000000-0000-4000-8000-000000000000'), headers: { ...headersFor(route.auth as Record<string, unknown>), 'content-type': 'application/json' }, payload: body.value });
          expect(res.statusCode, `${route.method} ${route.url} ${body.kind} -> ${res.body.slice(0, 200)}`).toBeLessThan(500);
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expectProblem(res);
        }
      }
    });
  });
}
