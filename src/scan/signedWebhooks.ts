import { type Encoding, encodeValue, jsonString } from './encodings.js';
import type { ScanRoute } from './openapi.js';
import type { AuthProbe, ProbeRequest } from './probes.js';

/**
 * Signed webhooks (public routes whose caller proves itself with a signature over the body, `x-clubos-public:
 * signed_webhook`). The scanner checks that a delivery without a valid, fresh signature is refused, and, given the
 * signing secret, sends the corpus inside deliveries it signs, so the route is attacked as its sender reaches it.
 * Such a delivery must pass validation to be verified, so it carries no probe marker: it is of an event type the
 * webhook verifies and acknowledges but never stores (`message.delivered`, an outgoing message's status), and a
 * scan still changes nothing. Pure: the runner signs each request when it sends it.
 */

/** How a signed webhook's sender signs, and how the scan is given its secret. */
export interface SigningScheme {
  readonly name: 'openphone';
  /** The request header that carries the signature. */
  readonly header: string;
  /** The command-line option and environment variable that carry the secret. */
  readonly option: string;
  readonly env: string;
}

export const OPENPHONE_SCHEME: SigningScheme = { name: 'openphone', header: 'openphone-signature', option: '--openphone-secret', env: 'CLUBOS_SCAN_OPENPHONE_SECRET' };

export const SIGNING_SCHEMES: readonly SigningScheme[] = [OPENPHONE_SCHEME];

/** The signed webhooks ClubOS serves, by path: their scheme is not in the OpenAPI document, only that they are signed. */
const SCHEMES_BY_PATH: Readonly<Record<string, SigningScheme>> = { '/v1/webhooks/openphone': OPENPHONE_SCHEME };

/** @example isSignedWebhook({ ...route, access: { kind: 'public', purpose: 'signed_webhook' } }) // true */
export const isSignedWebhook = (route: ScanRoute): boolean => route.access.kind === 'public' && route.access.purpose === 'signed_webhook';

/** The scheme of a signed webhook route (by its path), or null when the scanner knows none. */
export const schemeOf = (route: ScanRoute): SigningScheme | null => (isSignedWebhook(route) ? (SCHEMES_BY_PATH[route.path] ?? null) : null);

/** The scheme whose webhook a request goes to (the runner signs with it). */
export const schemeOfUrl = (url: string): SigningScheme | null => SCHEMES_BY_PATH[url.split('?')[0]!] ?? null;

/** How the runner signs a request: a valid, fresh signature; one ten minutes old; one by another key; not a signature. */
export type Signature = 'signature' | 'stale_signature' | 'wrong_signature' | 'malformed_signature';

/** A signature older than any sender's tolerance (OpenPhone's is 5 minutes). */
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

/** A correctly signed delivery carrying nothing hostile: the server must acknowledge it (200), or the secret is wrong. */
export function controlDelivery(route: ScanRoute): ProbeRequest {
  return { method: route.method, url: route.path, headers: JSON_TYPE, body: openPhoneDelivery('EVscan-control', '"scan"'), credential: 'signature' };
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
    const body = openPhoneDelivery('EVscan-check', '"scan"');
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
 * A corpus payload inside a delivery the runner signs: a value as the message text (`json_value`), a name as a
 * field of the message (`json_key`). Null when the encoding changes nothing.
 */
export function placeSignedPayload(route: ScanRoute, record: { readonly id: string; readonly payload: string }, placement: 'json_value' | 'json_key', encoding: Encoding): Omit<ProbeRequest, 'credential'> | null {
  const value = encodeValue(record.payload, encoding, true);
  if (value === null) return null;
  const literal = jsonString(value, encoding);
  const eventId = `EVscan-${record.id}-${encoding}`;
  const body = placement === 'json_value' ? openPhoneDelivery(eventId, literal) : openPhoneDelivery(eventId, '"scan"', `${literal}:"x"`);
  return { method: route.method, url: route.path, headers: JSON_TYPE, body };
}
