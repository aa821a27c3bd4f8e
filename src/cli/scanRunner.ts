import { randomBytes } from 'node:crypto';
import { signOpenPhoneWebhook } from '../integrations/openPhone/webhook.js';
import { Secret } from '../integrations/secret.js';
import type { CorpusRecord } from '../security/inspector/corpus.js';
import { cookieIssues, findLeaks, rateLimitIssues, type ScanResponse, securityHeaderIssues } from '../scan/findings.js';
import { OpenApiError, type ScanRoute, pathMatches, routesFromOpenApi } from '../scan/openapi.js';
import { type Credential, type PayloadProbe, type ProbeRequest, type ScanTargetRoute, UNKNOWN_KEY, baselineProbe, planAuthProbes, planErrorProbes, planPayloadProbes } from '../scan/probes.js';
import { type FlagObservation, type ScanReport, type SignedWebhookReport, addIssues, addLeaks, classifyPayload, problemType, tallyFlagged, tallyScan, tallySignedWebhooks } from '../scan/score.js';
import { SIGNING_SCHEMES, STALE_MS, type SigningScheme, controlDelivery, isSignedWebhook, planSignatureProbes, schemeOf, schemeOfUrl, signLeakReport } from '../scan/signedWebhooks.js';

/**
 * The scanner's I/O edge: fetches `/openapi.json`, signs in, sends the planned probes with bounded concurrency
 * and hands the responses to the pure scoring in `scan/`.
 */
