/**
 * Splits a form/query key the way `qs` and friends expand it: `user[$ne]` → `user`, `$ne`;
 * `__proto__.x` → `__proto__`, `x`; `a[b][]` → `a`, `b`.
 * @example keySegments('constructor[prototype][admin]') // ['constructor', 'prototype', 'admin']
 */
export function keySegments(key: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i]!;
    if (ch === '[' || ch === ']' || ch === '.') {
      if (cur.length > 0) out.push(cur.trim().replace(/^["']|["']$/g, ''));
      cur = '';
    } else cur += ch;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * Splits a raw `k=v&k2=v2` string into decoded pairs (`+` is a space, malformed `%` is kept).
 * @example parseQueryString('a=1&b=x%20y') // [['a', '1'], ['b', 'x y']]
 */
export function parseQueryString(raw: string): [string, string][] {
  const out: [string, string][] = [];
  const body = raw.startsWith('?') ? raw.slice(1) : raw;
  for (const part of body.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decodeComponent(k), decodeComponent(v)]);
  }
  return out;
}

function decodeComponent(s: string): string {
  const spaced = s.indexOf('+') >= 0 ? s.replace(/\+/g, ' ') : s;
  if (spaced.indexOf('%') < 0) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
