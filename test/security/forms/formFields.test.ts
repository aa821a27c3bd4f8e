import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM_LIMITS, parseFormFields } from '../../../src/security/formFields.js';

const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];
const name = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !FORBIDDEN.includes(s));
const value = fc.string({ maxLength: 60 });
/** Well-formed UTF-16 only: a lone surrogate cannot be percent-encoded as UTF-8 by any browser. */
const wellFormed = (s: string) => {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
};

describe('form body parsing', () => {
  it('round-trips what URLSearchParams (a browser form) encodes, values byte for byte', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([k]) => k, maxLength: 20 }), (pairs) => {
        fc.pre(pairs.every(([k, v]) => wellFormed(k) && wellFormed(v)));
        const out = parseFormFields(new URLSearchParams(pairs).toString(), DEFAULT_FORM_LIMITS);
        expect(out.kind).toBe('ok');
        expect({ ...(out as { fields: object }).fields }).toEqual(Object.fromEntries(pairs));
      }),
    );
  });

  it('keeps repeated names together, in order, as an array', () => {
    fc.assert(
      fc.property(name, fc.array(value, { minLength: 2, maxLength: 6 }), (k, vs) => {
        fc.pre(wellFormed(k) && vs.every(wellFormed));
        const out = parseFormFields(vs.map((v) => new URLSearchParams([[k, v]]).toString()).join('&'), DEFAULT_FORM_LIMITS);
        expect(out).toEqual({ kind: 'ok', fields: expect.anything() });
        expect((out as { fields: Record<string, unknown> }).fields[k]).toEqual(vs);
      }),
    );
  });

  it('never yields an object with a prototype, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (body) => {
        const out = parseFormFields(body, DEFAULT_FORM_LIMITS);
        expect(out.kind === 'ok' ? Object.getPrototypeOf(out.fields) : null).toBeNull();
      }),
    );
  });

  it.each(FORBIDDEN)('refuses the field name %s, however it is encoded', (n) => {
    const encoded = [...n].map((ch) => `%${ch.charCodeAt(0).toString(16)}`).join('');
    expect(parseFormFields(`a=1&${n}=x`, DEFAULT_FORM_LIMITS)).toEqual({ kind: 'forbidden_name', name: n });
    expect(parseFormFields(`${encoded}=x`, DEFAULT_FORM_LIMITS)).toEqual({ kind: 'forbidden_name', name: n });
  });

  it('refuses more fields than the limit, counting repeats', () => {
    const body = Array.from({ length: 101 }, () => 'a=1').join('&');
    expect(parseFormFields(body, DEFAULT_FORM_LIMITS)).toEqual({ kind: 'too_many_fields', limit: 100 });
    expect(parseFormFields(Array.from({ length: 100 }, () => 'a=1').join('&'), DEFAULT_FORM_LIMITS).kind).toBe('ok');
  });

  it('refuses malformed escapes and empty names instead of guessing', () => {
    expect(parseFormFields('a=%zz', DEFAULT_FORM_LIMITS)).toEqual({ kind: 'malformed', reason: 'bad_escape' });
    expect(parseFormFields('a=%c0%af', DEFAULT_FORM_LIMITS)).toEqual({ kind: 'malformed', reason: 'bad_escape' });
    expect(parseFormFields('=x', DEFAULT_FORM_LIMITS)).toEqual({ kind: 'malformed', reason: 'empty_name' });
    expect(parseFormFields(`${'n'.repeat(201)}=x`, DEFAULT_FORM_LIMITS)).toEqual({ kind: 'malformed', reason: 'name_too_long' });
  });

  it('skips empty segments and gives a bare name the empty value', () => {
    expect(parseFormFields('&a=1&&b&', DEFAULT_FORM_LIMITS)).toEqual({ kind: 'ok', fields: Object.assign(Object.create(null), { a: '1', b: '' }) });
  });
});
