/**
 * What a response may not contain or lack: internals in error bodies, missing security headers, cookies without
 * their flags, missing RateLimit headers. Pure checks over a response's status, headers and body.
 */
export interface ScanResponse {
  readonly status: number;
  /** Lower-case header names; `set-cookie` may repeat. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
}

/** Strings that betray internals: stack frames, source paths, SQL and driver errors, framework codes. */
export const LEAK_MARKERS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'stack_frame', pattern: /\bat [\w$.<>]+ \(?[^\s()]+:\d+:\d+\)?/ },
  { name: 'node_modules_path', pattern: /node_modules[\\/]/ },
  { name: 'source_path', pattern: /(?:\/(?:home|root|usr|var|opt|srv|work|app|tmp)\/[\w./-]+|[A-Z]:\\[\w\\.-]+)\.(?:[cm]?js|ts)\b/ },
  { name: 'source_line', pattern: /\.[cm]?[jt]s:\d+(?::\d+)?/ },
  { name: 'sql_text', pattern: /\b(?:select|insert into|update|delete from)\b[^"]{0,200}\b(?:from|where|values|set)\b/i },
  { name: 'sql_error', pattern: /relation \\?"[^"\\]+\\?" does not exist|syntax error at or near|duplicate key value violates|violates (?:foreign key|check|not-null) constraint/i },
  { name: 'driver_error', pattern: /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)\b|\bpglite\b|\bioredis\b|\bKysely\b/i },
  { name: 'framework_code', pattern: /\bFST_[A-Z_]+\b|\bERR_[A-Z][A-Z_]{3,}\b/ },
  { name: 'js_error_name', pattern: /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): / },
];

export interface Leak {
  readonly marker: string;
  readonly excerpt: string;
}

/** @example findLeaks('{"detail":"at Object.<anonymous> (/app/x.js:3:9)"}')[0]?.marker // 'stack_frame' */
export function findLeaks(body: string, echoed: readonly string[] = []): Leak[] {
  // A probe's own payload echoed back (a rejected key name, say) is not an internal detail.
  for (const e of echoed) {
    if (e.length === 0) continue;
    for (const form of [e, JSON.stringify(e).slice(1, -1)]) body = body.split(form).join(' ');
  }
  const out: Leak[] = [];
  for (const { name, pattern } of LEAK_MARKERS) {
    const m = pattern.exec(body);
    if (m) out.push({ marker: name, excerpt: body.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40) });
  }
  return out;
}

export interface HeaderIssue {
  readonly header: string;
  readonly issue: string;
}

const header = (r: ScanResponse, name: string): string | undefined => {
  const v = r.headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : (v as string);
};

/** Headers every response of an API and operator console should carry (values checked where it matters). */
export function securityHeaderIssues(r: ScanResponse): HeaderIssue[] {
  const out: HeaderIssue[] = [];
  const csp = header(r, 'content-security-policy');
  if (!csp) out.push({ header: 'content-security-policy', issue: 'missing' });
  else {
    if (/'unsafe-inline'|'unsafe-eval'/.test(csp) && /script-src[^;]*'unsafe-(?:inline|eval)'/.test(csp)) out.push({ header: 'content-security-policy', issue: 'allows inline or eval scripts' });
    if (!/frame-ancestors\s+'none'|frame-ancestors\s+'self'/.test(csp) && !header(r, 'x-frame-options')) out.push({ header: 'content-security-policy', issue: 'no frame-ancestors and no x-frame-options' });
  }
  if (header(r, 'x-content-type-options')?.toLowerCase() !== 'nosniff') out.push({ header: 'x-content-type-options', issue: 'missing or not nosniff' });
  const hsts = header(r, 'strict-transport-security');
  const maxAge = hsts ? Number(/max-age=(\d+)/i.exec(hsts)?.[1] ?? 0) : 0;
  if (maxAge < 15_552_000) out.push({ header: 'strict-transport-security', issue: hsts ? 'max-age below 180 days' : 'missing' });
  if (!header(r, 'referrer-policy')) out.push({ header: 'referrer-policy', issue: 'missing' });
  if (!header(r, 'cross-origin-opener-policy')) out.push({ header: 'cross-origin-opener-policy', issue: 'missing' });
  if (header(r, 'x-powered-by') !== undefined) out.push({ header: 'x-powered-by', issue: 'present (names the framework)' });
  const server = header(r, 'server');
  if (server !== undefined && /\d/.test(server)) out.push({ header: 'server', issue: 'names a version' });
  if (r.status >= 400 && !/^application\/problem\+json/.test(header(r, 'content-type') ?? '')) out.push({ header: 'content-type', issue: `error ${r.status} is not application/problem+json` });
  return out;
}

/** Set-Cookie attributes: every cookie Secure with SameSite; the session cookie also HttpOnly. */
export function cookieIssues(r: ScanResponse, sessionCookie: string | null): HeaderIssue[] {
  const raw = r.headers['set-cookie'];
  const cookies = raw === undefined ? [] : Array.isArray(raw) ? (raw as string[]) : [raw as string];
  const out: HeaderIssue[] = [];
  for (const c of cookies) {
    const [pair = '', ...attrs] = c.split(';').map((s) => s.trim());
    const name = pair.split('=')[0] ?? '';
    const has = (a: string) => attrs.some((x) => x.toLowerCase() === a || x.toLowerCase().startsWith(`${a}=`));
    const sameSite = attrs.find((x) => x.toLowerCase().startsWith('samesite='))?.split('=')[1]?.toLowerCase();
    if (!has('secure')) out.push({ header: 'set-cookie', issue: `${name} without Secure` });
    if (sameSite !== 'strict' && sameSite !== 'lax') out.push({ header: 'set-cookie', issue: `${name} without SameSite=Strict|Lax` });
    if (name === sessionCookie && !has('httponly')) out.push({ header: 'set-cookie', issue: `${name} (session) without HttpOnly` });
  }
  return out;
}

/** IETF RateLimit headers on a rate-limited (non-health) response: `RateLimit` and `RateLimit-Policy`. */
export function rateLimitIssues(r: ScanResponse): HeaderIssue[] {
  const out: HeaderIssue[] = [];
  const policy = header(r, 'ratelimit-policy');
  const limit = header(r, 'ratelimit');
  if (!policy) out.push({ header: 'ratelimit-policy', issue: 'missing' });
  if (!limit) out.push({ header: 'ratelimit', issue: 'missing' });
  else if (!/\br=\d+/.test(limit) || !/\bt=\d+/.test(limit)) out.push({ header: 'ratelimit', issue: `not in the r=…;t=… form: ${limit.slice(0, 60)}` });
  if (r.status === 429 && !header(r, 'retry-after')) out.push({ header: 'retry-after', issue: '429 without Retry-After' });
  return out;
}
