import { describe, expect, it } from 'vitest';
import { inspectRequestPart } from '../../../src/security/inspector/part.js';
import { defaultPolicy } from '../../../src/security/inspector/policy.js';
import type { AttackKind, RequestLocation } from '../../../src/security/inspector/types.js';

/** One unambiguous payload per kind, and the kind the detector should name for it. */
const payloads: Record<AttackKind, string> = {
  sqli: "1' or '1'='1' --",
  xss: '<img src=x onerror=alert(1)>',
  ssti: '{{7*7}}',
  prototype_pollution: '__proto__[isAdmin]',
  command_injection: '; cat /etc/passwd',
  path_traversal: '../../../etc/shadow',
  nosql_injection: '{"$where": "sleep(100)"}',
  code_injection: "require('child_process').exec('id')",
};

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** How a value is placed at each location, the way a client would send it. */
const place: Record<RequestLocation, (p: string) => string> = {
  any: (p) => p,
  query: (p) => p,
  body_form: (p) => p,
  header: (p) => p,
  raw_body: (p) => p,
  multipart_value: (p) => p,
  multipart_filename: (p) => p,
  param_name: (p) => p,
  cookie: (p) => `session=${p}`,
  path: (p) => `/api/bookings/${p}`,
  json_body: (p) => JSON.stringify({ booking: { note: p } }),
  query_string: (p) => `bay=3&note=${encodeURIComponent(p)}`,
  xml_body: (p) => `<?xml version="1.0"?><root><a probe="${xmlEscape(p)}"></a></root>`,
};

describe('each attack kind is detected in every location', () => {
  for (const [kind, payload] of Object.entries(payloads) as [AttackKind, string][]) {
    for (const [location, wrap] of Object.entries(place) as [RequestLocation, (p: string) => string][]) {
      it(`${kind} in ${location}`, () => {
        const v = inspectRequestPart(location, wrap(payload), defaultPolicy);
        expect(v.verdict).toBe('block');
        expect(v.findings.map((f) => f.kind)).toContain(kind);
        expect(v.findings.every((f) => f.location === location)).toBe(true);
      });
    }
  }
});

describe('keys count in structured bodies', () => {
  it('flags a __proto__ key in a JSON body even though the value is harmless', () => {
    const v = inspectRequestPart('json_body', '{"user": {"__proto__": {"admin": true}}}', defaultPolicy);
    expect(v.findings).toContainEqual(expect.objectContaining({ kind: 'prototype_pollution', path: 'user.__proto__' }));
  });

  it('flags constructor.prototype reached through nested JSON keys', () => {
    const v = inspectRequestPart('json_body', '{"a": {"constructor": {"prototype": {"x": 1}}}}', defaultPolicy);
    expect(v.verdict).toBe('block');
    expect(v.findings[0]?.kind).toBe('prototype_pollution');
  });

  it('flags query operators as JSON keys and as bracketed query-string keys', () => {
    expect(inspectRequestPart('json_body', '{"password": {"$ne": null}}', defaultPolicy).findings[0]?.kind).toBe('nosql_injection');
    const qs = inspectRequestPart('query_string', 'user=admin&password[$ne]=x', defaultPolicy);
    expect(qs.findings).toContainEqual(expect.objectContaining({ kind: 'nosql_injection', path: 'password[$ne]' }));
  });

  it('judges a JSON body that does not parse as text', () => {
    expect(inspectRequestPart('json_body', '{"q": "<script>alert(1)</script>"', defaultPolicy).verdict).toBe('block');
  });
});

describe('ordinary requests pass untouched', () => {
  const clean: [RequestLocation, string][] = [
    ['any', "can't get in -- door's locked & it's bay 3, select a time 'please'"],
    ['query', 'Select * from the menu is greyed out?'],
    ['json_body', '{"q": "o\'brien", "sort": "name", "page": 7, "limit": 10}'],
    ['query_string', 'email=sam%2Bgolf%40example.com&from=2026-03-01&to=2026-03-02'],
    ['header', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36'],
    ['cookie', 'session=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9; theme=dark'],
    ['path', '/api/users/123/bookings'],
    ['json_body', '{"html": "<ul><li>Clubs</li><li>Balls</li></ul>", "subject": "See you soon!"}'],
    ['xml_body', '<?xml version="1.0"?><note><to>Front desk</to><body>Bay 4 & 5 -- lights off</body></note>'],
    ['param_name', 'booking[start]'],
  ];
  for (const [location, value] of clean) {
    it(`${location}: ${value.slice(0, 40)}`, () => {
      expect(inspectRequestPart(location, value, defaultPolicy)).toEqual({ verdict: 'clean', score: 0, mode: 'block', findings: [] });
    });
  }
});

describe('policy', () => {
  it('flags instead of blocking on a flag route, with the same findings', () => {
    const block = inspectRequestPart('any', payloads.sqli, defaultPolicy);
    const flag = inspectRequestPart('any', payloads.sqli, { ...defaultPolicy, mode: 'flag' });
    expect(flag.verdict).toBe('flag');
    expect(flag.mode).toBe('flag');
    expect(flag.findings).toEqual(block.findings);
  });

  it('never reports a score below the threshold as an attack', () => {
    const v = inspectRequestPart('any', 'Hello {{firstName}}', defaultPolicy);
    expect(v.score).toBeLessThan(defaultPolicy.threshold);
    expect(v.verdict).toBe('clean');
  });
});
