import type { CorpusRecord } from '../security/inspector/corpus.js';
import { type Encoding, ENCODINGS, encodeValue, harmlessEncoding, jsonString } from './encodings.js';
import type { ScanRoute } from './openapi.js';
import { placeSignedPayload, type Signature } from './signedWebhooks.js';

/**
 * Planning a scan: which requests to send and what each should get. Every probe carries an unknown query
 * parameter (`PROBE_MARKER`): route schemas refuse unknown parameters, so a probe that gets past
 * authentication and the inspector stops at validation and never reaches a handler — a scan changes nothing.
 * (Signed webhook deliveries are the exception: see signedWebhooks.ts.)
 * Pure: the routes and corpus come in, request descriptions go out; the CLI sends them.
 */
export const PROBE_MARKER = 'scan_probe=1';

/** How a probe authenticates: a header, a cookie, or (signed webhooks) a signature the runner computes over the body. */
export type Credential = 'none' | 'bad_key' | 'key' | 'session' | Signature;

export type Placement =
  | 'query_value'
  | 'query_key'
  | 'query_string'
  | 'path_value'
  | 'json_value'
  | 'json_key'
  | 'json_body'
  | 'form_value'
  | 'form_key'
  | 'header_value'
  | 'cookie_value'
  /** The payload as a `text/plain` body, on routes found to parse one (a framework default the OpenAPI document does not show). */
  | 'raw_body'
  /** Inside a signed webhook delivery: as the message text (a JSON value) or as a field name of the message. */
  | 'signed_value'
  | 'signed_key';

export interface ProbeRequest {
  readonly method: string;
  /** Path and query as sent (already percent-encoded). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly credential: Credential;
}

export interface AuthProbe extends ProbeRequest {
  readonly group: 'auth';
  readonly route: ScanRoute;
  readonly probe:
    | 'anonymous'
    | 'unknown_key'
    | 'key_wrong_scope'
    | 'key_on_operator_route'
    | 'session_on_key_route'
    | 'unsigned_delivery'
    | 'malformed_signature'
    | 'wrong_key_signature'
    | 'stale_signature';
}

export interface PayloadProbe extends ProbeRequest {
  readonly group: 'attack' | 'benign';
  readonly route: ScanRoute;
  readonly record: CorpusRecord;
  readonly placement: Placement;
  readonly encoding: Encoding;
}

export interface ErrorProbe extends ProbeRequest {
  readonly group: 'error';
  readonly route: ScanRoute | null;
  readonly probe: string;
}

/** A syntactically plausible key that no server issued (checksum and all): must be refused like no key. */
export const UNKNOWN_KEY = 'clubos_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_00000000';

/** A well-formed stand-in for a path parameter (a UUID, since most ids are). */
export const SAMPLE_PARAM = '00000000-0000-4000-8000-000000000000';

export function fillPath(template: string, value: (name: string) => string = () => SAMPLE_PARAM): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(value(name)));
}

const withMarker = (path: string, query = ''): string => `${path}?${query ? `${query}&` : ''}${PROBE_MARKER}`;

const takesJson = (r: ScanRoute) => r.bodyTypes.some((t) => t.startsWith('application/json'));
const takesForm = (r: ScanRoute) => r.bodyTypes.includes('application/x-www-form-urlencoded');

/**
 * A route the scan reaches with a credential; `rawText` when it was found to parse `text/plain` bodies; `signed` for
 * a signed webhook reached with deliveries the runner signs (JSON values and names go inside the delivery).
 */
export interface ScanTargetRoute {
  readonly route: ScanRoute;
  readonly credential: Credential;
  readonly rawText?: boolean;
  readonly signed?: boolean;
}

/** The smallest body a route parses: `{}` for JSON routes, nothing for the others. */
export function emptyBody(route: ScanRoute): { headers: Record<string, string>; body?: string } {
  if (takesJson(route)) return { headers: { 'content-type': 'application/json' }, body: '{}' };
  if (takesForm(route)) return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' };
  return { headers: {} };
}

/** One request per route with the given credential and nothing wrong with it except the probe marker. */
export function baselineProbe(route: ScanRoute, credential: Credential): ProbeRequest {
  const { headers, body } = emptyBody(route);
  return { method: route.method, url: withMarker(fillPath(route.path)), headers, ...(body !== undefined ? { body } : {}), credential };
}

/**
 * Access probes for every protected route: anonymous, an unknown key, and (when the scan has them) a key whose
 * scopes do not fit the route, a key on an operator-only route, a session on a key-only route.
 */
