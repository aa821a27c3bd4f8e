import { htmlEntityDecode } from '../decode.js';

/** One start (or end) tag as a browser's tokenizer would see it. */
export interface HtmlTag {
  readonly name: string;
  readonly closing: boolean;
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
}

const MAX_TAGS = 64;
const isTagNameStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 58;
// Browsers end names and attribute names at whitespace, `/` and `>`; NUL and control chars are whitespace enough for us.
const isBreak = (ch: string): boolean => ch <= ' ' || ch === '/' || ch === '>';

/**
 * Tokenizes the tags in `s` the way an HTML parser would (lenient: unclosed tags run to the end,
 * attributes split on whitespace or `/`, values quoted with `"`, `'` or a backtick, or bare).
 * @example scanTags('<img src=x onerror=alert(1)>')[0]?.attributes.map((a) => a.name) // ['src', 'onerror']
 */
export function scanTags(s: string): HtmlTag[] {
  const tags: HtmlTag[] = [];
  let i = s.indexOf('<');
  while (i >= 0 && i < s.length && tags.length < MAX_TAGS) {
    let j = i + 1;
    while (s.charCodeAt(j) === 0) j++;
    const closing = s[j] === '/';
    if (closing) j++;
    if (!isTagNameStart(s.charCodeAt(j))) {
      i = s.indexOf('<', i + 1);
      continue;
    }
    const nameStart = j;
    while (j < s.length && !isBreak(s[j]!) && s[j] !== '<') j++;
    const name = s.slice(nameStart, j).toLowerCase();
    const attributes: { name: string; value: string }[] = [];
    j = readAttributes(s, j, attributes);
    tags.push({ name, closing, attributes });
    i = s.indexOf('<', Math.max(j, i + 1));
  }
  return tags;
}

function readAttributes(s: string, from: number, out: { name: string; value: string }[]): number {
  let j = from;
  while (j < s.length && s[j] !== '>' && out.length < 32) {
    const ch = s[j]!;
    if (ch <= ' ' || ch === '/' || ch === '"' || ch === "'") {
      j++;
      continue;
    }
    if (ch === '<') return j;
    const nameStart = j;
    while (j < s.length && !isBreak(s[j]!) && s[j] !== '=') j++;
    if (j === nameStart) j++;
    const name = s.slice(nameStart, j).toLowerCase();
    while (j < s.length && s[j]! <= ' ') j++;
    let value = '';
    if (s[j] === '=') {
      j++;
      while (j < s.length && s[j]! <= ' ') j++;
      const q = s[j];
      if (q === '"' || q === "'" || q === '`') {
        const close = s.indexOf(q, j + 1);
        const end = close < 0 ? s.length : close;
        value = s.slice(j + 1, end);
        j = end + 1;
      } else {
        const start = j;
        while (j < s.length && s[j]! > ' ' && s[j] !== '>') j++;
        value = s.slice(start, j);
      }
    }
    out.push({ name, value: htmlEntityDecode(value) });
  }
  return j;
}
