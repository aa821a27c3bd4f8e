import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { engines } from '../support/databases.js';
import { ADMIN, createKey, login, setupAdmin } from '../support/auth.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { captureIO } from './io.js';


/** `clubos scan` against a real listening ClubOS built by the composition root, on every engine. */
for (const engine of engines) {
  describe(`clubos scan against a listening server on ${engine.name}`, () => {
    let rt: TestRuntime;
    let base: string;
    let key: string;
    beforeAll(async () => {
      // The scan sends a few thousand requests from one address: the per-client limits are raised for it,
      // and load shedding is off so a busy test machine does not answer for the inspector.
      rt = await startRuntime(engine, { PORT: '0', SECURITY_RATE_LIMIT_MAX: '1000000', FEATURE_PERFORMANCE_GUARD: 'false' });
      base = await rt.listen();
      await setupAdmin(rt);
      const admin = await login(rt, ADMIN.username, ADMIN.password);
      key = (await createKey(rt, admin, ['events:read', 'events:write'])).secret;
    });
    afterAll(async () => rt.dispose());

    it('finds no open route, blocks the corpus attacks, passes benign traffic, leaks nothing (exit 0)', async () => {
      const io = captureIO();
      const code = await scan([base, '--json', '--key', key, '--key-scopes', 'events:read,events:write', '--login', `${ADMIN.username}:${ADMIN.password}`, '--max-records', '500', '--concurrency', '4'], io);
      const report = JSON.parse(io.lines.at(-1)!) as {
        ok: boolean;
        failures: string[];
        routes: { n: number; unauthenticated_open: number; attack_targets: string[]; flag_only: string[]; raw_text_bodies: string[] };
        attack: { n: number; blocked: number; rate: number; by_kind: Record<string, { n: number; rate: number }>; by_encoding: Record<string, unknown>; by_location: Record<string, { n: number }> };
        benign: { n: number; blocked: number; rate: number };
        flag_routes: {
          counted_by: string | null;
          attack: { n: number; flagged: number; blocked: number; passed: number; rate: number; by_kind: Record<string, unknown> };
          benign: { n: number; flagged: number; rate: number };
        };
        leaks: unknown[];
        header_issues: unknown[];
        errors_5xx: unknown[];
      };
      expect(report.failures).toEqual([]);
      expect(code).toBe(0);
      // Every declared route but the OpenAPI document's own (hidden from itself).
      expect(report.routes.n).toBe(rt.app.declaredRoutes.filter((r) => r.schema.hide !== true).length);
      expect(report.routes.unauthenticated_open).toBe(0);
      // Operator routes are reached with the session, key routes with the key, public ones with nothing.
      expect(report.routes.attack_targets).toContain('GET /v1/events/{id} (key)');
      expect(report.routes.attack_targets).toContain('GET /v1/keys (session)');
      expect(report.routes.attack_targets).toContain('POST /v1/auth/login (none)');
      expect(report.routes.flag_only).toContain('POST /v1/events');
      // Fastify parses text/plain bodies on every route with a body: attacks go there too, where the inspector reads them.
      expect(report.routes.raw_text_bodies).toContain('POST /v1/keys');
      expect(report.attack.by_location.raw_body?.n).toBeGreaterThan(20);
      // The intake flags instead of blocking: what it flagged is read from the security dashboard's counter.
      expect(report.flag_routes.counted_by).toBe('GET /v1/security/timeseries?metric=flagged (session)');
      expect(report.flag_routes.attack.n).toBeGreaterThan(200);
      expect(report.flag_routes.attack.flagged).toBeGreaterThan(report.flag_routes.attack.n * 0.8);
      expect(report.flag_routes.attack.rate).toBeGreaterThanOrEqual(0.9);
      expect(report.flag_routes.benign.n).toBeGreaterThan(100);
      expect(report.flag_routes.benign.rate).toBeLessThanOrEqual(0.02);
      expect(report.attack.n).toBeGreaterThan(200);
      expect(report.attack.rate).toBeGreaterThanOrEqual(0.9);
      expect(Object.keys(report.attack.by_kind).sort()).toEqual(['code_injection', 'command_injection', 'nosql_injection', 'path_traversal', 'prototype_pollution', 'sqli', 'ssti', 'xss']);
      expect(Object.keys(report.attack.by_encoding)).toContain('double_url');
      expect(report.benign.n).toBeGreaterThan(100);
      expect(report.benign.rate).toBeLessThanOrEqual(0.02);
      expect(report.leaks).toEqual([]);
      expect(report.header_issues).toEqual([]);
      expect(report.errors_5xx).toEqual([]);
    });

    it('changes nothing: no probe reaches a handler (no event, key or operator created)', async () => {
      const count = async (table: 'events' | 'api_keys' | 'operators') => Number((await rt.database.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = { events: await count('events'), keys: await count('api_keys'), operators: await count('operators') };
      const io = captureIO();
      await scan([base, '--json', '--key', key, '--login', `${ADMIN.username}:${ADMIN.password}`, '--max-records', '150', '--concurrency', '4'], io);
      expect({ events: await count('events'), keys: await count('api_keys'), operators: await count('operators') }).toEqual(before);
    });

    it('prints a human report ending in PASS, and exits 2 on bad usage or an unreachable server', async () => {
      const io = captureIO();
      expect(await scan([base, '--login', `${ADMIN.username}:${ADMIN.password}`, '--max-records', '60'], io)).toBe(0);
      expect(io.lines[0]).toMatch(/^clubos scan http:\/\/127\.0\.0\.1:\d+: \d+ requests/);
      expect(io.lines.at(-1)).toBe('PASS');
      expect(await scan(['not-a-url'], captureIO())).toBe(2);
      expect(await scan([base, '--min-block-rate', '2'], captureIO())).toBe(2);
      const down = captureIO();
      expect(await scan(['http://127.0.0.1:9', '--max-records', '1'], down)).toBe(2);
      expect(down.errors.join('\n')).toMatch(/cannot read http:\/\/127\.0\.0\.1:9\/openapi\.json/);
    });
  });
}
