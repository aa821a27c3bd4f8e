import type { Encoding } from './encodings.js';
import type { HeaderIssue, Leak, ScanResponse } from './findings.js';
import type { AuthProbe, ErrorProbe, PayloadProbe, Placement } from './probes.js';

/**
 * Scoring a scan: what each response means and whether the whole passes its thresholds. Pure.
 *
 * A payload probe is `blocked` when the server refused it as an attack (problem types in `BLOCK_TYPES`), `passed`
 * when it got past the defenses (reached schema validation, a handler or a not-found), `inconclusive` when
 * authentication or rate limiting answered instead (the probe said nothing about the inspector).
 */
export const BLOCK_TYPES: readonly string[] = ['/problems/injection-detected'];

/**
 * Refusals before the application sees the request: unparsable or prototype-poisoned JSON, overlong or broken
 * URLs, wrong media types. The attack did not get in, so they count as blocked, and are reported apart.
 */
export const REFUSAL_TYPES: readonly string[] = ['/problems/malformed-body', '/problems/malformed-url', '/problems/uri-too-long', '/problems/body-too-large', '/problems/unsupported-media-type'];

export type PayloadOutcome = 'blocked' | 'refused' | 'passed' | 'inconclusive' | 'error';

export function problemType(r: ScanResponse): string | null {
  if (!/^application\/problem\+json/.test(String(r.headers['content-type'] ?? ''))) return null;
  try {
    const t = (JSON.parse(r.body) as { type?: unknown }).type;
    return typeof t === 'string' ? t : null;
  } catch {
    return null;
  }
}

/** @example classifyPayload({ status: 400, headers: { 'content-type': 'application/problem+json' }, body: '{"type":"/problems/injection-detected"}' }) // 'blocked' */
export function classifyPayload(r: ScanResponse, blockTypes: readonly string[] = BLOCK_TYPES): PayloadOutcome {
  const type = problemType(r);
  // Load shedding answers before the inspector and says nothing about it; the runner retries it first.
  if (r.status === 503 && type === '/problems/overloaded') return 'inconclusive';
  if (r.status >= 500) return 'error';
  if (type !== null && blockTypes.includes(type)) return 'blocked';
  if (type !== null && REFUSAL_TYPES.includes(type)) return 'refused';
  if (r.status === 401 || r.status === 403 || r.status === 429) return 'inconclusive';
  return 'passed';
}

/** An access probe is answered correctly only by 401 or 403 (429 is retried by the runner, then inconclusive). */
export const deniedAsExpected = (status: number): boolean => status === 401 || status === 403;

/** Answers that mean "not now" rather than a verdict: rate limiting and load shedding. */
export const isBackoff = (r: ScanResponse): boolean => r.status === 429 || (r.status === 503 && problemType(r) === '/problems/overloaded');

export interface Tally {
  n: number;
  blocked: number;
  rate: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);
const bump = (m: Record<string, Tally>, key: string, blocked: boolean) => {
  const t = m[key] ?? { n: 0, blocked: 0, rate: 0 };
  m[key] = t;
  t.n++;
  if (blocked) t.blocked++;
  t.rate = ratio(t.blocked, t.n);
};

export interface RouteFinding {
  readonly method: string;
  readonly path: string;
  readonly probe: string;
  readonly status: number;
}

/** Payload probes on flag-mode routes (customer texts): detected means flagged (or blocked), told apart from blocks. */
export interface FlagRoutesReport {
  /** How flags were counted (the security dashboard's counter), or null when they could not be. */
  counted_by: string | null;
  /** Why flag routes were not scored, when they were not. */
  not_scored: string | null;
  attack: {
    n: number;
    flagged: number;
    blocked: number;
    passed: number;
    inconclusive: number;
    /** (flagged + blocked) / (flagged + blocked + passed) */
    rate: number;
    by_kind: Record<string, { n: number; detected: number; rate: number }>;
    missed_examples: { id: string; kind: string; placement: Placement; encoding: Encoding; route: string; payload: string }[];
  };
  benign: { n: number; flagged: number; inconclusive: number; rate: number; examples: { id: string; placement: Placement; route: string; payload: string }[] };
}