export function planAuthProbes(routes: readonly ScanRoute[], have: { key: boolean; keyScopes: readonly string[] | null; session: boolean }): AuthProbe[] {
  const out: AuthProbe[] = [];
  for (const route of routes) {
    if (route.access.kind !== 'protected') continue;
    const base = baselineProbe(route, 'none');
    const add = (probe: AuthProbe['probe'], credential: Credential) => out.push({ ...base, credential, group: 'auth', route, probe });
    add('anonymous', 'none');
    add('unknown_key', 'bad_key');
    const { scopes, role } = route.access;
    if (have.key && scopes === null) add('key_on_operator_route', 'key');
    if (have.key && scopes !== null && have.keyScopes !== null && scopes.some((s) => !have.keyScopes!.includes(s))) add('key_wrong_scope', 'key');
    if (have.session && role === null) add('session_on_key_route', 'session');
  }
  return out;
}

/** Where a corpus record may be placed, by its `location`. */
export function placementsFor(location: CorpusRecord['location']): readonly Placement[] {
  switch (location) {
    case 'any':
    case 'multipart_value':
      return ['query_value', 'json_value', 'header_value', 'cookie_value', 'path_value', 'form_value', 'raw_body'];
    case 'query':
      return ['query_value'];
    case 'body_form':
      return ['form_value', 'json_value'];
    case 'param_name':
      return ['query_key', 'json_key', 'form_key'];
    case 'json_body':
      return ['json_body'];
    case 'query_string':
      return ['query_string'];
    case 'header':
      return ['header_value'];
    case 'cookie':
      return ['cookie_value'];
    case 'path':
      return ['path_value'];
    case 'raw_body':
      return ['raw_body'];
    case 'xml_body':
      // As raw text where a route parses that (the inspector reads the strings of an XML document there). Sent as
      // application/xml it would only show that no route parses XML, which the error probes check.
      return ['raw_body'];
    default:
      return [];
  }
}

/** Which routes can carry a placement. */
function fits(target: ScanTargetRoute, placement: Placement): boolean {
  const { route } = target;
  if (target.signed === true) return placement === 'json_value' || placement === 'json_key';
  switch (placement) {
    case 'path_value':
      return route.pathParams.length > 0;
    case 'json_value':
    case 'json_key':
    case 'json_body':
      return takesJson(route);
    case 'form_value':
    case 'form_key':
      return takesForm(route);
    case 'raw_body':
      return target.rawText === true;
    default:
      return true;
  }
}

