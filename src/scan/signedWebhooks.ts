import { createHmac } from 'node:crypto';
import type { Secret } from '../integrations/secret.js';
import { type Encoding, encodeValue, jsonString } from './encodings.js';
import type { ScanRoute } from './openapi.js';
import type { AuthProbe, ProbeRequest } from './probes.js';

/**
 * Signed webhooks (public routes whose caller proves itself with a signature over the body, `x-clubos-public:
 * signed_webhook`). The scanner checks that a delivery without a valid, fresh signature is refused, and, given the
 * signing secret, sends the corpus inside deliveries it signs, so the route is attacked as its sender reaches it.
 * Such a delivery must pass validation to be verified, so it carries no probe marker: it is one the webhook verifies
 * and acknowledges but acts on in no way, and a scan still changes nothing. OpenPhone: an event of a type it never
 * stores (`message.delivered`, an outgoing message's status). Leak reports: a reported token that is no API key
 * (answered `false_positive`; only a token that is a key is acted on). Pure: the runner signs each request when it
 * sends it.
 */

/** How a signed webhook's sender signs, and how the scan is given its secret. */
export interface SigningScheme {
  readonly name: 'openphone' | 'leak_report';
  /** The request header that carries the signature. */
  readonly header: string;
  /** A value of that header that is no signature of this scheme. */
  readonly malformed: string;
  /** The command-line option and environment variable that carry the secret. */
  readonly option: string;
  readonly env: string;
  /**
   * A delivery the webhook acknowledges and acts on in no way, as raw JSON: `value` (a JSON literal) where the
   * sender's free text goes, `field` (`"name":"value"`, raw JSON) as a further field beside it.
   */
  readonly delivery: (id: string, value: string, field?: string) => string;
}

/** OpenPhone's deliveries (`openphone-signature: hmac;1;<ms>;<base64 HMAC-SHA256>`, keyed by the base64-decoded secret). */
export const OPENPHONE_SCHEME: SigningScheme = {
  name: 'openphone',
  header: 'openphone-signature',
  malformed: 'hmac;1;scan;not-a-signature',
  option: '--openphone-secret',
  env: 'CLUBOS_SCAN_OPENPHONE_SECRET',
  delivery: (id, value, field) => openPhoneDelivery(id, value, field),
};

/**
 * Leak reports to `POST /v1/security/leaked-keys` (GitHub secret-scanning style), as that route verifies them:
 * `x-clubos-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by the secret's text as
 * configured (LEAK_REPORT_SECRET as written, not base64-decoded), fresh within 5 minutes either way.
 */
export const LEAK_REPORT_SCHEME: SigningScheme = {
  name: 'leak_report',
  header: 'x-clubos-signature',
  malformed: 't=scan,v1=not-a-signature',
  option: '--leak-report-secret',
  env: 'CLUBOS_SCAN_LEAK_REPORT_SECRET',
  delivery: (_id, value, field) => leakReportDelivery(value, field),
};

export const SIGNING_SCHEMES: readonly SigningScheme[] = [OPENPHONE_SCHEME, LEAK_REPORT_SCHEME];

/** The signed webhooks ClubOS serves, by path: their scheme is not in the OpenAPI document, only that they are signed. */
const SCHEMES_BY_PATH: Readonly<Record<string, SigningScheme>> = { '/v1/webhooks/openphone': OPENPHONE_SCHEME, '/v1/security/leaked-keys': LEAK_REPORT_SCHEME };

/** @example isSignedWebhook({ ...route, access: { kind: 'public', purpose: 'signed_webhook' } }) // true */
export const isSignedWebhook = (route: ScanRoute): boolean => route.access.kind === 'public' && route.access.purpose === 'signed_webhook';

/** The scheme of a signed webhook route (by its path), or null when the scanner knows none. */
export const schemeOf = (route: ScanRoute): SigningScheme | null => (isSignedWebhook(route) ? (SCHEMES_BY_PATH[route.path] ?? null) : null);

/** The scheme whose webhook a request goes to (the runner signs with it). */
export const schemeOfUrl = (url: string): SigningScheme | null => SCHEMES_BY_PATH[url.split('?')[0]!] ?? null;

/** How the runner signs a request: a valid, fresh signature; one ten minutes old; one by another key; not a signature. */
export type Signature = 'signature' | 'stale_signature' | 'wrong_signature' | 'malformed_signature';

/** A signature older than any sender's tolerance (OpenPhone's and leak reports' are 5 minutes). */
export const STALE_MS = 10 * 60_000;

const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * An OpenPhone `message.delivered` event as raw JSON, with `body` (a JSON string literal) as the message text and
 * `extra` (`"name":"value"`, raw JSON) as a further field of the message; the webhook acknowledges it and stores nothing.
 */