/** A signed webhook: whether its signature is enforced, and whether (with the secret) signed deliveries were scanned. */
export interface SignedWebhookReport {
  route: string;
  scheme: string | null;
  /** `scanned`, or `not scanned: …` with the reason (the secret is needed, was refused, or the scheme is unknown). */
  status: string;
  secret: 'not given' | 'accepted' | 'refused';
  /** Each signature check's answer (401 expected): unsigned, malformed, another key's, stale. */
  signature_checks: Record<string, number>;
  /** Core attacks and benign texts sent inside signed deliveries, and what the inspector made of them. */
  deliveries: { attack: { n: number; detected: number; rate: number }; benign: { n: number; flagged: number } };
}

export interface ScanReport {
  target: string;
  routes: {
    n: number;
    public: number;
    protected: number;
    unauthenticated_open: number;
    open: RouteFinding[];
    unexpected_public: string[];
    flag_only: string[];
    attack_targets: string[];
    /** Routes that parse `text/plain` bodies although their OpenAPI operation names other media types only. */
    raw_text_bodies: string[];
  };
  attack: {
    n: number;
    blocked: number;
    /** Of `blocked`: refused by the parser or router (REFUSAL_TYPES) rather than the injection inspector. */
    refused_before_inspection: number;
    passed: number;
    inconclusive: number;
    rate: number;
    by_kind: Record<string, Tally>;
    by_location: Record<string, Tally>;
    by_encoding: Record<string, Tally>;
    extended: Tally;
    missed_examples: { id: string; kind: string; placement: Placement; encoding: Encoding; route: string; payload: string }[];
  };
  benign: { n: number; blocked: number; inconclusive: number; rate: number; examples: { id: string; placement: Placement; route: string; payload: string }[] };
  flag_routes: FlagRoutesReport;
  signed_webhooks: SignedWebhookReport[];
  /** Signing secrets the scan was given for webhooks the server does not document. */
  unused_signing_secrets: string[];
  skipped: Record<string, number>;
  errors_5xx: { probe: string; method: string; url: string; status: number }[];
  leaks: { probe: string; method: string; path: string; status: number; marker: string; excerpt: string }[];
  header_issues: (HeaderIssue & { where: string })[];
  requests: number;
  seconds: number;
}

export interface ScanObservations {
  readonly auth: readonly { probe: AuthProbe; response: ScanResponse }[];
  readonly payloads: readonly { probe: PayloadProbe; response: ScanResponse }[];
  readonly errors: readonly { probe: ErrorProbe; response: ScanResponse }[];
}

const describe = (method: string, path: string) => `${method} ${path}`;

/** Adds one issue list to the report, once per (header, issue): a missing header on 300 responses is one issue. */
export function addIssues(report: ScanReport, issues: readonly HeaderIssue[], where: string): void {
  for (const i of issues) if (!report.header_issues.some((h) => h.header === i.header && h.issue === i.issue)) report.header_issues.push({ ...i, where });
}

export function addLeaks(report: ScanReport, leaks: readonly Leak[], probe: string, method: string, path: string, status: number): void {
  for (const l of leaks) report.leaks.push({ probe, method, path, status, marker: l.marker, excerpt: l.excerpt.slice(0, 200) });
}

