import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENCODINGS, encodeValue, jsonString, mixedCase, unicodeEscape } from '../../src/scan/encodings.js';
import { cookieIssues, findLeaks, rateLimitIssues, securityHeaderIssues } from '../../src/scan/findings.js';
import { pathMatches, routesFromOpenApi, type ScanRoute } from '../../src/scan/openapi.js';
import { PROBE_MARKER, placePayload, planAuthProbes, planErrorProbes, planPayloadProbes } from '../../src/scan/probes.js';
import { classifyPayload, DEFAULT_THRESHOLDS, tallyScan, thresholdFailures } from '../../src/scan/score.js';
import { SECURITY_HEADERS } from '../../src/http/securityHeaders.js';
import type { CorpusRecord } from '../../src/security/inspector/corpus.js';

const route = (over: Partial<ScanRoute> = {}): ScanRoute => ({ method: 'POST', path: '/v1/things/{id}', pathParams: ['id'], queryParams: [], bodyTypes: ['application/json'], access: { kind: 'protected', scopes: null, role: 'viewer' }, inspect: 'block', ...over });
const record = (payload: string, over: Partial<CorpusRecord> = {}): CorpusRecord => ({ id: 'r1', payload, kind: 'sqli', expected: 'attack', location: 'any', tier: 'core', source: 's', ...over });

describe('scan encodings (properties)', () => {
  it('url encodings decode back to the payload; unicode escapes parse back as JSON; mixed case keeps the letters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const url = encodeValue(s, 'url', false);
        expect(url === null ? s : decodeURIComponent(url)).toBe(s);
        const twice = encodeValue(s, 'double_url', false);
        expect(twice === null ? s : decodeURIComponent(decodeURIComponent(twice))).toBe(s);
        expect(JSON.parse(`"${unicodeEscape(s)}"`)).toBe(s);
        expect(JSON.parse(jsonString(s, 'unicode_escape'))).toBe(s);
        expect(mixedCase(s).toLowerCase()).toBe(s.toLowerCase());
      }),
    );
  });

  it('an encoding that would change nothing is not applicable (null), so no probe is counted twice', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{0,20}$/), fc.constantFrom(...ENCODINGS.filter((e) => e !== 'plain')), (s, e) => {
        const v = encodeValue(s, e, false);
        expect(v === null || v !== s).toBe(true);
      }),
    );
    expect(encodeValue('abc', 'sql_comment', false)).toBeNull();
    expect(encodeValue("1' or 1=1", 'sql_comment', false)).toBe("1'/**/or/**/1=1");
  });
});

describe('scan planning', () => {
  it('every payload probe carries the probe marker, and a JSON placement parses back to the payload', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom(...ENCODINGS), (payload, encoding) => {
        const value = placePayload(route(), record(payload), 'json_value', encoding);
        if (value === null) return; // encoding not applicable to this payload: nothing is sent
        expect(value.url).toContain(PROBE_MARKER);
        const sent = (JSON.parse(value.body!) as Record<string, string>).q;
        expect(sent).toBe(encodeValue(payload, encoding, true));
      }),
    );
  });

  it('plans deterministically, rotating placements and routes, and skips what cannot be sent', () => {
    const records = Array.from({ length: 40 }, (_, i) => record(`' or ${i}=${i} --`, { id: `r${i}` }));
    const targets = [
      { route: route(), credential: 'session' as const },
      { route: route({ method: 'GET', path: '/v1/list', pathParams: [], bodyTypes: [] }), credential: 'key' as const },
    ];
    const a = planPayloadProbes(records, targets, { extraEncodings: 2 });
    const b = planPayloadProbes(records, targets, { extraEncodings: 2 });
    expect(a).toEqual(b);
    expect(new Set(a.probes.map((p) => p.placement))).toEqual(new Set(['query_value', 'json_value', 'header_value', 'cookie_value', 'path_value']));
    expect(new Set(a.probes.map((p) => p.encoding)).size).toBeGreaterThanOrEqual(5);
    expect(a.probes.every((p) => p.url.includes(PROBE_MARKER))).toBe(true);
    const xml = planPayloadProbes([record('<a/>', { location: 'xml_body' })], targets);
    expect(xml.probes).toEqual([]);
    expect(xml.skipped).toEqual({ 'location xml_body not sent': 1 });
    const header = planPayloadProbes([record('line\r\nbreak', { location: 'header' })], targets);
    expect(header.skipped).toEqual({ 'unsendable at header_value': 1 });
  });

  it('access probes: anonymous and unknown key on every protected route; wrong scope, key on operator route, session on key route', () => {
    const routes = [route(), route({ path: '/v1/k', pathParams: [], access: { kind: 'protected', scopes: ['events:write'], role: null } }), route({ path: '/health', access: { kind: 'public', purpose: 'health' } })];
    const probes = planAuthProbes(routes, { key: true, keyScopes: ['events:read'], session: true });
    expect(probes.map((p) => `${p.route.path} ${p.probe}`).sort()).toEqual(
      ['/v1/k anonymous', '/v1/k key_wrong_scope', '/v1/k session_on_key_route', '/v1/k unknown_key', '/v1/things/{id} anonymous', '/v1/things/{id} key_on_operator_route', '/v1/things/{id} unknown_key'].sort(),
    );
    expect(planErrorProbes([{ route: route(), credential: 'session' }], 1000).map((p) => p.probe)).toContain('huge_body');
  });

  it('reads routes and access from OpenAPI; treats an operation without security as protected', () => {
    const routes = routesFromOpenApi({
      openapi: '3.1.0',
      paths: { '/a/{id}': { get: { security: [{ apiKey: ['x:read'] }, { session: ['viewer'] }] }, post: { 'x-clubos-inspect': 'flag', requestBody: { content: { 'application/json': {} } } } }, '/health': { get: { security: [], 'x-clubos-public': 'health' } } },
    });
    expect(routes).toEqual([
      { method: 'GET', path: '/a/{id}', pathParams: ['id'], queryParams: [], bodyTypes: [], access: { kind: 'protected', scopes: ['x:read'], role: 'viewer' }, inspect: 'block' },
      { method: 'POST', path: '/a/{id}', pathParams: ['id'], queryParams: [], bodyTypes: ['application/json'], access: { kind: 'protected', scopes: null, role: null }, inspect: 'flag' },
      { method: 'GET', path: '/health', pathParams: [], queryParams: [], bodyTypes: [], access: { kind: 'public', purpose: 'health' }, inspect: 'block' },
    ]);
    expect(() => routesFromOpenApi({ swagger: '2.0' })).toThrow(/not an OpenAPI 3 document/);
    expect(pathMatches('/problems/*', '/problems/{code}')).toBe(true);
    expect(pathMatches('/problems/*', '/problems/a/b')).toBe(false);
    expect(pathMatches('/console*', '/console/app.js')).toBe(true);
  });
});

