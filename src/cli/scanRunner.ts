import type { CorpusRecord } from '../security/inspector/corpus.js';
import { cookieIssues, findLeaks, rateLimitIssues, type ScanResponse, securityHeaderIssues } from '../scan/findings.js';
import { OpenApiError, type ScanRoute, pathMatches, routesFromOpenApi } from '../scan/openapi.js';
import { type Credential, type ProbeRequest, UNKNOWN_KEY, baselineProbe, planAuthProbes, planErrorProbes, planPayloadProbes } from '../scan/probes.js';
import { type ScanReport, addIssues, addLeaks, problemType, tallyScan } from '../scan/score.js';

/**
 * The scanner's I/O edge: fetches `/openapi.json`, signs in, sends the planned probes with bounded concurrency
 * and hands the responses to the pure scoring in `scan/`.
 */
export interface ScanTarget {
  readonly base: string;
  readonly key: string | null;
  readonly keyScopes: readonly string[] | null;
  readonly login: { readonly username: string; readonly password: string } | null;
}

export interface CookieJar {
  cookie: string | null;
  csrf: string | null;
}

export interface RunOptions {
  readonly concurrency: number;
  readonly extraEncodings: number;
  readonly allowPublic: readonly string[];
  readonly bodyLimitBytes: number;
  readonly timeoutMs: number;
  readonly progress: ((line: string) => void) | null;
}

export type ScanOutcome = { kind: 'done'; report: ScanReport } | { kind: 'unreachable'; reason: string };

const UNSENDABLE: ScanResponse = { status: 0, headers: {}, body: '' };

async function send(base: string, req: ProbeRequest, target: ScanTarget, jar: CookieJar, timeoutMs: number): Promise<ScanResponse> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.credential === 'key' && target.key) headers.authorization = `Bearer ${target.key}`;
  if (req.credential === 'bad_key') headers.authorization = `Bearer ${UNKNOWN_KEY}`;
  if (req.credential === 'session' && jar.cookie) {
    headers.cookie = headers.cookie ? `${jar.cookie}; ${headers.cookie}` : jar.cookie;
    if (jar.csrf) headers['x-csrf-token'] = jar.csrf;
  }
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(base + req.url, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      // Header values fetch refuses to send, or a server that closed the connection: the probe is unsendable.
      if (e instanceof TypeError && /header|ByteString|invalid/i.test(e.message)) return UNSENDABLE;
      return { status: 0, headers: {}, body: String((e as Error).message) };
    }
    const body = await res.text().catch(() => '');
    const out: Record<string, string | string[]> = {};
    res.headers.forEach((v, k) => {
      out[k] = v;
    });
    const cookies = res.headers.getSetCookie();
    if (cookies.length > 0) out['set-cookie'] = cookies;
    if ((res.status === 429 || (res.status === 503 && /overloaded/.test(body))) && attempt < 2) {
      const wait = Math.min(5, Number(res.headers.get('retry-after') ?? '1') || 1);
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    return { status: res.status, headers: out, body };
  }
}

async function sendAll<P extends ProbeRequest>(probes: readonly P[], run: (p: P) => Promise<ScanResponse>, concurrency: number): Promise<{ probe: P; response: ScanResponse }[]> {
  const out: { probe: P; response: ScanResponse }[] = new Array(probes.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, probes.length) }, async () => {
      while (next < probes.length) {
        const i = next++;
        out[i] = { probe: probes[i]!, response: await run(probes[i]!) };
      }
    }),
  );
  return out;
}

const label = (r: ScanRoute) => `${r.method} ${r.path}`;

