import fc from 'fast-check';

/** Arbitrary request parts that a hostile or broken client could send: values, encodings, sizes, shapes. */
const nasty = fc.constantFrom(
  '',
  ' ',
  '%',
  '%zz',
  '%00',
  '%c0%af',
  '..%2f..%2fetc%2fpasswd',
  '__proto__',
  'constructor',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '\u0000',
  '\u202e',
  '😀',
  'a'.repeat(5000),
  '[]',
  '{}',
  'null',
  '-1',
  '1e309',
  'NaN',
);

export const fuzzString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), nasty);

export const fuzzJsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fuzzString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  fc.constant({ __proto__: { admin: true } }),
);

/** A raw body: JSON of any shape, malformed JSON, or binary noise. */
export const fuzzBody = fc.oneof(
  fuzzJsonValue.map((v) => ({ payload: JSON.stringify(v) ?? 'null', type: 'application/json' })),
  fuzzString.map((s) => ({ payload: s, type: 'application/json' })),
  fc.constant({ payload: '{"__proto__":{"x":1}}', type: 'application/json' }),
  fc.constant({ payload: `${'['.repeat(2000)}${']'.repeat(2000)}`, type: 'application/json' }),
  fuzzString.map((s) => ({ payload: s, type: 'application/x-www-form-urlencoded' })),
  fuzzString.map((s) => ({ payload: s, type: 'text/plain' })),
  fc.constantFrom('application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '').map((type) => ({ payload: 'x', type })),
);

export const fuzzQuery = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fuzzString, { maxKeys: 4 }).map((d) =>
    Object.entries(d)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&'),
  ),
  fc.constantFrom('a=1&a=2', 'x[__proto__][y]=1', '%', '%%', '&&&', '=', 'a[$ne]=1', 'limit=-1', 'limit=99999999999999999999'),
);

export const fuzzHeaders = fc.record(
  {
    authorization: fc.oneof(fuzzString, fc.constantFrom('Bearer ', 'Bearer clubos_live_x_00000000', 'Basic Zm9vOmJhcg==')),
    cookie: fc.oneof(fuzzString, fc.constant('clubos_session=deadbeef; clubos_csrf=x')),
    'x-request-id': fuzzString,
    'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), fuzzString),
    'idempotency-key': fuzzString,
  },
  { requiredKeys: [] },
);

/** Path parameter values, substituted into `:param` segments. */
export const fuzzPathValue = fc.oneof(fc.uuid(), fc.integer().map(String), fuzzString.filter((s) => s.length > 0 && !s.includes('/')));

export function fillPath(url: string, values: readonly string[]): string {
  let i = 0;
  return url.replace(/:[A-Za-z0-9_]+/g, () => encodeURIComponent(values[i++ % values.length] ?? 'x'));
}

/** Header values must be latin-1 without CR/LF to be sendable at all. */
export function sendableHeaders(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\x20-\x7e\x80-\xff]*$/.test(v)));
}