/** Header names a probe may not use (they steer transport or authentication, not the application). */
const RESERVED_HEADERS = new Set(['host', 'connection', 'content-length', 'content-type', 'transfer-encoding', 'authorization', 'cookie', 'expect', 'upgrade', 'te', 'trailer', 'keep-alive', 'x-csrf-token', 'x-forwarded-for']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const SENDABLE_HEADER_VALUE = /^[\x20-\x7e\x80-\xff\t]*$/;

function paramName(record: CorpusRecord): string {
  const p = (record as { param?: unknown }).param;
  return typeof p === 'string' && /^[A-Za-z_][A-Za-z0-9_.-]{0,40}$/.test(p) && p !== 'scan_probe' ? p : 'q';
}

/**
 * The request carrying `record` at `placement` under `encoding` on `route`; null when it cannot be sent there
 * (a header value outside latin-1, a JSON body that is not an object, an encoding that changes nothing).
 */
export function placePayload(route: ScanRoute, record: CorpusRecord, placement: Placement, encoding: Encoding): Omit<ProbeRequest, 'credential'> | null {
  const inJson = isJsonPlacement(placement);
  const value = encodeValue(record.payload, encoding, inJson);
  if (value === null) return null;
  const name = paramName(record);
  const path = fillPath(route.path);
  const json = { 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const plainBody = emptyBody(route);
  const withPlainBody = (url: string, headers: Record<string, string> = {}) => ({
    method: route.method,
    url,
    headers: { ...plainBody.headers, ...headers },
    ...(plainBody.body !== undefined ? { body: plainBody.body } : {}),
  });
  switch (placement) {
    case 'query_value':
      return withPlainBody(withMarker(path, `${name}=${encodeURIComponent(value)}`));
    case 'query_key':
      return withPlainBody(withMarker(path, `${encodeURIComponent(value)}=1`));
    case 'query_string':
      // A raw query string as the corpus gives it (already in wire form); only `plain` applies.
      if (encoding !== 'plain' || /[\s#]/.test(record.payload)) return null;
      return withPlainBody(withMarker(path, record.payload));
    case 'path_value': {
      // Longer than any id: the router refuses it as too long (414), which says nothing about injection either way.
      if (value.length > MAX_PATH_PARAM) return null;
      let first = true;
      const url = route.path.replace(/\{([^}]+)\}/g, () => {
        const v = first ? value : SAMPLE_PARAM;
        first = false;
        return encodeURIComponent(v);
      });
      return withPlainBody(withMarker(url));
    }
    case 'json_value':
      return { method: route.method, url: withMarker(path), headers: json, body: `{${JSON.stringify(name)}:${jsonString(value, encoding)}}` };
    case 'json_key':
      return { method: route.method, url: withMarker(path), headers: json, body: `{${jsonString(value, encoding)}:"x"}` };
    case 'json_body': {
      if (encoding !== 'plain') return null;
      return { method: route.method, url: withMarker(path), headers: json, body: record.payload };
    }
    case 'form_value':
      return { method: route.method, url: withMarker(path), headers: form, body: `${encodeURIComponent(name)}=${encodeURIComponent(value)}` };
    case 'form_key':
      return { method: route.method, url: withMarker(path), headers: form, body: `${encodeURIComponent(value)}=x` };
    case 'header_value': {
      if (!SENDABLE_HEADER_VALUE.test(value) || value.trim() !== value || value.length > 4000) return null;
      const header = TOKEN.test(name) && !RESERVED_HEADERS.has(name.toLowerCase()) && name !== 'q' ? name.toLowerCase() : 'x-scan-probe';
      return withPlainBody(withMarker(path), { [header]: value });
    }
    case 'cookie_value':
      return withPlainBody(withMarker(path), { cookie: `scan_probe=${encodeURIComponent(value)}` });
    case 'raw_body':
      return { method: route.method, url: withMarker(path), headers: { 'content-type': 'text/plain; charset=utf-8' }, body: value };
    case 'signed_value':
    case 'signed_key':
      return placeSignedPayload(route, record, placement === 'signed_value' ? 'json_value' : 'json_key', encoding);
  }
}

const isJsonPlacement = (p: Placement) => p === 'json_value' || p === 'json_key' || p === 'signed_value' || p === 'signed_key';

/** Fastify's default `maxParamLength`: a longer path parameter is answered 414 before anything looks at it. */
export const MAX_PATH_PARAM = 100;

export interface PayloadPlan {
  readonly probes: PayloadProbe[];
  /** Records (or placements) that could not be sent anywhere, by reason. */
  readonly skipped: Record<string, number>;
}

/**
 * Deterministic plan for a labelled corpus: each record goes to one placement of its location (rotating through
 * them by record index), on one fitting route (rotating again), with the route's credential; attacks are sent
 * plain and under `extraEncodings` further encodings (rotating), benign records plain only.
 */
export function planPayloadProbes(
  records: readonly CorpusRecord[],
  targets: readonly ScanTargetRoute[],
  opts: { extraEncodings: number } = { extraEncodings: 1 },
): PayloadPlan {
  const probes: PayloadProbe[] = [];
  const skipped: Record<string, number> = {};
  const skip = (why: string) => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  const others = ENCODINGS.filter((e) => e !== 'plain');
  records.forEach((record, i) => {
    const placements = placementsFor(record.location);
    if (placements.length === 0) {
      skip(`location ${record.location} not sent`);
      return;
    }
    // Rotate the starting placement; fall through to the next one when no route fits it or it cannot carry the payload.
    let placed = false;
    let unsendable = false;
    for (let k = 0; k < placements.length && !placed; k++) {
      const placement = placements[(i + k) % placements.length]!;
      const fitting = targets.filter((t) => fits(t, placement));
      if (fitting.length === 0) continue;
      // Routes rotate once per round of placements: rotating both by the record index would tie a placement to one
      // route whenever their counts share a factor (3 name placements, 3 JSON routes: every JSON name to the same one).
      const target = fitting[Math.floor(i / placements.length) % fitting.length]!;
      const group = record.expected === 'attack' ? 'attack' : 'benign';
      // A signed webhook takes JSON values and names inside the delivery it verifies.
      const at: Placement = target.signed !== true ? placement : placement === 'json_key' ? 'signed_key' : 'signed_value';
      const add = (encoding: Encoding, req: Omit<ProbeRequest, 'credential'>) =>
        probes.push({ ...req, credential: target.credential, group, route: target.route, record, placement: at, encoding });
      const plain = placePayload(target.route, record, at, 'plain');
      if (plain === null) {
        skip(`unsendable at ${placement}`);
        unsendable = true;
        continue;
      }
      add('plain', plain);
      // Further encodings, rotating from this record's turn: those that change the payload into something its
      // interpreter still reads as the attack (see harmlessEncoding); the harmless ones are passed over, and counted.
      let extra = 0;
      for (let e = 0; group === 'attack' && e < others.length && extra < opts.extraEncodings; e++) {
        const encoding = others[(i + e) % others.length]!;
        const req = placePayload(target.route, record, at, encoding);
        if (req === null) continue;
        const harmless = harmlessEncoding(record.kind, record.payload, encoding, isJsonPlacement(placement));
        if (harmless !== null) {
          skip(`encoding passed over as harmless: ${harmless}`);
          continue;
        }
        add(encoding, req);
        extra++;
      }
      placed = true;
    }
    if (!placed && !unsendable) skip(`no route takes ${placements.join('/')}`);
  });
  return { probes, skipped };
}

/**
 * Requests built to make a server fail: malformed and oversized bodies, wrong media types, broken URL encoding,
 * deep nesting, prototype keys, unknown routes and methods. Each must come back as a 4xx problem without internals.
 */
export function planErrorProbes(targets: readonly ScanTargetRoute[], bodyLimitBytes: number): ErrorProbe[] {
  const out: ErrorProbe[] = [];
  const jsonTarget = targets.find((t) => takesJson(t.route));
  const anyTarget = targets.find((t) => t.route.method === 'GET') ?? targets[0];
  if (jsonTarget) {
    const { route, credential } = jsonTarget;
    const url = withMarker(fillPath(route.path));
    const add = (probe: string, headers: Record<string, string>, body: string) => out.push({ group: 'error', route, probe, method: route.method, url, headers, body, credential });
    add('malformed_json', { 'content-type': 'application/json' }, '{"a": ');
    add('truncated_unicode', { 'content-type': 'application/json' }, '{"a":"\\ud800\\u"}');
    add('empty_json', { 'content-type': 'application/json' }, '');
    add('huge_body', { 'content-type': 'application/json' }, `{"a":"${'x'.repeat(bodyLimitBytes + 1024)}"}`);
    add('deep_nesting', { 'content-type': 'application/json' }, `${'['.repeat(5000)}${']'.repeat(5000)}`);
    add('proto_key', { 'content-type': 'application/json' }, '{"__proto__":{"isAdmin":true}}');
    add('constructor_key', { 'content-type': 'application/json' }, '{"constructor":{"prototype":{"isAdmin":true}}}');
    add('xml_body', { 'content-type': 'application/xml' }, '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>');
    add('utf16_charset', { 'content-type': 'application/json; charset=utf-16' }, '{}');
    add('no_content_type', {}, '{}');
    add('multipart', { 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n');
  }
  if (anyTarget) {
    const { route, credential } = anyTarget;
    const add = (probe: string, url: string, method = route.method) => out.push({ group: 'error', route, probe, method, url, headers: emptyBody(route).headers, ...(emptyBody(route).body !== undefined && method !== 'GET' ? { body: emptyBody(route).body! } : {}), credential });
    const path = fillPath(route.path);
    add('bad_percent_encoding', withMarker(path, 'q=%zz%'));
    add('overlong_query', withMarker(path, `q=${'a'.repeat(16_000)}`));
    add('duplicate_params', withMarker(path, 'q=1&q=2'));
    if (route.pathParams.length > 0) {
      add('overlong_path_param', withMarker(fillPath(route.path, () => 'x'.repeat(1000))));
      add('bad_path_encoding', withMarker(route.path.replace(/\{[^}]+\}/, '%E0%A4%A')));
    }
  }
  const none = (probe: string, method: string, url: string) => out.push({ group: 'error', route: null, probe, method, url, headers: {}, credential: 'none' });
  none('unknown_route', 'GET', withMarker('/v1/__scan_no_such_route__'));
  none('unknown_route_traversal', 'GET', '/v1/..%2f..%2fetc%2fpasswd');
  none('bad_method', 'PATCH', withMarker('/health'));
  none('null_byte_path', 'GET', '/health%00.json');
  return out;
}
