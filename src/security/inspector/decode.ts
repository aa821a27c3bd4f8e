/**
 * Decoding for DETECTION only: the inspector judges decoded copies and never hands them back.
 * An application (or a browser, or a shell) may decode a value once more than the framework did,
 * so attacks hidden behind percent-encoding, HTML entities, JS escapes or overlong UTF-8 are
 * judged in the form that would finally be interpreted.
 */

const hex = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
};

/**
 * Percent-decodes leniently: `%XX` bytes are decoded as UTF-8 accepting overlong forms
 * (`%c0%af` → `/`, as old decoders did), `%uXXXX` as a UTF-16 unit; malformed `%` stays.
 * @example percentDecodeLenient('..%c0%af..%2fetc') // '../../etc'
 */
export function percentDecodeLenient(s: string): string {
  if (s.indexOf('%') < 0) return s;
  const bytes: number[] = [];
  let out = '';
  const flush = (): void => {
    out += utf8Lenient(bytes);
    bytes.length = 0;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length) {
      const h = hex(s.charCodeAt(i + 1));
      const l = hex(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        bytes.push(h * 16 + l);
        i += 2;
        continue;
      }
      if ((s.charCodeAt(i + 1) | 32) === 117 && i + 5 < s.length) {
        const unit = s.slice(i + 2, i + 6);
        if (/^[0-9a-f]{4}$/i.test(unit)) {
          flush();
          out += String.fromCharCode(Number.parseInt(unit, 16));
          i += 5;
          continue;
        }
      }
    }
    if (bytes.length > 0) flush();
    out += s[i];
  }
  if (bytes.length > 0) flush();
  return out;
}

