import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodedVariants } from '../../../src/security/inspector/decode.js';
import { inspectRequestPart } from '../../../src/security/inspector/part.js';
import { defaultPolicy } from '../../../src/security/inspector/policy.js';
import { judgePathTraversal } from '../../../src/security/inspector/rules/pathTraversal.js';

/**
 * Path traversal forms the scanner found passing (issue #9): payloads in the style of public traversal fuzz lists
 * (dotdotpwn), written out here rather than read from the shared corpus.
 */
describe('path traversal: forms that used to pass', () => {
  const cases: [string, string][] = [
    ['hex-literal separators in upper case', '..0X2F..0X2F..0X2F{FILE}'],
    ['hex-literal separators in mixed case', '..0X2f..0x2F..0X2f..0x2F{FiLe}'],
    ['a NUL between the step and the separator', '0x5c0x2e.%00/'],
    ['a current-directory run with mixed separators', './\\/./{FILE}'],
    ['Windows best-fit separator U+EFC8', '..%uEFC8..%uEFC8..%uEFC8{FILE}'],
    ['Windows best-fit separator U+F025', '..%uF025..%uF025..%uF025{FILE}'],
    ['JS escapes hiding overlong UTF-8 dots', '\\u0025c0\\u0025ae\\u0025c0\\u0025ae\\u002f{FILE}'],
    ['JS escapes hiding %u look-alike backslashes', '\\u002e\\u002e\\u0025u2216\\u002e\\u002e\\u0025u2216{FILE}'],
  ];
  for (const [what, payload] of cases) {
    it(`blocks ${what}: ${payload}`, () => {
      const v = inspectRequestPart('any', payload, defaultPolicy);
      expect(v.verdict).toBe('block');
      expect(v.findings.map((f) => f.kind)).toContain('path_traversal');
    });
  }

  it('escapes that reveal percent-encoding are decoded once more', () => {
    expect(decodedVariants('\\u0025c0\\u0025ae')).toEqual(['\\u0025c0\\u0025ae', '%c0%ae', '.']);
  });

  it('any mix of case in hex-literal separators is read as a separator (property)', () => {
    const sep = fc.constantFrom('0x2f', '0X2F', '0x2F', '0X2f', '0x5c', '0X5C');
    fc.assert(
      fc.property(fc.array(sep, { minLength: 2, maxLength: 6 }), fc.stringMatching(/^[a-z]{1,12}$/), (seps, file) => {
        expect(judgePathTraversal(`${seps.map((s) => `..${s}`).join('')}${file}`)?.kind).toBe('path_traversal');
      }),
    );
  });
});

describe('path traversal: ordinary text near the new forms stays clean', () => {
  const clean = [
    'see ./docs and ./src for details',
    'e.g./i.e./etc.',
    'hex 0X2F is a slash',
    'Version 2.0/2.1 notes. Then 3.0\\beta.',
    'C:\\Users\\sam\\Documents\\scores.csv',
    'wait... /still/ nothing',
    'A/B test: ./a vs ./b',
  ];
  for (const text of clean) {
    it(`passes: ${text}`, () => {
      expect(inspectRequestPart('any', text, defaultPolicy).verdict).toBe('clean');
    });
  }
});