describe('scan findings and scoring', () => {
  const problem = (status: number, type: string) => ({ status, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify({ type }) });

  it('classifies responses: inspector block, parser refusal, pass, back-off, error', () => {
    expect(classifyPayload(problem(400, '/problems/injection-detected'))).toBe('blocked');
    expect(classifyPayload(problem(400, '/problems/malformed-body'))).toBe('refused');
    expect(classifyPayload(problem(400, '/problems/validation-failed'))).toBe('passed');
    expect(classifyPayload({ status: 200, headers: {}, body: '{}' })).toBe('passed');
    expect(classifyPayload(problem(429, '/problems/rate-limited'))).toBe('inconclusive');
    expect(classifyPayload(problem(503, '/problems/overloaded'))).toBe('inconclusive');
    expect(classifyPayload(problem(500, '/problems/internal-error'))).toBe('error');
  });

  it("finds internals but not the probe's own echoed payload", () => {
    expect(findLeaks('{"detail":"at Object.<anonymous> (/srv/app/x.js:3:9)"}').map((l) => l.marker)).toEqual(['stack_frame', 'source_path', 'source_line']);
    expect(findLeaks('{"detail":"relation \\"users\\" does not exist"}').map((l) => l.marker)).toEqual(['sql_error']);
    expect(findLeaks('{"errors":[{"message":"unknown property (select * from users)"}]}', ['select * from users'])).toEqual([]);
    expect(findLeaks('{"title":"Not found"}')).toEqual([]);
  });

  it("accepts ClubOS's own security headers and names each missing one", () => {
    const ok = { status: 200, headers: { ...SECURITY_HEADERS }, body: '' };
    expect(securityHeaderIssues(ok)).toEqual([]);
    expect(securityHeaderIssues({ status: 404, headers: { 'x-powered-by': 'Express' }, body: '' }).map((i) => i.header)).toEqual([
      'content-security-policy',
      'x-content-type-options',
      'strict-transport-security',
      'referrer-policy',
      'cross-origin-opener-policy',
      'x-powered-by',
      'content-type',
    ]);
    expect(cookieIssues({ status: 200, headers: { 'set-cookie': ['s=1; Path=/; HttpOnly; Secure; SameSite=Strict', 'c=2; Path=/'] }, body: '' }, 's')).toEqual([
      { header: 'set-cookie', issue: 'c without Secure' },
      { header: 'set-cookie', issue: 'c without SameSite=Strict|Lax' },
    ]);
    expect(rateLimitIssues({ status: 200, headers: { ratelimit: '"p";r=9;t=60', 'ratelimit-policy': '"p";q=10;w=60' }, body: '' })).toEqual([]);
    expect(rateLimitIssues({ status: 429, headers: {}, body: '' }).map((i) => i.header)).toEqual(['ratelimit-policy', 'ratelimit', 'retry-after']);
  });

  it('thresholds: a clean tally passes; each broken condition is named', () => {
    const r = route();
    const attack = { ...r };
    const obs = {
      auth: [{ probe: { group: 'auth' as const, route: r, probe: 'anonymous' as const, method: 'GET', url: '/', headers: {}, credential: 'none' as const }, response: problem(200, '/x') }],
      payloads: Array.from({ length: 30 }, (_, i) => ({
        probe: { group: 'attack' as const, route: attack, record: record('x', { id: `a${i}` }), placement: 'query_value' as const, encoding: 'plain' as const, method: 'GET', url: '/', headers: {}, credential: 'none' as const },
        response: i < 20 ? problem(400, '/problems/injection-detected') : problem(400, '/problems/validation-failed'),
      })),
      errors: [],
    };
    const report = tallyScan('http://x', { n: 1, public: 0, protected: 1, unauthenticated_open: 0, open: [], unexpected_public: [], flag_only: [], attack_targets: [] }, obs, {});
    expect(report.routes.unauthenticated_open).toBe(1);
    expect(report.attack).toMatchObject({ n: 30, blocked: 20, passed: 10, rate: 0.6667 });
    expect(thresholdFailures(report, DEFAULT_THRESHOLDS)).toEqual([
      '1 route(s) answer without the credentials they require (max 0)',
      'attack block rate 66.7 % < 90.0 %',
      'sqli block rate 66.7 % < 75.0 %',
    ]);
    expect(thresholdFailures(report, { ...DEFAULT_THRESHOLDS, maxOpenRoutes: 1, minBlockRate: 0.6, minKindRate: 0.6 })).toEqual([]);
  });
});