/** Tallies access and payload probes into a fresh report (leaks and header issues are added by the caller). */
export function tallyScan(target: string, routes: ScanReport['routes'], obs: ScanObservations, skipped: Record<string, number>): ScanReport {
  const report: ScanReport = {
    target,
    routes,
    attack: { n: 0, blocked: 0, refused_before_inspection: 0, passed: 0, inconclusive: 0, rate: 0, by_kind: {}, by_location: {}, by_encoding: {}, extended: { n: 0, blocked: 0, rate: 0 }, missed_examples: [] },
    benign: { n: 0, blocked: 0, inconclusive: 0, rate: 0, examples: [] },
    flag_routes: emptyFlagRoutes(routes.flag_only.length > 0 ? 'no flag probe was sent' : null),
    signed_webhooks: [],
    unused_signing_secrets: [],
    skipped,
    errors_5xx: [],
    leaks: [],
    header_issues: [],
    requests: obs.auth.length + obs.payloads.length + obs.errors.length,
    seconds: 0,
  };
  for (const { probe, response } of obs.auth) {
    if (!deniedAsExpected(response.status) && !isBackoff(response)) {
      report.routes.open.push({ method: probe.route.method, path: probe.route.path, probe: probe.probe, status: response.status });
    }
  }
  const openRoutes = new Set(report.routes.open.map((f) => describe(f.method, f.path)));
  report.routes.unauthenticated_open = openRoutes.size + report.routes.unexpected_public.length;

  for (const { probe, response } of obs.payloads) {
    const outcome = classifyPayload(response);
    const route = describe(probe.route.method, probe.route.path);
    if (outcome === 'error') report.errors_5xx.push({ probe: `${probe.group}:${probe.record.id}`, method: probe.method, url: probe.url.slice(0, 200), status: response.status });
    if (probe.group === 'benign') {
      report.benign.n++;
      if (outcome === 'inconclusive') report.benign.inconclusive++;
      if (outcome === 'blocked' || outcome === 'refused') {
        report.benign.blocked++;
        if (report.benign.examples.length < 20) report.benign.examples.push({ id: probe.record.id, placement: probe.placement, route, payload: probe.record.payload.slice(0, 160) });
      }
      continue;
    }
    if (probe.record.tier === 'extended') {
      if (outcome !== 'inconclusive' && outcome !== 'error') {
        report.attack.extended.n++;
        if (outcome !== 'passed') report.attack.extended.blocked++;
      }
      continue;
    }
    report.attack.n++;
    if (outcome === 'inconclusive') {
      report.attack.inconclusive++;
      continue;
    }
    const blocked = outcome === 'blocked' || outcome === 'refused';
    if (outcome === 'refused') report.attack.refused_before_inspection++;
    if (blocked) report.attack.blocked++;
    else report.attack.passed++;
    bump(report.attack.by_kind, probe.record.kind, blocked);
    bump(report.attack.by_location, probe.placement, blocked);
    bump(report.attack.by_encoding, probe.encoding, blocked);
    if (!blocked && report.attack.missed_examples.length < 25) {
      report.attack.missed_examples.push({ id: probe.record.id, kind: probe.record.kind, placement: probe.placement, encoding: probe.encoding, route, payload: probe.record.payload.slice(0, 160) });
    }
  }
  report.attack.rate = ratio(report.attack.blocked, report.attack.blocked + report.attack.passed);
  report.attack.extended.rate = ratio(report.attack.extended.blocked, report.attack.extended.n);
  report.benign.rate = ratio(report.benign.blocked, report.benign.n - report.benign.inconclusive);

  for (const { probe, response } of obs.errors) {
    if (response.status >= 500 && !isBackoff(response)) report.errors_5xx.push({ probe: `error:${probe.probe}`, method: probe.method, url: probe.url.slice(0, 200), status: response.status });
  }
  return report;
}

export function emptyFlagRoutes(notScored: string | null): FlagRoutesReport {
  return {
    counted_by: null,
    not_scored: notScored,
    attack: { n: 0, flagged: 0, blocked: 0, passed: 0, inconclusive: 0, rate: 0, by_kind: {}, missed_examples: [] },
    benign: { n: 0, flagged: 0, inconclusive: 0, rate: 0, examples: [] },
  };
}

/** A payload probe on a flag route, its response, and whether the server recorded it as flagged. */
export interface FlagObservation {
  readonly probe: PayloadProbe;
  readonly response: ScanResponse;
  readonly flagged: boolean;
}

/**
 * Tallies probes sent to flag-mode routes. A flag route lets a detected request through (it then stops at
 * validation, as every probe does), so its answer alone says nothing: `flagged` comes from the server's record.
 * Core-tier attacks count; a 5xx is added to `errors_5xx`.
 */
