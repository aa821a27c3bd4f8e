import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { captureIO } from './io.js';

/**
 * A deliberately broken API (plain node:http, not ClubOS): a protected route that answers anyone, an injection
 * that turns into a 500 with a stack trace, no security headers, a session cookie without flags. The scanner
 * must name each of these and exit 1.
 */
const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'broken', version: '0' },
  components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } } },
  paths: {
    '/v1/things': { get: { security: [{ session: ['admin'] }], parameters: [{ in: 'query', name: 'q', schema: { type: 'string' } }] } },
    '/v1/auth/login': { post: { security: [], 'x-clubos-public': 'login', requestBody: { content: { 'application/json': { schema: { type: 'object' } } } } } },
    '/v1/internal/dump': { get: { security: [], 'x-clubos-public': 'docs' } },
  },
};

const STACK = 'TypeError: Cannot read properties of undefined\n    at handler (/srv/app/dist/routes/things.js:42:17)\n    at node_modules/fastify/lib/route.js:9:3';

function broken(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/openapi.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(OPENAPI));
    if (url.pathname === '/v1/auth/login') return res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=abc; Path=/' }).end('{"csrfToken":"t"}');
    // Validation that refuses unknown query parameters, like a strict API would — but after the handler broke.
    if (/'|%27/i.test(url.search)) return res.writeHead(500, { 'content-type': 'text/plain' }).end(STACK);
    return res.writeHead(400, { 'content-type': 'application/problem+json' }).end('{"type":"/problems/validation-failed","title":"bad","status":400}');
  });
}

describe('clubos scan against a broken server', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = broken();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reports the open route, the unexpected public route, leaks, 5xx, headers, cookie flags and passed attacks; exit 1', async () => {
    const io = captureIO();
    const code = await scan([base, '--json', '--login', 'a:b', '--max-records', '200'], io);
    expect(code).toBe(1);
    const r = JSON.parse(io.lines.at(-1)!) as {
      ok: boolean;
      failures: string[];
      routes: { unauthenticated_open: number; open: { path: string; probe: string; status: number }[]; unexpected_public: string[] };
      attack: { rate: number };
      leaks: { marker: string }[];
      header_issues: { header: string; issue: string }[];
      errors_5xx: unknown[];
    };
    expect(r.ok).toBe(false);
    expect(r.routes.open).toContainEqual({ method: 'GET', path: '/v1/things', probe: 'anonymous', status: 400 });
    expect(r.routes.unexpected_public).toEqual(['GET /v1/internal/dump']);
    expect(r.routes.unauthenticated_open).toBe(2);
    expect(r.attack.rate).toBe(0);
    expect(r.errors_5xx.length).toBeGreaterThan(0);
    expect(r.leaks.map((l) => l.marker)).toEqual(expect.arrayContaining(['stack_frame', 'node_modules_path', 'source_path', 'js_error_name']));
    const headers = r.header_issues.map((h) => `${h.header}: ${h.issue}`);
    expect(headers).toEqual(expect.arrayContaining(['content-security-policy: missing', 'x-content-type-options: missing or not nosniff', 'set-cookie: sid without Secure', 'set-cookie: sid (session) without HttpOnly']));
    expect(r.failures.join('\n')).toMatch(/route\(s\) answer without the credentials/);
    expect(r.failures.join('\n')).toMatch(/leak internals/);
    expect(r.failures.join('\n')).toMatch(/attack block rate 0\.0 %/);
  });
});
