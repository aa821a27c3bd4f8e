import { createHmac } from 'node:crypto';
import type { JsonObject, JsonValue } from './canonical.js';

/**
 * Personal-data minimisation for audit bodies. Audit entries are immutable, so they must never hold
 * what a customer may ask us to delete: phone numbers and message text become keyed hashes (HMAC,
 * so nobody without the key can brute-force a phone number back) and the message itself is kept
 * only by reference (its event id) in the deletable tables. Deleting the messages then leaves
 * every audit hash intact, and the same number still links its entries for an investigation.
 */

export interface MinimizerConfig {
  /** The HMAC key, at least 16 bytes (configuration: `AUDIT_HMAC_KEY`, base64). */
  readonly key: Uint8Array;
  /** Names the key in every pseudonym so a rotated key never silently mixes with the old one. */
  readonly keyId: string;
  /** Body fields holding a phone number (matched case-insensitively). */
  readonly phoneFields?: readonly string[];
  /** Body fields holding free customer text. */
  readonly textFields?: readonly string[];
}

export const DEFAULT_PHONE_FIELDS = ['phone', 'phoneNumber', 'customerPhone', 'msisdn', 'sender', 'recipient'];
export const DEFAULT_TEXT_FIELDS = ['text', 'message', 'messageText', 'customerText', 'replyText'];

/** What a minimised phone field or text field becomes. */
export interface PhonePseudonym extends JsonObject {
  readonly redacted: 'phone';
  readonly keyId: string;
  readonly hmac: string;
}
export interface TextPseudonym extends JsonObject {
  readonly redacted: 'text';
  readonly keyId: string;
  readonly hmac: string;
  /** Length in UTF-16 units: enough to tell a one-word reply from an essay, nothing more. */
  readonly chars: number;
}

export interface Minimizer {
  readonly keyId: string;
  /** A copy of `body` with phone and text fields pseudonymised and inline phone numbers replaced. */
  minimize(body: JsonObject): JsonObject;
  /** The pseudonym a phone number gets, to find every entry about one customer. */
  phonePseudonym(phone: string): PhonePseudonym;
}

// An inline number must start with "+" so ISO dates, ids and amounts are never mistaken for one.
const INLINE_PHONE = /\+\d[\d ().-]{6,20}\d/g;
const MIN_KEY_BYTES = 16;

/**
 * @example
 * const m = createMinimizer({ key: randomBytes(32), keyId: 'k1' });
 * m.minimize({ phone: '+1 555 010 0199', text: 'door stuck', bay: 3 })
 * // { phone: { redacted: 'phone', keyId: 'k1', hmac: '…' },
 * //   text: { redacted: 'text', keyId: 'k1', hmac: '…', chars: 10 }, bay: 3 }
 */
export function createMinimizer(config: MinimizerConfig): Minimizer {
  if (config.key.byteLength < MIN_KEY_BYTES) throw new RangeError(`audit HMAC key must be ≥ ${MIN_KEY_BYTES} bytes`);
  if (config.keyId.length === 0) throw new RangeError('audit HMAC keyId must not be empty');
  const key = Buffer.from(config.key);
  const { keyId } = config;
  const phoneFields = new Set((config.phoneFields ?? DEFAULT_PHONE_FIELDS).map((f) => f.toLowerCase()));
  const textFields = new Set((config.textFields ?? DEFAULT_TEXT_FIELDS).map((f) => f.toLowerCase()));

  // Domain-separated so a text that happens to equal a phone number gets a different pseudonym.
  const mac = (domain: string, value: string): string =>
    createHmac('sha256', key).update(`${domain}\0`).update(value).digest('hex');

  const phonePseudonym = (phone: string): PhonePseudonym => ({
    redacted: 'phone',
    keyId,
    hmac: mac('phone', normalizePhone(phone)),
  });

  const scrubString = (s: string): string =>
    s.replace(INLINE_PHONE, (m) => {
      const digits = m.replace(/\D/g, '');
      if (digits.length < 8 || digits.length > 15) return m;
      return `[phone:${mac('phone', `+${digits}`).slice(0, 16)}]`;
    });

  const minimizeValue = (value: JsonValue, field: string | null): JsonValue => {
    const name = field?.toLowerCase() ?? null;
    if (name !== null && typeof value === 'string') {
      if (phoneFields.has(name)) return phonePseudonym(value);
      if (textFields.has(name)) return { redacted: 'text', keyId, hmac: mac('text', value), chars: value.length };
    }
    if (typeof value === 'string') return scrubString(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => minimizeValue(v, field));
    // A Date or class instance is left as is for canonicalJson to refuse, never flattened to {}.
    const proto = Object.getPrototypeOf(value);
    if ((proto !== Object.prototype && proto !== null) || isPseudonym(value)) return value;
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as JsonObject)) out[k] = minimizeValue(v, k);
    return out;
  };

  return {
    keyId,
    minimize: (body) => minimizeValue(body, null) as JsonObject,
    phonePseudonym,
  };
}

/**
 * Digits with a leading "+", so "+1 (555) 010-0199" and "+15550100199" get one pseudonym.
 * @example
 * normalizePhone('+1 (555) 010-0199') // '+15550100199'
 */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return phone.trim().startsWith('+') ? `+${digits}` : digits;
}

// Only an exact pseudonym passes through untouched, so nothing can smuggle raw text beside one.
function isPseudonym(value: object): boolean {
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v).sort().join(',');
  const hmacOk = typeof v.hmac === 'string' && /^[0-9a-f]{64}$/.test(v.hmac) && typeof v.keyId === 'string';
  if (v.redacted === 'phone') return hmacOk && keys === 'hmac,keyId,redacted';
  if (v.redacted === 'text') return hmacOk && typeof v.chars === 'number' && keys === 'chars,hmac,keyId,redacted';
  return false;
}
