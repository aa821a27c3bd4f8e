import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { setupAdmin } from '../support/auth.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

// The built console (npm run build writes dist/console); these tests check what the server does with it.
const INDEX = readFileSync(new URL('../../dist/console/index.html', import.meta.url), 'utf8');
const assetsOf = (html: string) => [...html.matchAll(/\/assets\/([A-Za-z0-9_.-]+)/g)].map((m) => m[1]!);
const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

for (const engine of engines) {
  describe(`operator console serving on ${engine.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine);
    });
    afterAll(async () => rt.dispose());

    it('serves the page before setup, so the first administrator can be created from it', async () => {
      const res = await rt.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
      // API routes still answer setup-required until then.
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/queue' }), 503);
    });

    it("gives console responses the console's strict CSP and API responses the API's", async () => {
      const page = await rt.app.inject({ method: 'GET', url: '/' });
      const csp = String(page.headers['content-security-policy']);
      expect(csp.startsWith(CONSOLE_CSP)).toBe(true);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      const api = await rt.app.inject({ method: 'GET', url: '/health' });
      expect(api.headers['content-security-policy']).toContain("default-src 'none'");
    });

    it('has no inline script or style in the page (the CSP would refuse it)', () => {
      expect(INDEX).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(INDEX).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      expect(INDEX).not.toMatch(/https?:\/\//);
    });

    it('serves every asset the page references with its type and a year-long immutable cache', async () => {
      const assets = assetsOf(INDEX);
      expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
      expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
      for (const a of assets) {
        const res = await rt.app.inject({ method: 'GET', url: `/assets/${a}` });
        expect(res.statusCode, a).toBe(200);
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(res.headers['content-type']).toMatch(a.endsWith('.js') ? /^text\/javascript/ : a.endsWith('.css') ? /^text\/css/ : /^image\/svg\+xml/);
        expect(String(res.headers['content-security-policy']).startsWith(CONSOLE_CSP)).toBe(true);
      }
    });

    it('refuses unknown assets and path tricks with a problem, never a file', async () => {
      expectProblem(await rt.app.inject({ method: 'GET', url: '/assets/nothing-here.js' }), 404);
      for (const url of ['/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e%2fsecrets.json', '/assets/index.html']) {
        const res = await rt.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
        expect(res.body).not.toContain('"dependencies"');
      }
    });

    it('keeps serving the page after setup, and the catalogue to operators', async () => {
      const admin = await setupAdmin(rt);
      expect((await rt.app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
      const res = await rt.app.inject({ method: 'GET', url: '/v1/catalogue', headers: admin.headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const entries = (res.json() as { entries: { decision: string; params: { required: string[]; properties: Record<string, { type: string }> } }[] }).entries;
      const reset = entries.find((e) => e.decision === 'reset_trackman')!;
      expect(reset.params.required).toEqual(['location', 'bay']);
      expect(reset.params.properties.bay!.type).toBe('integer');
      expect(reset.params.properties.location!.type).toBe('string');
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/catalogue' }), 401);
    });
  });
}
