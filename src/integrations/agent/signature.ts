import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../secret.js';

/**
 * The on-site agent's request signature, both directions: `X-ClubOS-Timestamp: <unix seconds>` and
 * `X-ClubOS-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.
 */

/**
 * @example
 * agentSignatureHeaders(secret, new Date('2026-01-01T00:00:00Z'), '{"id":"x"}');
 * // { 'x-clubos-timestamp': '1767225600', 'x-clubos-signature': 'v1=…' }
 */
export function agentSignatureHeaders(secret: Secret, now: Date, body: string): Record<string, string> {
  const ts = String(Math.floor(now.getTime() / 1000));
  return { 'x-clubos-timestamp': ts, 'x-clubos-signature': `v1=${hmacHex(secret, ts, body)}` };
}

export type AgentSignatureVerdict = 'valid' | 'missing' | 'malformed' | 'bad_signature' | 'stale';

/**
 * Verifies a request the agent sent to ClubOS (a completion callback).
 *
 * @example
 * verifyAgentSignature(req.headers['x-clubos-timestamp'], req.headers['x-clubos-signature'], raw, secret, now, 300_000); // 'valid'
 */
export function verifyAgentSignature(
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string,
  secret: Secret,
  now: Date,
  toleranceMs: number,
): AgentSignatureVerdict {
  if (timestamp === undefined || signature === undefined) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp) || !/^v1=[0-9a-f]{64}$/.test(signature)) return 'malformed';
  const given = Buffer.from(signature.slice(3), 'hex');
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  if (!timingSafeEqual(given, expected)) return 'bad_signature';
  return Math.abs(now.getTime() - Number(timestamp) * 1000) > toleranceMs ? 'stale' : 'valid';
}

function hmacHex(secret: Secret, ts: string, body: string): string {
  return createHmac('sha256', secret.reveal()).update(`${ts}.${body}`).digest('hex');
}
