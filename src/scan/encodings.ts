/**
 * Evasion encodings a scanner applies to a payload before placing it. `transport` encodings change only how the
 * value travels (the server sees the original after its standard decoding, e.g. JSON `\u` escapes); `value`
 * encodings change what the application receives (a URL-encoded value, SQL comments for spaces), as attackers
 * do to slip past pattern matchers. An encoding that would not change a payload is not applicable (null).
 */
export const ENCODINGS = ['plain', 'url', 'double_url', 'unicode_escape', 'mixed_case', 'sql_comment', 'whitespace'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const hex4 = (c: number) => c.toString(16).padStart(4, '0');

/** Every character that is not an ASCII letter or digit as `\uXXXX` (UTF-16 units). */
export function unicodeEscape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? s[i] : `\\u${hex4(c)}`;
  }
  return out;
}

/** @example mixedCase('select') // 'SeLeCt' */
export function mixedCase(s: string): string {
  let upper = true;
  let out = '';
  for (const ch of s) {
    if (/[a-z]/i.test(ch)) {
      out += upper ? ch.toUpperCase() : ch.toLowerCase();
      upper = !upper;
    } else out += ch;
  }
  return out;
}

const WHITESPACE = ['\t', '\n', '\x0b', '\x0c', '  '] as const;

/**
 * The value the application should receive for `payload` under `encoding` (for JSON `unicode_escape` the value is
 * unchanged: the escaping happens in the JSON text, see `jsonString`). Null when the encoding changes nothing.
 * @example encodeValue("1' or 1=1", 'sql_comment') // "1'/**\/or/**\/1=1"
 */
export function encodeValue(payload: string, encoding: Encoding, inJson: boolean): string | null {
  let v: string;
  switch (encoding) {
    case 'plain':
      return payload;
    case 'url':
      v = encodeURIComponent(payload);
      break;
    case 'double_url':
      v = encodeURIComponent(encodeURIComponent(payload));
      break;
    case 'unicode_escape':
      if (inJson) return /[^A-Za-z0-9]/.test(payload) ? payload : null;
      v = unicodeEscape(payload);
      break;
    case 'mixed_case':
      v = mixedCase(payload);
      break;
    case 'sql_comment':
      v = payload.replace(/ +/g, '/**/');
      break;
    case 'whitespace': {
      let i = 0;
      v = payload.replace(/ /g, () => WHITESPACE[i++ % WHITESPACE.length]!);
      break;
    }
  }
  return v === payload ? null : v;
}

/** A JSON string literal for `value`; under `unicode_escape` every non-alphanumeric character is a `\u` escape. */
export function jsonString(value: string, encoding: Encoding): string {
  return encoding === 'unicode_escape' ? `"${unicodeEscape(value)}"` : JSON.stringify(value);
}

/** How many decodings an application may plausibly apply to a value beyond its framework's (as the inspector assumes). */
export const MAX_APPLICATION_DECODINGS = 2;

const percentOnce = (s: string): string =>
  s.replace(/%(?:u([0-9a-f]{4})|([0-9a-f]{2}))/gi, (_m, u: string | undefined, x: string | undefined) => String.fromCharCode(Number.parseInt(u ?? x ?? '', 16)));

/**
 * Percent-encoding layers a payload already carries: how many rounds of decoding change it (`%2e` 1, `%252e` 2,
 * `%%32%65` 2), counted up to `max`.
 * @example percentLayers('..%252f') // 2
 */
export function percentLayers(s: string, max = 4): number {
  let layers = 0;
  for (let cur = s; layers < max && cur.indexOf('%') >= 0; layers++) {
    const next = percentOnce(cur);
    if (next === cur) break;
    cur = next;
  }
  return layers;
}

/** Kinds whose interpreters read `/**\/` as whitespace or a comment (SQL, JavaScript, HTML attribute separators). */
const COMMENT_AS_SPACE: ReadonlySet<string> = new Set(['sqli', 'nosql_injection', 'code_injection', 'xss']);
/** Kinds whose interpreters fold case (SQL keywords, HTML names, Windows paths and cmd). */
const CASE_FOLDING: ReadonlySet<string> = new Set(['sqli', 'xss', 'path_traversal', 'command_injection']);

/**
 * Why `encoding` would turn an attack of `kind` into a string that no interpreter of that kind reads as the attack,
 * or null when the encoded form is still the attack. Such probes measure nothing about a defence, so the planner
 * passes over them (and says how many): an application that decodes a value three times, `/**\/` between shell
 * words, `PrOcEsS.EnV` in JavaScript.
 * @example harmlessEncoding('path_traversal', 'cat /etc/passwd', 'sql_comment', false) // '/**\/ is not whitespace to path_traversal'
 * @example harmlessEncoding('sqli', "1' or 1=1", 'sql_comment', false) // null
 */
export function harmlessEncoding(kind: string, payload: string, encoding: Encoding, inJson: boolean): string | null {
  const added = encoding === 'url' ? 1 : encoding === 'double_url' ? 2 : encoding === 'unicode_escape' && !inJson ? 1 : 0;
  if (added > 0) {
    if (percentLayers(payload) + added > MAX_APPLICATION_DECODINGS) return `${encoding} of an already encoded payload needs more than ${MAX_APPLICATION_DECODINGS} decodings`;
  }
  if (encoding === 'sql_comment' && !COMMENT_AS_SPACE.has(kind)) return `/**/ is not whitespace to ${kind}`;
  if (encoding === 'mixed_case' && !CASE_FOLDING.has(kind)) return `${kind} is case-sensitive`;
  return null;
}