export interface ScanTarget {
  readonly base: string;
  readonly key: string | null;
  readonly keyScopes: readonly string[] | null;
  readonly login: { readonly username: string; readonly password: string } | null;
  /** Signing secrets of signed webhooks, by scheme (`openphone`, `leak_report`): with one, the scan signs deliveries to that webhook. */
  readonly signingSecrets: Readonly<Partial<Record<SigningScheme['name'], Secret>>>;
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
    // Signed at each attempt: a retried delivery must still be fresh.
    const signature = signatureFor(req, target);
    if (signature !== null) headers[signature.header] = signature.value;
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

/** A key no sender holds: its signatures must be refused like none. */
const FOREIGN_KEY = new Secret(randomBytes(32).toString('base64'));

/** How each scheme's sender signs a raw body with its key at a time (the header value). */
const SIGNERS: Readonly<Record<SigningScheme['name'], (rawBody: string, key: Secret, at: Date) => string>> = {
  openphone: signOpenPhoneWebhook,
  leak_report: signLeakReport,
};

/** The signature header a signed-webhook probe carries, made now by its webhook's scheme; null for other probes. */
function signatureFor(req: ProbeRequest, target: ScanTarget): { header: string; value: string } | null {
  const scheme = schemeOfUrl(req.url);
  if (scheme === null || req.body === undefined) return null;
  const secret = target.signingSecrets[scheme.name];
  const signed = (key: Secret | undefined, at: number) => (key === undefined ? null : { header: scheme.header, value: SIGNERS[scheme.name](req.body!, key, new Date(at)) });
  switch (req.credential) {
    case 'malformed_signature':
      return { header: scheme.header, value: scheme.malformed };
    case 'wrong_signature':
      return signed(FOREIGN_KEY, Date.now());
    case 'signature':
      return signed(secret, Date.now());
    case 'stale_signature':
      return signed(secret, Date.now() - STALE_MS);
    default:
      return null;
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
  const targets: ScanTargetRoute[] = [];
  const flagTargets: ScanTargetRoute[] = [];
  const flagOnly: string[] = [];
  const rawTextRoutes: string[] = [];
  for (const route of routes) {
    for (const credential of discoveryOrder(route, credentials, target.keyScopes)) {
      const res = await run(baselineProbe(route, credential));
      issues.push({ list: securityHeaderIssues(res), where: label(route) });
      if (problemType(res) !== '/problems/validation-failed') continue;
      // Past authentication, a protected route's answer carries the client's quota.
      if (route.access.kind === 'protected') issues.push({ list: rateLimitIssues(res), where: `${label(route)} (${credential})` });
      // Does the route parse a raw text body too (a framework default the OpenAPI document does not show)?
      let rawText = false;
      if (route.bodyTypes.length > 0 && !route.bodyTypes.some((t) => t.startsWith('text/plain'))) {
        const raw = await run({ ...baselineProbe(route, credential), headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'scan' });
        rawText = problemType(raw) === '/problems/validation-failed';
        if (rawText) rawTextRoutes.push(label(route));
      }
      if (route.inspect === 'flag') {
        flagOnly.push(label(route));
        flagTargets.push({ route, credential, rawText });
      } else targets.push({ route, credential, rawText });
      break;
    }
  }

  // Signed webhooks: with the secret, a signed delivery that carries nothing hostile must be acknowledged; then the
  // corpus goes inside signed deliveries too. Without it the route is reported as not scanned, never passed over.
  const webhooks: Omit<SignedWebhookReport, 'signature_checks' | 'deliveries'>[] = [];
  const signedTargets: ScanTargetRoute[] = [];
  for (const route of routes.filter(isSignedWebhook)) {
    const scheme = schemeOf(route);
    const entry = { route: label(route), scheme: scheme?.name ?? null };
    if (scheme === null) webhooks.push({ ...entry, status: 'not scanned: the scanner knows no signature scheme for it', secret: 'not given' });
    else if (target.signingSecrets[scheme.name] === undefined) webhooks.push({ ...entry, status: `not scanned: needs signing secret (${scheme.option} or ${scheme.env})`, secret: 'not given' });
    else {
      const control = await run(controlDelivery(route, scheme));
      issues.push({ list: securityHeaderIssues(control), where: `${label(route)} (signed)` });
      if (control.status !== 200) {
        webhooks.push({ ...entry, status: `not scanned: the server refused the signing secret (a correctly signed delivery answered ${control.status})`, secret: 'refused' });
        continue;
      }
      webhooks.push({ ...entry, status: 'scanned', secret: 'accepted' });
      (route.inspect === 'flag' ? flagTargets : signedTargets).push({ route, credential: 'signature', signed: true });
    }
  }
  const unusedSecrets = SIGNING_SCHEMES.filter((scheme) => target.signingSecrets[scheme.name] !== undefined && !routes.some((r) => schemeOf(r) === scheme)).map(
    (scheme) => `${scheme.option} was given, but the server documents no webhook signed that way: nothing was signed`,
  );

  const unexpectedPublic = routes.filter((r) => r.access.kind === 'public' && !opts.allowPublic.some((p) => pathMatches(p, r.path))).map(label);

  const plan = planPayloadProbes(records, targets, { extraEncodings: opts.extraEncodings });
  // A signed webhook that blocks gets the corpus in signed deliveries in a plan of its own: sharing the JSON records
  // with every other JSON route, it would get a handful (a flag-mode one shares them with the few flag routes).
  const signedPlan = planPayloadProbes(records, signedTargets, { extraEncodings: opts.extraEncodings });
  progress(`scan: ${plan.probes.length + signedPlan.probes.length} payload probes on ${targets.length + signedTargets.length} routes…`);
  const payloadsSent = await sendAll([...plan.probes, ...signedPlan.probes], run, opts.concurrency);
  const skipped = { ...plan.skipped };
  // A record of a location no signed delivery carries went to the other routes: that is no skip.
  for (const [why, n] of Object.entries(signedPlan.skipped)) if (!why.startsWith('no route takes')) skipped[`signed webhooks: ${why}`] = (skipped[`signed webhooks: ${why}`] ?? 0) + n;
  const payloads = payloadsSent.filter((p) => {
    if (p.response.status !== 0) return true;
    skipped['refused by the HTTP client'] = (skipped['refused by the HTTP client'] ?? 0) + 1;
    return false;
  });

  const errorProbes = planErrorProbes(targets.filter((t) => t.signed !== true), opts.bodyLimitBytes);
  const errors = await sendAll(errorProbes, run, Math.min(2, opts.concurrency));

  // Flag-mode routes last, alone: what they flag is read from the server's own counter, so nothing else may flag meanwhile.
  const flagPlan = planPayloadProbes(records, flagTargets, { extraEncodings: opts.extraEncodings });
  const counter = flagTargets.length === 0 ? null : flagCounter(routes, target, jar, opts.timeoutMs);
  let flagged: { observations: FlagObservation[]; countedBy: string } | { notScored: string } | null = null;
  if (counter !== null && 'notScored' in counter) flagged = counter;
  else if (counter !== null) {
    progress(`scan: ${flagPlan.probes.length} payload probes on ${flagTargets.length} flag-mode routes…`);
    const observations = await attributeFlags(flagPlan.probes, run, counter.read, opts.concurrency);
    flagged = observations === null ? { notScored: `${counter.countedBy} stopped answering` } : { observations, countedBy: counter.countedBy };
    for (const [why, n] of Object.entries(flagPlan.skipped)) skipped[`flag routes: ${why}`] = (skipped[`flag routes: ${why}`] ?? 0) + n;
  }

  // Access probes last: a key refused on routes beyond its scopes is what compromise detection counts (a burst
  // suspends it, as it should), and the payload probes above need the key working.
  const authProbes = [
    ...planAuthProbes(routes, { key: target.key !== null, keyScopes: target.keyScopes, session: jar.cookie !== null }),
    // The stale check only with a secret the server accepted: signed with a refused one, its 401 would show nothing.
    ...planSignatureProbes(routes, (scheme) => webhooks.some((w) => w.scheme === scheme.name && w.secret === 'accepted')),
  ];
  progress(`scan: ${authProbes.length} access probes…`);
  const auth = await sendAll(authProbes, run, opts.concurrency);

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
      attack_targets: [...targets, ...signedTargets].map((t) => `${label(t.route)} (${t.credential})`),
      raw_text_bodies: rawTextRoutes,
    },
    { auth, payloads, errors },
    skipped,
  );
  if (flagged !== null && 'notScored' in flagged) {
    report.flag_routes.not_scored = flagged.notScored;
    // Signed deliveries to a flag-mode webhook were not sent either: say so rather than "scanned" with nothing in it.
    for (const w of webhooks) if (w.secret === 'accepted' && flagOnly.includes(w.route)) w.status = `signature checked; signed deliveries not scored (${flagged.notScored})`;
  }
  else if (flagged !== null) tallyFlagged(report, flagged.observations, flagged.countedBy);
  const flagSent = flagged !== null && 'observations' in flagged ? flagged.observations : [];
  tallySignedWebhooks(report, webhooks, auth, [...payloads, ...flagSent]);
  report.unused_signing_secrets.push(...unusedSecrets);
  for (const i of issues) addIssues(report, i.list, i.where);
  for (const { probe, response } of errors) {
    if (response.status === 0) report.errors_5xx.push({ probe: `error:${probe.probe}`, method: probe.method, url: probe.url.slice(0, 200), status: 0 });
    addLeaks(report, findLeaks(response.body), `error:${probe.probe}`, probe.method, probe.url.slice(0, 120), response.status);
    addIssues(report, securityHeaderIssues(response), `error:${probe.probe}`);
  }
  for (const { probe, response } of [...auth, ...payloads, ...flagSent]) {
    const echoed = probe.group === 'auth' ? [] : [probe.record.payload, decodeURIComponentSafe(probe.url)];
    addLeaks(report, findLeaks(response.body, echoed), probe.group === 'auth' ? `auth:${probe.probe}` : `${probe.group}:${probe.record.id}`, probe.method, probe.url.slice(0, 120), response.status);
  }
  for (const { probe, response } of auth) addIssues(report, securityHeaderIssues(response), `auth:${probe.probe} ${label(probe.route)}`);
  return { kind: 'done', report };
}

