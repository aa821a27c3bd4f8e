import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENCODINGS, MAX_APPLICATION_DECODINGS, encodeValue, harmlessEncoding, jsonString, mixedCase, percentLayers, unicodeEscape } from '../../src/scan/encodings.js';
import { cookieIssues, findLeaks, rateLimitIssues, securityHeaderIssues } from '../../src/scan/findings.js';
import { pathMatches, routesFromOpenApi, type ScanRoute } from '../../src/scan/openapi.js';
import { MAX_PATH_PARAM, PROBE_MARKER, type PayloadProbe, placePayload, planAuthProbes, planErrorProbes, planPayloadProbes } from '../../src/scan/probes.js';
import { classifyPayload, DEFAULT_THRESHOLDS, emptyFlagRoutes, tallyFlagged, tallyScan, thresholdFailures } from '../../src/scan/score.js';
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
    expect(xml.skipped).toEqual({ 'no route takes raw_body': 1 });
    const header = planPayloadProbes([record('line\r\nbreak', { location: 'header' })], targets);
    expect(header.skipped).toEqual({ 'unsendable at header_value': 1 });
  });

  it('sends XML documents and raw-text attacks as text/plain bodies on routes found to parse them', () => {
    const doc = '<?xml version="1.0"?><a probe="1 union select 2"/>';
    const targets = [
      { route: route(), credential: 'session' as const, rawText: true },
      { route: route({ method: 'GET', path: '/v1/list', pathParams: [], bodyTypes: [] }), credential: 'key' as const },
    ];
    const plan = planPayloadProbes([record(doc, { location: 'xml_body' }), record('1 or sleep(5)', { location: 'raw_body' })], targets, { extraEncodings: 0 });
    expect(plan.probes.map((p) => [p.placement, p.route.path, p.headers['content-type'], p.body])).toEqual([
      ['raw_body', '/v1/things/{id}', 'text/plain; charset=utf-8', doc],
      ['raw_body', '/v1/things/{id}', 'text/plain; charset=utf-8', '1 or sleep(5)'],
    ]);
    // Records of any location rotate through raw bodies too, only where a route parses them.
    const any = planPayloadProbes(Array.from({ length: 14 }, (_, i) => record(`' or ${i}=${i} --`, { id: `r${i}` })), targets, { extraEncodings: 0 });
    expect(any.probes.filter((p) => p.placement === 'raw_body').every((p) => p.route.path === '/v1/things/{id}')).toBe(true);
    expect(any.probes.some((p) => p.placement === 'raw_body')).toBe(true);
  });

  it('a payload longer than any id is not sent as a path parameter (the router answers 414) but elsewhere', () => {
    const long = `' or 1=1 -- ${'x'.repeat(MAX_PATH_PARAM)}`;
    expect(placePayload(route(), record(long), 'path_value', 'plain')).toBeNull();
    const plan = planPayloadProbes([record(long, { location: 'path' })], [{ route: route(), credential: 'session' }]);
    expect(plan.probes).toEqual([]);
    expect(plan.skipped).toEqual({ 'unsendable at path_value': 1 });
    // Index 4 of the rotation of `any` is path_value: it falls through to the next placement.
    const records = Array.from({ length: 5 }, (_, i) => record(long, { id: `l${i}` }));
    const rotated = planPayloadProbes(records, [{ route: route(), credential: 'session' }], { extraEncodings: 0 });
    expect(rotated.probes.map((p) => p.placement)).not.toContain('path_value');
    expect(rotated.probes).toHaveLength(5);
  });
});

