import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord, parseJson } from '../httpCall.js';
import type { Secret } from '../secret.js';

/**
 * Incoming OpenPhone webhooks. Each delivery carries `openphone-signature: hmac;1;<ms timestamp>;<base64>`,
 * an HMAC-SHA256 of `<timestamp>.<raw body>` under the base64-decoded signing key. A delivery is
 * accepted only when the signature matches, the timestamp is within tolerance (old captures cannot be
 * replayed) and its event id was not seen before (a replay inside the tolerance is a duplicate).
 */

export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'bad_signature' | 'stale';

/**
 * @example
 * verifyOpenPhoneSignature(req.headers['openphone-signature'], rawBody, key, now, 5 * 60_000); // 'valid'
 */
export function verifyOpenPhoneSignature(
  header: string | undefined,
  rawBody: string,
  signingKey: Secret,
  now: Date,
  toleranceMs: number,
): SignatureVerdict {
  if (header === undefined || header === '') return 'missing';
  const parts = header.split(';');
  if (parts.length !== 4 || parts[0] !== 'hmac' || parts[1] !== '1' || !/^\d{10,16}$/.test(parts[2]!)) return 'malformed';
  const timestamp = parts[2]!;
  const given = Buffer.from(parts[3]!, 'base64');
  const expected = createHmac('sha256', Buffer.from(signingKey.reveal(), 'base64')).update(`${timestamp}.${rawBody}`).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  return Math.abs(now.getTime() - Number(timestamp)) > toleranceMs ? 'stale' : 'valid';
}

/**
 * The signature OpenPhone puts on a delivery: what `verifyOpenPhoneSignature` checks, made by whoever holds the key
 * (the scanner signs its probes with it, so they pass as real deliveries).
 * @example verifyOpenPhoneSignature(signOpenPhoneWebhook(body, key, now), body, key, now, 60_000) // 'valid'
 */
export function signOpenPhoneWebhook(rawBody: string, signingKey: Secret, at: Date): string {
  const timestamp = String(at.getTime());
  const mac = createHmac('sha256', Buffer.from(signingKey.reveal(), 'base64')).update(`${timestamp}.${rawBody}`).digest('base64');
  return `hmac;1;${timestamp};${mac}`;
}

/** Remembers delivered event ids across instances (a table with a unique key in production). */
export interface SeenEvents {
  /** Atomically records `id`; true when it had not been seen before. */
  firstSeen(id: string, now: Date): Promise<boolean>;
}

/** An inbound SMS as intake receives it; `text` is exactly what the customer wrote. */
export interface IncomingSms {
  readonly eventId: string;
  readonly messageId: string;
  /** Customer number (E.164). */
  readonly from: string;
  /** The venue's OpenPhone number it was sent to. */
  readonly to: string;
  readonly text: string;
  readonly receivedAt: Date;
  readonly phoneNumberId: string | null;
  readonly conversationId: string | null;
}

export type WebhookVerdict =
  | { readonly status: 'accepted'; readonly sms: IncomingSms }
  /** Authentic, but not an inbound message (calls, delivery updates…): acknowledge with 2xx. */
  | { readonly status: 'ignored'; readonly eventType: string }
  | { readonly status: 'duplicate'; readonly eventId: string }
  | { readonly status: 'rejected'; readonly reason: Exclude<SignatureVerdict, 'valid'> | 'malformed_payload' };

export interface WebhookOptions {
  readonly signingKey: Secret;
  readonly seen: SeenEvents;
  readonly now: Date;
  /** Default 5 minutes. */
  readonly toleranceMs?: number;
}

/**
 * Verifies and parses one delivery. Signature first (nothing unauthenticated is parsed), then the
 * seen-id check, so a forged body cannot burn a real event id.
 *
 * @example
 * const v = await receiveOpenPhoneWebhook(req.headers['openphone-signature'], rawBody, { signingKey, seen, now });
 * if (v.status === 'accepted') intake(v.sms);
 */
export async function receiveOpenPhoneWebhook(header: string | undefined, rawBody: string, options: WebhookOptions): Promise<WebhookVerdict> {
  const signature = verifyOpenPhoneSignature(header, rawBody, options.signingKey, options.now, options.toleranceMs ?? 5 * 60_000);
  if (signature !== 'valid') return { status: 'rejected', reason: signature };
  const event = parseJson(rawBody);
  if (!isRecord(event) || typeof event.id !== 'string' || event.id === '' || typeof event.type !== 'string') {
    return { status: 'rejected', reason: 'malformed_payload' };
  }
  if (event.type !== 'message.received') return { status: 'ignored', eventType: event.type };
  const sms = parseMessage(event.id, event.data);
  if (sms === null) return { status: 'rejected', reason: 'malformed_payload' };
  if (!(await options.seen.firstSeen(event.id, options.now))) return { status: 'duplicate', eventId: event.id };
  return { status: 'accepted', sms };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function parseMessage(eventId: string, data: unknown): IncomingSms | null {
  const m = isRecord(data) && isRecord(data.object) ? data.object : null;
  if (m === null) return null;
  // Webhook versions differ: the text is `body` (v3) or `text` (v4); `to` a number or a list of one.
  const text = typeof m.body === 'string' ? m.body : typeof m.text === 'string' ? m.text : null;
  const to = Array.isArray(m.to) ? str(m.to[0]) : str(m.to);
  const from = str(m.from);
  const id = str(m.id);
  const createdAt = typeof m.createdAt === 'string' ? new Date(m.createdAt) : null;
  if (text === null || to === null || from === null || id === null || createdAt === null || Number.isNaN(createdAt.getTime())) return null;
  return {
    eventId,
    messageId: id,
    from,
    to,
    text,
    receivedAt: createdAt,
    phoneNumberId: str(m.phoneNumberId),
    conversationId: str(m.conversationId),
  };
}

/**
 * An in-process `SeenEvents` for a single instance and for tests; entries expire after `ttlMs`
 * (beyond the signature tolerance a replay is already rejected as stale).
 */
export function memorySeenEvents(ttlMs: number): SeenEvents {
  const seen = new Map<string, number>();
  return {
    async firstSeen(id, now) {
      const t = now.getTime();
      for (const [k, at] of seen) if (t - at > ttlMs) seen.delete(k);
      if (seen.has(id)) return false;
      seen.set(id, t);
      return true;
    },
  };
}