/**
 * The credentials to try on a route while finding what the scan reaches, fitting ones first and none that the
 * route's declaration already refuses: every refused key counts towards an authorisation-failure burst.
 */
function discoveryOrder(route: ScanRoute, have: readonly Credential[], keyScopes: readonly string[] | null): Credential[] {
  if (route.access.kind === 'public') return ['none'];
  const { scopes, role } = route.access;
  const key = have.includes('key') && scopes !== null;
  const keyFits = key && (keyScopes === null || scopes.every((s) => keyScopes.includes(s)));
  const session = have.includes('session') && role !== null;
  const order: Credential[] = [];
  if (keyFits) order.push('key');
  if (session) order.push('session');
  return order;
}

type FlagCounter = { read: () => Promise<number | null>; countedBy: string } | { notScored: string };

/**
 * The server's count of flagged requests: `GET /v1/security/timeseries?metric=flagged`, read with the session or a
 * key that may (the security dashboard's own figure, fed by the inspector's security events). The window is fixed on
 * the first read around the server's own clock (its `to`), a day either side, so it cannot slide during the scan.
 */
function flagCounter(routes: readonly ScanRoute[], target: ScanTarget, jar: CookieJar, timeoutMs: number): FlagCounter {
  const path = '/v1/security/timeseries';
  if (!routes.some((r) => r.method === 'GET' && r.path === path)) return { notScored: `the server documents no GET ${path}` };
  const credential: Credential | null = jar.cookie !== null ? 'session' : target.key !== null && target.keyScopes?.includes('security:read') ? 'key' : null;
  if (credential === null) return { notScored: `no credential reads GET ${path} (sign in with --login, or a key with security:read)` };
  const base = `${path}?metric=flagged&bucket=1d`;
  const get = async (query: string): Promise<{ to: string; points: { value?: unknown }[] } | null> => {
    const res = await send(target.base, { method: 'GET', url: `${base}${query}`, headers: {}, credential }, target, jar, timeoutMs);
    if (res.status !== 200) return null;
    try {
      const body = JSON.parse(res.body) as { to?: unknown; points?: unknown };
      return typeof body.to === 'string' && Array.isArray(body.points) ? { to: body.to, points: body.points as { value?: unknown }[] } : null;
    } catch {
      return null;
    }
  };
  let window: string | null = null;
  return {
    countedBy: `GET ${path}?metric=flagged (${credential})`,
    async read() {
      if (window === null) {
        const now = await get('');
        if (now === null) return null;
        const at = Date.parse(now.to);
        window = `&from=${encodeURIComponent(new Date(at - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(at + 86_400_000).toISOString())}`;
      }
      const series = await get(window);
      return series === null ? null : series.points.reduce<number>((sum, p) => sum + (typeof p.value === 'number' ? p.value : 0), 0);
    },
  };
}

