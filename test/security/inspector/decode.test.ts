import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Text, cssUnescape, decodedVariants, htmlEntityDecode, percentDecodeLenient, unicodeUnescape } from '../../../src/security/inspector/decode.js';
import { keySegments, parseQueryString } from '../../../src/security/inspector/keyPath.js';
import { isPlainToken } from '../../../src/security/inspector/precheck.js';
import { xmlStrings } from '../../../src/security/inspector/xmlText.js';

/** Any UTF-16 code units, lone surrogates and controls included (fast to generate). */
const anyUtf16 = (max: number) => fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: max }).map((units) => String.fromCharCode(...units));

describe('decoding for detection', () => {
  it('percent-decodes overlong and %u forms the way old decoders did, keeping malformed escapes', () => {
    expect(percentDecodeLenient('..%c0%af..%2fetc')).toBe('../../etc');
    expect(percentDecodeLenient('%c0%2e%c0%2e%c1%9c')).toBe('..\\');
    expect(percentDecodeLenient('%u003cscript%u003e')).toBe('<script>');
    expect(percentDecodeLenient('100% sure %zz')).toBe('100% sure %zz');
  });

  it('decodes numeric entities with or without the semicolon, and the named ones used to hide syntax', () => {
    expect(htmlEntityDecode('javascript&colon;alert&#40;1&#x29;')).toBe('javascript:alert(1)');
    expect(htmlEntityDecode('&#0000106&#0000097')).toBe('ja');
    expect(htmlEntityDecode('fish &chips; &amp; more')).toBe('fish &chips; & more');
  });

  it('decodes JS and CSS escapes', () => {
    expect(unicodeUnescape('\\u003cscript\\x3e\\u{61}')).toBe('<script>a');
    expect(cssUnescape('\\0075\\0072\\006C(\\ja\\vasc\\ript:')).toBe('url(javascript:');
  });

  it('reads base64 only when it decodes to text', () => {
    expect(base64Text('d2hpbGUodHJ1ZSk7Cg==')).toBe('while(true);\n');
    expect(base64Text('ls08e58tnf8b027oo1nr5sv3cc')).toBeNull();
    expect(base64Text('short')).toBeNull();
  });

  it('lists layered decodings, each distinct, starting with the value as received', () => {
    expect(decodedVariants('%253Cscript%253E')).toEqual(['%253Cscript%253E', '%3Cscript%3E', '<script>']);
    expect(decodedVariants('＜script＞')).toEqual(['＜script＞', '<script>']);
    expect(decodedVariants('plain text')).toEqual(['plain text']);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(anyUtf16(100), (s) => {
        expect(decodedVariants(s).length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('parsing request parts', () => {
  it('splits bracketed and dotted keys as qs does', () => {
    expect(keySegments('constructor[prototype][admin]')).toEqual(['constructor', 'prototype', 'admin']);
    expect(keySegments('__proto__.x')).toEqual(['__proto__', 'x']);
    expect(keySegments('user[$ne]')).toEqual(['user', '$ne']);
  });

  it('decodes query-string pairs, keeping malformed escapes as sent', () => {
    expect(parseQueryString('?a=1&b=x+y%20z&c&d=%zz')).toEqual([
      ['a', '1'],
      ['b', 'x y z'],
      ['c', ''],
      ['d', '%zz'],
    ]);
  });

  it('extracts XML attribute values and text, not markup', () => {
    expect(xmlStrings('<?xml version="1.0"?><a probe="1 &quot;x&quot;">hi<![CDATA[<b>]]></a>')).toEqual(['1.0', '1 "x"', 'hi', '<b>']);
  });

  it('lets plain tokens through the pre-check, but not dotfiles, dunders, comments or object-model names', () => {
    for (const s of ['2026-03-01T10:00', 'sam+golf@example.com', 'a1b2c3', 'bay-3']) expect(isPlainToken(s)).toBe(true);
    for (const s of ['.htaccess', '__proto__', '1--', '@@version', 'process.env', 'this.constructor', 'a b']) expect(isPlainToken(s)).toBe(false);
  });
});