describe('harmless encodings (an attack turned into something its interpreter does not read as one)', () => {
  it('counts percent layers a payload already carries', () => {
    expect(percentLayers('../../etc/passwd')).toBe(0);
    expect(percentLayers('..%2f..%2f')).toBe(1);
    expect(percentLayers('..%252f')).toBe(2);
    expect(percentLayers('%%32%65%%32%65/')).toBe(2);
    expect(percentLayers('100% sure')).toBe(0);
  });

  it('url encodings add their layers: beyond two decodings in all the probe is harmless', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,6}[/<> ]{1,3}[a-z]{0,4}$/), (s) => {
        expect(percentLayers(encodeURIComponent(s))).toBe(1);
        expect(percentLayers(encodeURIComponent(encodeURIComponent(s)))).toBe(2);
        expect(harmlessEncoding('xss', s, 'double_url', false)).toBeNull();
        expect(harmlessEncoding('xss', encodeURIComponent(s), 'url', false)).toBeNull();
        expect(harmlessEncoding('xss', encodeURIComponent(s), 'double_url', false)).toBe(`double_url of an already encoded payload needs more than ${MAX_APPLICATION_DECODINGS} decodings`);
        // In JSON, \u escapes are undone by the parser: no decoding left to the application.
        expect(harmlessEncoding('xss', encodeURIComponent(encodeURIComponent(s)), 'unicode_escape', true)).toBeNull();
        expect(harmlessEncoding('xss', encodeURIComponent(encodeURIComponent(s)), 'unicode_escape', false)).not.toBeNull();
      }),
    );
  });

  it('SQL comments and mixed case keep attacks only where the interpreter ignores them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENCODINGS), fc.string({ maxLength: 30 }), (encoding, payload) => {
        // SQL reads both, so SQL injection is never passed over except for too many decodings.
        const sqli = harmlessEncoding('sqli', payload, encoding, false);
        expect(sqli === null || sqli.includes('decodings')).toBe(true);
      }),
    );
    expect(harmlessEncoding('path_traversal', 'cat /etc/passwd', 'sql_comment', false)).toBe('/**/ is not whitespace to path_traversal');
    expect(harmlessEncoding('command_injection', ';trap rm SIGEXIT', 'sql_comment', false)).toBe('/**/ is not whitespace to command_injection');
    expect(harmlessEncoding('xss', '<svg onload=alert(1)>', 'sql_comment', false)).toBeNull();
    expect(harmlessEncoding('code_injection', 'process.env', 'mixed_case', false)).toBe('code_injection is case-sensitive');
    expect(harmlessEncoding('prototype_pollution', '__proto__', 'mixed_case', false)).toBe('prototype_pollution is case-sensitive');
    expect(harmlessEncoding('path_traversal', '..\\..\\windows\\win.ini', 'mixed_case', false)).toBeNull();
  });

  it('the planner passes over harmless encodings, counts them, and takes the next one that keeps the attack', () => {
    const records = [record('cat /etc/passwd', { kind: 'path_traversal', id: 'p0' })];
    // Record 0 starts the rotation at url (`url, double_url, unicode_escape, mixed_case, sql_comment, whitespace`).
    const plan = planPayloadProbes(records, [{ route: route(), credential: 'session' }], { extraEncodings: 6 });
    expect(plan.probes.map((p) => p.encoding)).toEqual(['plain', 'url', 'double_url', 'unicode_escape', 'mixed_case', 'whitespace']);
    expect(plan.skipped).toEqual({ 'encoding passed over as harmless: /**/ is not whitespace to path_traversal': 1 });
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
    const report = tallyScan('http://x', { n: 1, public: 0, protected: 1, unauthenticated_open: 0, open: [], unexpected_public: [], flag_only: [], attack_targets: [], raw_text_bodies: [] }, obs, {});
    expect(report.routes.unauthenticated_open).toBe(1);
    expect(report.attack).toMatchObject({ n: 30, blocked: 20, passed: 10, rate: 0.6667 });
    expect(thresholdFailures(report, DEFAULT_THRESHOLDS)).toEqual([
      '1 route(s) answer without the credentials they require (max 0)',
      'attack block rate 66.7 % < 90.0 %',
      'sqli block rate 66.7 % < 75.0 %',
    ]);
    expect(thresholdFailures(report, { ...DEFAULT_THRESHOLDS, maxOpenRoutes: 1, minBlockRate: 0.6, minKindRate: 0.6 })).toEqual([]);
  });

  it('flag routes: flagged and blocked count as detected, told apart; benign flags are false positives; both gated', () => {
    const r = route({ path: '/v1/events', pathParams: [], inspect: 'flag' });
    const probe = (group: 'attack' | 'benign', i: number): PayloadProbe => ({
      group,
      route: r,
      record: record('x', { id: `${group}${i}`, ...(group === 'benign' ? { kind: 'benign_text', expected: 'benign', tier: 'normal' } : {}) }),
      placement: 'json_value',
      encoding: 'plain',
      method: 'POST',
      url: '/v1/events?scan_probe=1',
      headers: {},
      credential: 'key',
    });
    const validation = problem(400, '/problems/validation-failed');
    const obs = [
      ...Array.from({ length: 8 }, (_, i) => ({ probe: probe('attack', i), response: validation, flagged: true })),
      { probe: probe('attack', 8), response: problem(400, '/problems/malformed-body'), flagged: false },
      { probe: probe('attack', 9), response: validation, flagged: false },
      { probe: probe('attack', 10), response: problem(429, '/problems/rate-limited'), flagged: false },
      { probe: probe('benign', 0), response: validation, flagged: true },
      { probe: probe('benign', 1), response: validation, flagged: false },
    ];
    const report = tallyScan('http://x', { n: 1, public: 0, protected: 1, unauthenticated_open: 0, open: [], unexpected_public: [], flag_only: ['POST /v1/events'], attack_targets: [], raw_text_bodies: [] }, { auth: [], payloads: [], errors: [] }, {});
    expect(report.flag_routes).toEqual(emptyFlagRoutes('no flag probe was sent'));
    tallyFlagged(report, obs, 'counter');
    expect(report.flag_routes.attack).toMatchObject({ n: 11, flagged: 8, blocked: 1, passed: 1, inconclusive: 1, rate: 0.9, by_kind: { sqli: { n: 10, detected: 9, rate: 0.9 } } });
    expect(report.flag_routes.attack.missed_examples.map((m) => m.id)).toEqual(['attack9']);
    expect(report.flag_routes.benign).toMatchObject({ n: 2, flagged: 1, rate: 0.5 });
    expect(thresholdFailures(report, DEFAULT_THRESHOLDS)).toEqual([
      'no attack probe reached the inspector (no attack target, or every probe was refused by authentication)',
      'flag-route benign flag rate 50.0 % > 2.0 %',
      '1 of 13 payload probes answered by auth or rate limiting, not the inspector',
    ]);
    expect(thresholdFailures(report, { ...DEFAULT_THRESHOLDS, minBlockRate: 0.95 })).toContain('flag-route attack detection rate 90.0 % < 95.0 %');
  });
});