export function tallyFlagged(report: ScanReport, obs: readonly FlagObservation[], countedBy: string): void {
  const f = emptyFlagRoutes(null);
  f.counted_by = countedBy;
  for (const { probe, response, flagged } of obs) {
    const outcome = classifyPayload(response);
    const route = describe(probe.route.method, probe.route.path);
    if (outcome === 'error') {
      report.errors_5xx.push({ probe: `flag:${probe.group}:${probe.record.id}`, method: probe.method, url: probe.url.slice(0, 200), status: response.status });
      continue;
    }
    const detected = outcome === 'blocked' || outcome === 'refused' || (outcome === 'passed' && flagged);
    if (probe.group === 'benign') {
      f.benign.n++;
      if (outcome === 'inconclusive') f.benign.inconclusive++;
      else if (detected) {
        f.benign.flagged++;
        if (f.benign.examples.length < 20) f.benign.examples.push({ id: probe.record.id, placement: probe.placement, route, payload: probe.record.payload.slice(0, 160) });
      }
      continue;
    }
    if (probe.record.tier === 'extended') continue;
    f.attack.n++;
    if (outcome === 'inconclusive') {
      f.attack.inconclusive++;
      continue;
    }
    if (outcome === 'passed' && flagged) f.attack.flagged++;
    else if (detected) f.attack.blocked++;
    else f.attack.passed++;
    const k = f.attack.by_kind[probe.record.kind] ?? { n: 0, detected: 0, rate: 0 };
    f.attack.by_kind[probe.record.kind] = k;
    k.n++;
    if (detected) k.detected++;
    k.rate = ratio(k.detected, k.n);
    if (!detected && f.attack.missed_examples.length < 25) {
      f.attack.missed_examples.push({ id: probe.record.id, kind: probe.record.kind, placement: probe.placement, encoding: probe.encoding, route, payload: probe.record.payload.slice(0, 160) });
    }
  }
  f.attack.rate = ratio(f.attack.flagged + f.attack.blocked, f.attack.flagged + f.attack.blocked + f.attack.passed);
  f.benign.rate = ratio(f.benign.flagged, f.benign.n - f.benign.inconclusive);
  report.flag_routes = f;
  report.requests += obs.length;
}

/**
 * Adds each signed webhook's entry: its signature checks from the access probes, and (scanned with the secret) the
 * signed deliveries among the flag-route or payload observations. Core attacks count; detected = flagged or blocked.
 */
export function tallySignedWebhooks(
  report: ScanReport,
  entries: readonly Omit<SignedWebhookReport, 'signature_checks' | 'deliveries'>[],
  auth: readonly { probe: AuthProbe; response: ScanResponse }[],
  deliveries: readonly { probe: PayloadProbe; response: ScanResponse; flagged?: boolean }[],
): void {
  for (const entry of entries) {
    const w: SignedWebhookReport = { ...entry, signature_checks: {}, deliveries: { attack: { n: 0, detected: 0, rate: 0 }, benign: { n: 0, flagged: 0 } } };
    for (const { probe, response } of auth) if (isSignatureCheck(probe.probe) && describe(probe.route.method, probe.route.path) === w.route) w.signature_checks[probe.probe] = response.status;
    for (const { probe, response, flagged } of deliveries) {
      if (probe.placement !== 'signed_value' && probe.placement !== 'signed_key') continue;
      if (describe(probe.route.method, probe.route.path) !== w.route) continue;
      const outcome = classifyPayload(response);
      if (outcome === 'inconclusive' || outcome === 'error') continue;
      const detected = outcome === 'blocked' || outcome === 'refused' || flagged === true;
      if (probe.group === 'benign') {
        w.deliveries.benign.n++;
        if (detected) w.deliveries.benign.flagged++;
      } else if (probe.record.tier === 'core') {
        w.deliveries.attack.n++;
        if (detected) w.deliveries.attack.detected++;
      }
    }
    w.deliveries.attack.rate = ratio(w.deliveries.attack.detected, w.deliveries.attack.n);
    report.signed_webhooks.push(w);
  }
}

const isSignatureCheck = (p: AuthProbe['probe']): boolean => p === 'unsigned_delivery' || p === 'malformed_signature' || p === 'wrong_key_signature' || p === 'stale_signature';

export interface Thresholds {
  /** Core-tier attack probes blocked, of those that reached the inspector. */
  readonly minBlockRate: number;
  /** The weakest attack kind's block rate. */
  readonly minKindRate: number;
  /** Benign probes refused as attacks. */
  readonly maxFalsePositiveRate: number;
  readonly maxOpenRoutes: number;
  readonly maxLeaks: number;
  readonly maxHeaderIssues: number;
  readonly max5xx: number;
  /** Share of payload probes that auth or rate limiting answered: above it the scan measured nothing. */
  readonly maxInconclusiveRate: number;
}

/** Attack probes of one kind needed before its own block rate is gated. */
export const MIN_KIND_SAMPLES = 20;

