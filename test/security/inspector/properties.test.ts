import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodedVariants } from '../../../src/security/inspector/decode.js';
import { inspectRequestPart } from '../../../src/security/inspector/part.js';
import { defaultPolicy } from '../../../src/security/inspector/policy.js';
import { inspectRequest } from '../../../src/security/inspector/request.js';
import { requestLocations } from '../../../src/security/inspector/types.js';

/** Any UTF-16 code units, lone surrogates and controls included (fast to generate). */
const anyUtf16 = (max: number) => fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: max }).map((units) => String.fromCharCode(...units));

/**
 * Customer texts as people write them to a venue: phrases that use SQL, shell and HTML words in
 * their everyday sense, joined with the punctuation people type (quotes, `--`, `&`, `;`, `#`).
 */
const phrase = fc.constantFrom(
  "can't get in",
  "door's locked",
  "it's bay 3",
  'select a time please',
  'can you select 2 bays for us',
  "I'll drop off the key",
  'drop the clubs at the front',
  'please update my card',
  'delete my booking for tonight',
  'union members get a discount?',
  'where is bay 3',
  'order by phone?',
  'group of 6 from 7 to 9',
  'not working',
  'is it free or booked',
  'like last time',
  'the exec team wants a Friday slot',
  'call me @ (416) 555-0140',
  'ping me when ready',
  'the cat is in the lobby lol',
  "I'll head out",
  'the script on the screen is frozen',
  'sleep mode again',
  'table for 4',
  'my membership # is 52282',
  'heater stuck on HIGH',
  "we're 'regulars'",
  'the "VIP" bay',
  'refund :(',
  '10:00-11:30',
  '7:30 p.m. instead of 19:30',
  '1/2 our group is late',
  'thanks a ton!!!',
  'is that normal?',
  'select * seems greyed out',
  'water near bays 2 & 3',
  'tried 3 times... still locked',
  'lights on/off',
  'it said <error> on screen',
  'AND another thing',
);
const joiner = fc.constantFrom(' ', ' -- ', ' & ', '; ', ', ', '! ', '? ', ' (not urgent) ', ' #', " 'please' ", ' - ');
const customerText = fc
  .tuple(phrase, fc.array(fc.tuple(joiner, phrase), { maxLength: 4 }), fc.constantFrom('', '?', '!', ' --', ' :)', '...'))
  .map(([first, rest, end]) => first + rest.map(([j, p]) => j + p).join('') + end);

describe('inspector properties', () => {
  it('never throws, whatever the location and the bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...requestLocations), anyUtf16(200), (location, value) => {
        const v = inspectRequestPart(location, value, defaultPolicy);
        expect(['clean', 'block']).toContain(v.verdict);
        expect(v.score).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps customer-style texts clean, even with SQL words, quotes, dashes and ampersands', () => {
    fc.assert(
      fc.property(customerText, (text) => {
        expect(inspectRequestPart('any', text, defaultPolicy).verdict).toBe('clean');
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same verdict whatever the order of object keys', () => {
    const entries = fc.uniqueArray(
      fc.tuple(fc.constantFrom('q', 'note', '__proto__', 'user', '$ne', 'bay', 'constructor'), fc.constantFrom('x', "1' or '1'='1", '<b>hi</b>', { prototype: {} }, '../../a', 3)),
      { selector: ([k]) => k, maxLength: 6 },
    );
    fc.assert(
      fc.property(entries, (pairs) => {
        const forward = Object.fromEntries(pairs);
        const backward = Object.fromEntries([...pairs].reverse());
        const a = inspectRequest({ body: forward, query: forward }, defaultPolicy);
        const b = inspectRequest({ body: backward, query: backward }, defaultPolicy);
        expect(b.verdict).toBe(a.verdict);
        expect(b.score).toBe(a.score);
        const key = (f: { rule: string; path: string }): string => `${f.rule}@${f.path}`;
        expect(b.findings.map(key).sort()).toEqual(a.findings.map(key).sort());
      }),
    );
  });

  it('never changes the request it inspects', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string(), fc.string()), (body, query) => {
        const before = JSON.stringify({ body, query });
        inspectRequest({ body, query }, defaultPolicy);
        expect(JSON.stringify({ body, query })).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('always keeps the value as received as the first form judged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const forms = decodedVariants(s);
        expect(forms[0]).toBe(s);
        expect(new Set(forms).size).toBe(forms.length);
      }),
    );
  });

  it('does not lower the score when an attack is appended to a clean value', () => {
    fc.assert(
      fc.property(customerText, fc.constantFrom("' or 1=1 --", ' <script>alert(1)</script>', ' ; cat /etc/passwd', ' {{7*7}}'), (text, attack) => {
        const clean = inspectRequestPart('any', text, defaultPolicy);
        const attacked = inspectRequestPart('any', `${text}${attack}`, defaultPolicy);
        expect(attacked.score).toBeGreaterThanOrEqual(clean.score);
      }),
      { numRuns: 500 },
    );
  });
});

describe('inspector cost', () => {
  it('judges 16 KB of repeated attack fragments in bounded time (no quadratic scans)', () => {
    for (const unit of ['${', '{{', '../', "'", '<a ', 'if (', '$(', 'style=', 'select ', '&#x']) {
      const value = unit.repeat(Math.ceil(16_000 / unit.length));
      const start = performance.now();
      inspectRequestPart('any', value, defaultPolicy);
      inspectRequestPart('query_string', value, defaultPolicy);
      expect({ unit, slow: performance.now() - start > 400 }).toEqual({ unit, slow: false });
    }
  });
});