/** UTF-8 that accepts overlong sequences and maps stray bytes to Latin-1, so nothing is lost. */
function utf8Lenient(b: readonly number[]): string {
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const b0 = b[i]!;
    const cont = (k: number): boolean => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
    if ((b0 === 0xc0 || b0 === 0xc1) && i + 1 < b.length) {
      // Old IIS-style decoders took the low bits of any byte after an overlong lead (`%c0%2e` → `.`).
      const b1 = b[i + 1]!;
      out += String.fromCharCode(b1 < 0x80 ? b1 : ((b0 & 1) << 6) | (b1 & 0x3f));
      i += 1;
    } else if (b0 >= 0xc0 && b0 < 0xe0 && cont(1)) {
      out += String.fromCodePoint(((b0 & 0x1f) << 6) | (b[i + 1]! & 0x3f));
      i += 1;
    } else if (b0 >= 0xe0 && b0 < 0xf0 && cont(1) && cont(2)) {
      out += String.fromCodePoint(((b0 & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
      i += 2;
    } else if (b0 >= 0xf0 && b0 < 0xf8 && cont(1) && cont(2) && cont(3)) {
      const cp = ((b0 & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      i += 3;
    } else out += String.fromCharCode(b0);
  }
  return out;
}

const namedEntities: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  amp: '&',
  colon: ':',
  semi: ';',
  tab: '\t',
  newline: '\n',
  lpar: '(',
  rpar: ')',
  sol: '/',
  bsol: '\\',
  lsqb: '[',
  rsqb: ']',
  lbrack: '[',
  rbrack: ']',
  lcub: '{',
  rcub: '}',
  lbrace: '{',
  rbrace: '}',
  nbsp: ' ',
  grave: '`',
  equals: '=',
  excl: '!',
  comma: ',',
  period: '.',
  num: '#',
  dollar: '$',
  percnt: '%',
  plus: '+',
  ast: '*',
  quest: '?',
  vert: '|',
  hyphen: '-',
  dash: '-',
  lowbar: '_',
};

const entityPattern = /&(?:#(?:x([0-9a-f]{1,6})|([0-9]{1,7}))|([a-z]{2,8}));?/gi;

/**
 * Decodes numeric HTML entities (with or without the `;`, as browsers do) and the named ones an
 * attacker uses to hide syntax. Unknown names stay as written.
 * @example htmlEntityDecode('javascript&colon;alert&#40;1&#x29;') // 'javascript:alert(1)'
 */
export function htmlEntityDecode(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(entityPattern, (m, hx: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return namedEntities[name.toLowerCase()] ?? m;
    const cp = hx !== undefined ? Number.parseInt(hx, 16) : Number(dec);
    return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

const escapePattern = /\\(?:u\{([0-9a-f]{1,6})\}|u([0-9a-f]{4})|x([0-9a-f]{2}))/gi;

/**
 * Decodes JavaScript/JSON-style `\uXXXX`, `\u{X}` and `\xXX` escapes.
 * @example unicodeUnescape('\\u003cscript\\x3e') // '<script>'
 */
export function unicodeUnescape(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  return s.replace(escapePattern, (m, braced: string | undefined, u4: string | undefined, x2: string | undefined) => {
    const cp = Number.parseInt(braced ?? u4 ?? x2 ?? '', 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

const cssEscape = /\\(?:([0-9a-f]{1,6})\s?|([^\n0-9a-f]))/gi;

/**
 * Decodes CSS escapes (`\\6a` → `j`, `\\a` → `a`... as in `\\ja\\vasc\\ript:`), which style
 * sheets apply before interpreting a value.
 * @example cssUnescape('\\0075\\0072\\006C(') // 'url('
 */
export function cssUnescape(s: string): string {
  return s.replace(cssEscape, (_m, hx: string | undefined, ch: string | undefined) => {
    if (ch !== undefined) return ch;
    const cp = Number.parseInt(hx ?? '', 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

const nonAscii = /[^\x00-\x7f]/;

/**
 * The distinct forms of a value worth judging: as received, then each decoding layered on the
 * previous (percent up to twice more, entities, escapes). Cheap when nothing is encoded.
 * @example decodedVariants('%253Cscript%253E') // ['%253Cscript%253E', '%3Cscript%3E', '<script>']
 */
export function decodedVariants(s: string): string[] {
  const out = [s];
  let cur = s;
  for (let round = 0; round < 2 && cur.indexOf('%') >= 0; round++) {
    const next = percentDecodeLenient(cur);
    if (next === cur) break;
    out.push(next);
    cur = next;
  }
  const ent = htmlEntityDecode(unicodeUnescape(cur));
  if (ent !== cur) {
    out.push(ent);
    // Entities can hide escapes and vice versa; one more pass settles the common nestings.
    const again = unicodeUnescape(htmlEntityDecode(ent));
    if (again !== ent) out.push(again);
    // Escapes can hide percent-encoding (`\u0025c0\u0025ae` is `%c0%ae`): decode what they revealed once.
    const revealed = out[out.length - 1]!;
    if (revealed.indexOf('%') >= 0) {
      const unpercent = percentDecodeLenient(revealed);
      if (unpercent !== revealed) out.push(unpercent);
    }
  }
  const last = out[out.length - 1]!;
  // Fullwidth and compatibility forms (`＜script＞`) fold to ASCII under NFKC, as some back ends do.
  if (nonAscii.test(last)) {
    const folded = last.normalize('NFKC');
    if (folded !== last) out.push(folded);
  }
  // US-ASCII with the high bit set (`¼script¾`): browsers told the page is US-ASCII drop that bit.
  if (last.indexOf('\u00bc') >= 0 || last.indexOf('\u00be') >= 0) {
    out.push(last.replace(/[\u0080-\u00ff]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) & 0x7f)));
  }
  if (last.indexOf('\\') >= 0) {
    const css = cssUnescape(out[out.length - 1]!);
    if (css !== out[out.length - 1]) out.push(css);
  }
  return out;
}

const base64Shape = /^[A-Za-z0-9+/]{12,}={0,2}$/;

/**
 * Decodes a value that is entirely standard base64 (cookies and tokens often are) when the result
 * is readable text; random tokens decode to binary and yield null, so they cost one check.
 * @example base64Text('d2hpbGUodHJ1ZSk7Cg==') // 'while(true);\n'
 * @example base64Text('ls08e58tnf8b027oo1nr5sv3cc') // null
 */
export function base64Text(s: string): string | null {
  if (s.length % 4 !== 0 || s.length > 8192 || !base64Shape.test(s)) return null;
  const text = Buffer.from(s, 'base64').toString('latin1');
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 10 || c === 13 || c === 9) printable++;
  }
  return text.length > 0 && printable / text.length >= 0.95 ? text : null;
}
