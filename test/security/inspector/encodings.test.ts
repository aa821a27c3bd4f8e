import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cssUnescape, decodedVariants, htmlEntityDecode, percentDecodeLenient, unicodeUnescape } from '../../../src/security/inspector/decode.js';
import { detectText } from '../../../src/security/inspector/detect.js';
import { scanTags } from '../../../src/security/inspector/xss/htmlScan.js';
import { xmlStrings } from '../../../src/security/inspector/xmlText.js';

describe('lenient percent-decoding', () => {
  it('returns text without a percent sign unchanged', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('%')), (s) => {
        expect(percentDecodeLenient(s)).toBe(s);
      }),
    );
  });

  it('decodes well-formed UTF-8 of every length', () => {
    expect(percentDecodeLenient('caf%c3%a9')).toBe('café');
    expect(percentDecodeLenient('%e2%82%ac5')).toBe('€5');
    expect(percentDecodeLenient('%f0%9f%98%80')).toBe('😀');
  });

  it('keeps truncated sequences as Latin-1 bytes and replaces code points past U+10FFFF', () => {
    expect(percentDecodeLenient('%e2%82')).toBe('\u00e2\u0082');
    expect(percentDecodeLenient('%f0%9f%98')).toBe('\u00f0\u009f\u0098');
    expect(percentDecodeLenient('%f0')).toBe('\u00f0');
    expect(percentDecodeLenient('%c3x')).toBe('\u00c3x');
    expect(percentDecodeLenient('%f7%bf%bf%bf')).toBe('\ufffd');
  });

  it('keeps a %u escape whose four characters are not hex', () => {
    expect(percentDecodeLenient('%uZZZZ and %u00')).toBe('%uZZZZ and %u00');
  });
});

describe('entity and escape decoding past the last code point', () => {
  it('keeps numeric entities and \\u{} escapes beyond U+10FFFF as written', () => {
    expect(htmlEntityDecode('&#x110000;&#1114112;&#x41;')).toBe('&#x110000;&#1114112;A');
    expect(unicodeUnescape('\\u{110000}\\u{1F600}')).toBe('\\u{110000}😀');
  });

  it('drops CSS escapes of NUL and of code points past U+10FFFF, as browsers do', () => {
    expect(cssUnescape('\\0 x')).toBe('x');
    expect(cssUnescape('\\110000 y')).toBe('y');
    expect(cssUnescape('\\6a ava')).toBe('java');
  });
});

describe('nested encodings', () => {
  it('decodes entities that hide escapes and doubly encoded entities, and detects what they hide', () => {
    expect(decodedVariants('&#92;u003cscript&#92;u003e')).toEqual(['&#92;u003cscript&#92;u003e', '\\u003cscript\\u003e', '<script>']);
    expect(decodedVariants('&amp;lt;script&amp;gt;')).toEqual(['&amp;lt;script&amp;gt;', '&lt;script&gt;', '<script>']);
    const judged = detectText('&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;', 16_384);
    expect(judged.hits.map((h) => h.kind)).toContain('xss');
  });
});

describe('markup reading', () => {
  it('takes an unterminated quoted attribute value to the end, as a browser does', () => {
    expect(scanTags('<a title="abc')).toEqual([{ name: 'a', closing: false, attributes: [{ name: 'title', value: 'abc' }] }]);
  });

  it('reads single-quoted XML attributes and an unterminated CDATA section', () => {
    expect(xmlStrings(`<a x='1' y="2"><![CDATA[unterminated`)).toEqual(['1', '2', 'unterminated']);
    expect(xmlStrings(`<a x='&lt;b&gt;'/>`)).toEqual(['<b>']);
  });
});