export function openPhoneDelivery(eventId: string, body: string, extra = ''): string {
  const message = `"id":"ACscan","object":"message","from":"+15550000001","to":["+15550000002"],"direction":"outgoing",${extra}${extra ? ',' : ''}"body":${body},"status":"delivered","createdAt":"2026-01-01T00:00:00.000Z"`;
  return `{"id":${JSON.stringify(eventId)},"object":"event","apiVersion":"v3","createdAt":"2026-01-01T00:00:00.000Z","type":"message.delivered","data":{"object":{${message}}}}`;
}

/** The token a scan's leak report names: not an API key (not of the `clubos_<env>_…` form), so no key is touched. */
export const SCAN_LEAK_TOKEN = 'scan-not-an-api-key';

/**
 * A leak report as raw JSON: one found token (`SCAN_LEAK_TOKEN`) with `value` (a JSON literal) as the URL where it
 * was found (the longest free text the report takes) and `field` (`"name":"value"`, raw JSON) as a further field of
 * it. The webhook answers it `false_positive` and changes nothing. Its schema takes no further field: a report with
 * one stops at validation, after the inspector has read it, before the signature is checked.
 */
export function leakReportDelivery(value: string, field = ''): string {
  return `[{"token":${JSON.stringify(SCAN_LEAK_TOKEN)},"type":"clubos_scan",${field}${field ? ',' : ''}"url":${value},"source":"clubos scan"}]`;
}

/**
 * The `x-clubos-signature` a leak reporter holding `secret` puts on `rawBody` at `at`, written from what the route
 * verifies: `t=<unix seconds>,v1=<lowercase hex HMAC-SHA256 over "<t>.<rawBody>">`, the key being the secret's text.
 * @example signLeakReport('[]', new Secret('k'), new Date(1_700_000_000_000)) // 't=1700000000,v1=<64 hex digits>'
 */
export function signLeakReport(rawBody: string, secret: Secret, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret.reveal()).update(`${t}.${rawBody}`).digest('hex')}`;
}

/** A correctly signed delivery carrying nothing hostile: the server must acknowledge it (200), or the secret is wrong. */
export function controlDelivery(route: ScanRoute, scheme: SigningScheme): ProbeRequest {
  return { method: route.method, url: route.path, headers: JSON_TYPE, body: scheme.delivery('EVscan-control', '"scan"'), credential: 'signature' };
}

/**
 * Deliveries the webhook must refuse (401) whether or not the scan has the secret: unsigned, a header that is no
 * signature, a signature by another key; with the secret also a correct signature too old to be fresh (a replay).
 */
export function planSignatureProbes(routes: readonly ScanRoute[], withSecret: (scheme: SigningScheme) => boolean): AuthProbe[] {
  const out: AuthProbe[] = [];
  for (const route of routes) {
    const scheme = schemeOf(route);
    if (scheme === null) continue;
    const body = scheme.delivery('EVscan-check', '"scan"');
    const add = (probe: AuthProbe['probe'], credential: AuthProbe['credential']) => out.push({ method: route.method, url: route.path, headers: JSON_TYPE, body, credential, group: 'auth', route, probe });
    add('unsigned_delivery', 'none');
    add('malformed_signature', 'malformed_signature');
    add('wrong_key_signature', 'wrong_signature');
    if (withSecret(scheme)) add('stale_signature', 'stale_signature');
  }
  return out;
}

/** The signature checks' probe names, in the order reported. */
export const SIGNATURE_CHECKS: readonly AuthProbe['probe'][] = ['unsigned_delivery', 'malformed_signature', 'wrong_key_signature', 'stale_signature'];

/**
 * A corpus payload inside a delivery the runner signs: a value where the sender's free text goes (`json_value`: an
 * OpenPhone message's text, a leak report's URL), a name as a further field beside it (`json_key`). Null when the
 * encoding changes nothing, or the route has no scheme the scanner knows.
 */
export function placeSignedPayload(route: ScanRoute, record: { readonly id: string; readonly payload: string }, placement: 'json_value' | 'json_key', encoding: Encoding): Omit<ProbeRequest, 'credential'> | null {
  const scheme = schemeOf(route);
  const value = encodeValue(record.payload, encoding, true);
  if (scheme === null || value === null) return null;
  const literal = jsonString(value, encoding);
  const eventId = `EVscan-${record.id}-${encoding}`;
  const body = placement === 'json_value' ? scheme.delivery(eventId, literal) : scheme.delivery(eventId, '"scan"', `${literal}:"x"`);
  return { method: route.method, url: route.path, headers: JSON_TYPE, body };
}