export async function runScan(target: ScanTarget, records: readonly CorpusRecord[], jar: CookieJar, opts: RunOptions): Promise<ScanOutcome> {
  const run = (p: ProbeRequest) => send(target.base, p, target, jar, opts.timeoutMs);
  const progress = opts.progress ?? (() => {});

  let doc: Record<string, unknown>;
  try {
    const res = await fetch(`${target.base}/openapi.json`, { signal: AbortSignal.timeout(opts.timeoutMs) });
    if (!res.ok) return { kind: 'unreachable', reason: `GET /openapi.json answered ${res.status}` };
    doc = (await res.json()) as Record<string, unknown>;
  } catch (e) {
    return { kind: 'unreachable', reason: `cannot read ${target.base}/openapi.json: ${(e as Error).message}` };
  }
  let routes: ScanRoute[];
  try {
    routes = routesFromOpenApi(doc);
  } catch (e) {
    if (e instanceof OpenApiError) return { kind: 'unreachable', reason: e.message };
    throw e;
  }
  const schemes = ((doc.components as Record<string, unknown> | undefined)?.securitySchemes ?? {}) as Record<string, { name?: string }>;
  const sessionCookie = schemes.session?.name ?? null;
  const issues: { list: ReturnType<typeof securityHeaderIssues>; where: string }[] = [];

  // Sign in (the session's cookies are checked for their flags).
  if (target.login) {
    const loginRoute = routes.find((r) => r.access.kind === 'public' && r.access.purpose === 'login' && r.method === 'POST');
    if (!loginRoute) return { kind: 'unreachable', reason: 'the server documents no login route' };
    const res = await send(target.base, { method: 'POST', url: loginRoute.path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(target.login), credential: 'none' }, target, jar, opts.timeoutMs);
    if (res.status !== 200) return { kind: 'unreachable', reason: `sign-in as ${target.login.username} answered ${res.status}` };
    const setCookie = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []);
    jar.cookie = setCookie.map((c) => c.split(';')[0]!).join('; ');
    jar.csrf = ((JSON.parse(res.body) as { csrfToken?: string }).csrfToken ?? null) as string | null;
    issues.push({ list: cookieIssues(res, sessionCookie), where: `POST ${loginRoute.path}` });
    if (sessionCookie && !setCookie.some((c) => c.startsWith(`${sessionCookie}=`))) issues.push({ list: [{ header: 'set-cookie', issue: `sign-in set no ${sessionCookie} cookie` }], where: `POST ${loginRoute.path}` });
  }

  // Which routes each credential reaches: a probe refused by validation got past authentication and the inspector.
  progress(`scan: ${routes.length} routes; finding what the credentials reach…`);
  const credentials: Credential[] = ['none', ...(target.key ? (['key'] as const) : []), ...(jar.cookie ? (['session'] as const) : [])];
  const targets: { route: ScanRoute; credential: Credential }[] = [];
  const flagOnly: string[] = [];
  for (const route of routes) {
    const usable = route.access.kind === 'public' ? (['none'] as Credential[]) : credentials.filter((c) => c !== 'none');
    for (const credential of usable) {
      const res = await run(baselineProbe(route, credential));
      issues.push({ list: securityHeaderIssues(res), where: label(route) });
      if (problemType(res) !== '/problems/validation-failed') continue;
      // Past authentication, a protected route's answer carries the client's quota.
      if (route.access.kind === 'protected') issues.push({ list: rateLimitIssues(res), where: `${label(route)} (${credential})` });
      if (route.inspect === 'flag') flagOnly.push(label(route));
      else targets.push({ route, credential });
      break;
    }
  }

  const unexpectedPublic = routes.filter((r) => r.access.kind === 'public' && !opts.allowPublic.some((p) => pathMatches(p, r.path))).map(label);
  const authProbes = planAuthProbes(routes, { key: target.key !== null, keyScopes: target.keyScopes, session: jar.cookie !== null });
  progress(`scan: ${authProbes.length} access probes…`);
  const auth = await sendAll(authProbes, run, opts.concurrency);

  const plan = planPayloadProbes(records, targets, { extraEncodings: opts.extraEncodings });
  progress(`scan: ${plan.probes.length} payload probes on ${targets.length} routes…`);
  const payloadsSent = await sendAll(plan.probes, run, opts.concurrency);
  const skipped = { ...plan.skipped };
  const payloads = payloadsSent.filter((p) => {
    if (p.response.status !== 0) return true;
    skipped['refused by the HTTP client'] = (skipped['refused by the HTTP client'] ?? 0) + 1;
    return false;
  });

  const errorProbes = planErrorProbes(targets, opts.bodyLimitBytes);
  const errors = await sendAll(errorProbes, run, Math.min(2, opts.concurrency));

  const report = tallyScan(
    target.base,
    {
      n: routes.length,
      public: routes.filter((r) => r.access.kind === 'public').length,
      protected: routes.filter((r) => r.access.kind === 'protected').length,
      unauthenticated_open: 0,
      open: [],
      unexpected_public: unexpectedPublic,
      flag_only: flagOnly,
      attack_targets: targets.map((t) => `${label(t.route)} (${t.credential})`),
    },
    { auth, payloads, errors },
    skipped,
  );
  for (const i of issues) addIssues(report, i.list, i.where);
  for (const { probe, response } of errors) {
    if (response.status === 0) report.errors_5xx.push({ probe: `error:${probe.probe}`, method: probe.method, url: probe.url.slice(0, 200), status: 0 });
    addLeaks(report, findLeaks(response.body), `error:${probe.probe}`, probe.method, probe.url.slice(0, 120), response.status);
    addIssues(report, securityHeaderIssues(response), `error:${probe.probe}`);
  }
  for (const { probe, response } of [...auth, ...payloads]) {
    const echoed = probe.group === 'auth' ? [] : [probe.record.payload, decodeURIComponentSafe(probe.url)];
    addLeaks(report, findLeaks(response.body, echoed), probe.group === 'auth' ? `auth:${probe.probe}` : `${probe.group}:${probe.record.id}`, probe.method, probe.url.slice(0, 120), response.status);
  }
  for (const { probe, response } of auth) addIssues(report, securityHeaderIssues(response), `auth:${probe.probe} ${label(probe.route)}`);
  return { kind: 'done', report };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