export const DEFAULT_THRESHOLDS: Thresholds = {
  minBlockRate: 0.9,
  minKindRate: 0.75,
  maxFalsePositiveRate: 0.02,
  maxOpenRoutes: 0,
  maxLeaks: 0,
  maxHeaderIssues: 0,
  max5xx: 0,
  maxInconclusiveRate: 0.05,
};

/** Every threshold the report breaks, as one readable line each; empty means the scan passes. */
export function thresholdFailures(r: ScanReport, t: Thresholds): string[] {
  const out: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (r.routes.unauthenticated_open > t.maxOpenRoutes) out.push(`${r.routes.unauthenticated_open} route(s) answer without the credentials they require (max ${t.maxOpenRoutes})`);
  if (r.attack.blocked + r.attack.passed === 0) out.push('no attack probe reached the inspector (no attack target, or every probe was refused by authentication)');
  else if (r.attack.rate < t.minBlockRate) out.push(`attack block rate ${pct(r.attack.rate)} < ${pct(t.minBlockRate)}`);
  // A kind seen in only a handful of probes is reported but not gated: one miss would swing it by tens of percent.
  for (const [kind, tally] of Object.entries(r.attack.by_kind)) if (tally.n >= MIN_KIND_SAMPLES && tally.rate < t.minKindRate) out.push(`${kind} block rate ${pct(tally.rate)} < ${pct(t.minKindRate)}`);
  if (r.benign.n > 0 && r.benign.rate > t.maxFalsePositiveRate) out.push(`benign false-positive rate ${pct(r.benign.rate)} > ${pct(t.maxFalsePositiveRate)}`);
  // Flag routes run the same inspector in flag mode: the same bars, on what they flagged.
  const fr = r.flag_routes;
  if (fr.attack.flagged + fr.attack.blocked + fr.attack.passed > 0 && fr.attack.rate < t.minBlockRate) out.push(`flag-route attack detection rate ${pct(fr.attack.rate)} < ${pct(t.minBlockRate)}`);
  if (fr.benign.n - fr.benign.inconclusive > 0 && fr.benign.rate > t.maxFalsePositiveRate) out.push(`flag-route benign flag rate ${pct(fr.benign.rate)} > ${pct(t.maxFalsePositiveRate)}`);
  const payloads = r.attack.n + r.benign.n + fr.attack.n + fr.benign.n;
  const inconclusive = r.attack.inconclusive + r.benign.inconclusive + fr.attack.inconclusive + fr.benign.inconclusive;
  if (payloads > 0 && inconclusive / payloads > t.maxInconclusiveRate) out.push(`${inconclusive} of ${payloads} payload probes answered by auth or rate limiting, not the inspector`);
  if (r.leaks.length > t.maxLeaks) out.push(`${r.leaks.length} response(s) leak internals (max ${t.maxLeaks})`);
  if (r.header_issues.length > t.maxHeaderIssues) out.push(`${r.header_issues.length} header issue(s) (max ${t.maxHeaderIssues})`);
  if (r.errors_5xx.length > t.max5xx) out.push(`${r.errors_5xx.length} 5xx response(s) to scanner probes (max ${t.max5xx})`);
  // A secret that was given but could not be used means the route the caller meant to cover was not covered.
  for (const w of r.signed_webhooks) if (w.secret === 'refused') out.push(`signed webhook ${w.route} ${w.status}`);
  for (const u of r.unused_signing_secrets) out.push(u);
  return out;
}

function flagLines(f: FlagRoutesReport, pct: (x: number) => string): string[] {
  if (f.counted_by === null) return f.not_scored === null ? [] : [`flag-mode routes: not scored (${f.not_scored})`];
  const decided = f.attack.flagged + f.attack.blocked + f.attack.passed;
  return [
    `attacks on flag-mode routes (core): ${f.attack.flagged} flagged + ${f.attack.blocked} blocked of ${decided} (detected ${pct(f.attack.rate)}), ${f.attack.inconclusive} inconclusive; counted by ${f.counted_by}`,
    ...Object.entries(f.attack.by_kind).map(([k, t]) => `  flag kind ${k.padEnd(15)} ${String(t.detected).padStart(5)}/${String(t.n).padEnd(5)} ${pct(t.rate)}`),
    `benign on flag-mode routes: ${f.benign.flagged}/${f.benign.n} flagged (${pct(f.benign.rate)})`,
  ];
}

