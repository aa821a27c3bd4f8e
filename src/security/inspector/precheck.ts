/**
 * The fast path: a short value made only of word characters and `. , : @ + -` (ids, numbers,
 * dates, emails, slugs, tokens) cannot carry any of the attacks the detectors look for, except
 * the prototype keys, which contain `__` or `proto`. One pass over the characters, no allocation.
 * @example isPlainToken('2026-03-01T10:00') // true
 * @example isPlainToken("1' or '1'='1") // false
 */
export function isPlainToken(s: string): boolean {
  // A leading `.` may name a dotfile (`.htaccess`, `.env`).
  if (s.length > 256 || s.charCodeAt(0) === 46) return false;
  let prev = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!word && c !== 45 && c !== 46 && c !== 44 && c !== 58 && c !== 64 && c !== 43 && c !== 95) return false;
    // `..` (traversal), `__` (dunder keys), `--` (SQL comment) and `@@` (SQL variables) need a real look.
    if ((c === 46 || c === 95 || c === 45 || c === 64) && prev === c) return false;
    prev = c;
  }
  // Object-model names reach code injection even in a plain-looking token (`process.env`).
  return s.indexOf('proto') < 0 && s.indexOf('constructor') < 0 && s.indexOf('process') < 0;
}