/** Probes per batch: attacks mostly all flag, benign texts mostly none, so a batch usually settles with one read. */
const FLAG_BATCH = 8;

/**
 * Sends the flag-route probes and learns which were flagged from the counter: batches of one group and kind, the
 * counter read after each; a batch whose count is neither none nor all of its candidates is re-sent one probe at a
 * time. A candidate is a probe that got past authentication to validation (a flag route lets a detected request on).
 * Null when the counter cannot be read.
 */
async function attributeFlags(
  probes: readonly PayloadProbe[],
  run: (p: ProbeRequest) => Promise<ScanResponse>,
  read: () => Promise<number | null>,
  concurrency: number,
): Promise<FlagObservation[] | null> {
  const ordered = [...probes].sort((a, b) => a.group.localeCompare(b.group) || a.record.kind.localeCompare(b.record.kind));
  const out: FlagObservation[] = [];
  let count = await read();
  if (count === null) return null;
  for (let i = 0; i < ordered.length; i += FLAG_BATCH) {
    const sent = (await sendAll(ordered.slice(i, i + FLAG_BATCH), run, concurrency)).filter((s) => s.response.status !== 0);
    const after = await read();
    if (after === null) return null;
    const candidates = sent.filter((s) => classifyPayload(s.response) === 'passed');
    const others = sent.filter((s) => classifyPayload(s.response) !== 'passed');
    for (const s of others) out.push({ ...s, flagged: false });
    const delta = after - count;
    count = after;
    if (delta === 0 || delta === candidates.length) {
      for (const s of candidates) out.push({ ...s, flagged: delta > 0 });
      continue;
    }
    for (const s of candidates) {
      const response = await run(s.probe);
      const next = await read();
      if (next === null) return null;
      out.push({ probe: s.probe, response, flagged: next > count });
      count = next;
    }
  }
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
