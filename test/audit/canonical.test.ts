import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson, isJsonValue, NotJsonError } from '../../src/audit/canonical.js';

/** Rebuilds an object with its keys inserted in the reverse order, recursively. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversedKeys(x)]));
}

const json = fc.jsonValue();

describe('canonicalJson', () => {
  it('serialises the RFC 8785 §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const input = { '\u20ac': 'Euro', '\r': 'CR', '\ufb33': 'Dalet', '1': 'One', '\ud83d\ude00': 'Emoji', '\u0080': 'Ctl', '\u00f6': 'O' };
    const expected = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']
      .map((k) => `${JSON.stringify(k)}:${JSON.stringify(input[k as keyof typeof input])}`)
      .join(',');
    expect(canonicalJson(input)).toBe(`{${expected}}`);
  });

  it('prints numbers the ECMAScript way', () => {
    expect(canonicalJson([0, -0, 1e21, 1e-7, 0.000001, 123456789012345680000, 5e-324, -1.5])).toBe(
      '[0,0,1e+21,1e-7,0.000001,123456789012345680000,5e-324,-1.5]',
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(reversedKeys(v))).toBe(canonicalJson(v));
      }),
    );
  });

  it('round-trips: parsing the canonical text gives the same value and the same text again', () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = canonicalJson(v);
        // JSON has no -0 (ECMAScript serialises it as 0): compare with what plain JSON round-trips to.
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('has no whitespace outside strings', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v).replace(/"(?:[^"\\]|\\.)*"/g, '')).not.toMatch(/\s/);
      }),
    );
  });

  it('encodes as UTF-8', () => {
    expect(Buffer.from(canonicalBytes({ a: 'é€😀' })).toString('hex')).toBe(Buffer.from('{"a":"é€😀"}').toString('hex'));
  });

  it.each([
    [{ a: undefined }, 'undefined', '$.a'],
    [{ f: () => 1 }, 'function', '$.f'],
    [[Symbol('s')], 'symbol', '$[0]'],
    [{ n: 10n }, 'bigint', '$.n'],
    [{ x: [1, Number.NaN] }, 'non_finite_number', '$.x[1]'],
    [{ x: Number.POSITIVE_INFINITY }, 'non_finite_number', '$.x'],
    [{ at: new Date(0) }, 'non_plain_object', '$.at'],
    [{ m: new Map() }, 'non_plain_object', '$.m'],
    [{ s: 'a\ud800b' }, 'lone_surrogate', '$.s'],
    [{ '\udc00': 1 }, 'lone_surrogate', '$.\udc00'],
    // biome-ignore lint/suspicious/noSparseArray: the sparse array is the case under test
    [[1, , 3], 'sparse_array', '$[1]'],
  ])('refuses %o with reason %s at %s', (value, reason, path) => {
    expect(() => canonicalJson(value)).toThrow(NotJsonError);
    expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ reason, path }));
    expect(isJsonValue(value)).toBe(false);
  });

  it('refuses a cycle instead of looping', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(expect.objectContaining({ reason: 'cycle', path: '$.self' }));
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
    expect(canonicalJson(Object.assign(Object.create(null), { z: 1, a: 2 }))).toBe('{"a":2,"z":1}');
  });
});