function signedWebhookLine(w: SignedWebhookReport, pct: (x: number) => string): string {
  const checks = Object.entries(w.signature_checks).map(([probe, status]) => `${probe.replace(/_/g, ' ')} -> ${status}`).join(', ');
  const d = w.deliveries;
  const scanned = w.secret === 'accepted' ? `; signed deliveries: attacks ${d.attack.detected}/${d.attack.n} detected (${pct(d.attack.rate)}), benign ${d.benign.flagged}/${d.benign.n} flagged` : '';
  return `signed webhook ${w.route}${w.scheme ? ` (${w.scheme})` : ''}: ${w.status}${checks ? `; ${checks}` : ''}${scanned}`;
}

/** The human-readable report. */
export function humanReport(r: ScanReport, failures: readonly string[]): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `clubos scan ${r.target}: ${r.requests} requests in ${r.seconds.toFixed(1)} s`,
    `routes: ${r.routes.n} (${r.routes.public} public, ${r.routes.protected} protected); open without required credentials: ${r.routes.unauthenticated_open}`,
    ...r.routes.open.map((f) => `  OPEN ${f.method} ${f.path} (${f.probe} -> ${f.status})`),
    ...r.routes.unexpected_public.map((p) => `  UNEXPECTED PUBLIC ${p}`),
    `attack targets: ${r.routes.attack_targets.join(', ') || 'none'}${r.routes.flag_only.length ? `; flag-mode: ${r.routes.flag_only.join(', ')}` : ''}`,
    ...(r.routes.raw_text_bodies.length > 0 ? [`routes that also parse text/plain bodies (undocumented; attacks sent there too): ${r.routes.raw_text_bodies.length}`] : []),
    `attacks (core): ${r.attack.blocked}/${r.attack.blocked + r.attack.passed} blocked (${pct(r.attack.rate)}; ${r.attack.refused_before_inspection} of them refused by the parser or router), ${r.attack.inconclusive} inconclusive; extended tier ${r.attack.extended.blocked}/${r.attack.extended.n} (${pct(r.attack.extended.rate)})`,
    ...Object.entries(r.attack.by_kind).map(([k, t]) => `  kind ${k.padEnd(20)} ${String(t.blocked).padStart(5)}/${String(t.n).padEnd(5)} ${pct(t.rate)}`),
    ...Object.entries(r.attack.by_location).map(([k, t]) => `  location ${k.padEnd(16)} ${String(t.blocked).padStart(5)}/${String(t.n).padEnd(5)} ${pct(t.rate)}`),
    ...Object.entries(r.attack.by_encoding).map(([k, t]) => `  encoding ${k.padEnd(16)} ${String(t.blocked).padStart(5)}/${String(t.n).padEnd(5)} ${pct(t.rate)}`),
    `benign: ${r.benign.blocked}/${r.benign.n} blocked (false positives ${pct(r.benign.rate)})`,
    ...r.benign.examples.slice(0, 5).map((e) => `  FP ${e.id} at ${e.placement}: ${JSON.stringify(e.payload).slice(0, 100)}`),
    ...flagLines(r.flag_routes, pct),
    ...r.signed_webhooks.map((w) => signedWebhookLine(w, pct)),
    ...r.unused_signing_secrets.map((u) => `  UNUSED SECRET ${u}`),
    `5xx: ${r.errors_5xx.length}; leaks: ${r.leaks.length}; header issues: ${r.header_issues.length}`,
    ...r.errors_5xx.slice(0, 10).map((e) => `  5XX ${e.status} ${e.probe} ${e.method} ${e.url.slice(0, 100)}`),
    ...r.leaks.slice(0, 10).map((l) => `  LEAK ${l.marker} in ${l.probe} ${l.method} ${l.path} -> ${l.status}: ${JSON.stringify(l.excerpt).slice(0, 120)}`),
    ...r.header_issues.map((h) => `  HEADER ${h.header}: ${h.issue} (${h.where})`),
    ...Object.entries(r.skipped).map(([why, n]) => `  skipped ${n}: ${why}`),
    failures.length === 0 ? 'PASS' : `FAIL\n${failures.map((f) => `  - ${f}`).join('\n')}`,
  ];
  return lines;
}
