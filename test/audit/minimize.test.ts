import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { createMinimizer, normalizePhone } from '../../src/audit/minimize.js';

const key = Buffer.alloc(32, 1);
const m = createMinimizer({ key, keyId: 'k1' });

const e164 = fc
  .tuple(fc.integer({ min: 1, max: 99 }), fc.stringMatching(/^[1-9]\d{8,10}$/))
  .map(([cc, rest]) => `+${cc}${rest}`);

describe('createMinimizer', () => {
  it('replaces phone and text fields by keyed pseudonyms and keeps the rest', () => {
    const out = m.minimize({ phone: '+1 555 010 0199', text: 'door stuck in bay 3', bay: 3, eventId: 'evt_1' });
    expect(out).toEqual({
      phone: { redacted: 'phone', keyId: 'k1', hmac: expect.stringMatching(/^[0-9a-f]{64}$/) },
      text: { redacted: 'text', keyId: 'k1', hmac: expect.stringMatching(/^[0-9a-f]{64}$/), chars: 19 },
      bay: 3,
      eventId: 'evt_1',
    });
  });

  it('gives one number one pseudonym whatever its formatting, so entries about a customer stay linkable', () => {
    const a = m.minimize({ customerPhone: '+1 (555) 010-0199' });
    const b = m.minimize({ PHONE: '+15550100199' });
    expect(a.customerPhone).toEqual(b.PHONE);
    expect(a.customerPhone).toEqual(m.phonePseudonym('+1-555-010-0199'));
  });

  it('depends on the key: another key gives unrelated pseudonyms', () => {
    const other = createMinimizer({ key: Buffer.alloc(32, 2), keyId: 'k2' });
    expect(other.phonePseudonym('+15550100199').hmac).not.toBe(m.phonePseudonym('+15550100199').hmac);
  });

  it('never lets a phone number through, inline in free text or nested in arrays', () => {
    fc.assert(
      fc.property(e164, fc.string({ maxLength: 20 }), (phone, words) => {
        const body = { note: `call ${phone} back ${words}`, items: [{ sender: phone }], history: [`from ${phone}`] };
        const out = canonicalJson(m.minimize(body));
        expect(out).not.toContain(phone.slice(1));
      }),
    );
  });

  it('leaves dates, ids and amounts alone: inline numbers need a leading +', () => {
    const body = { note: 'refund 2026-01-01T10:00:00Z ticket 12345678 amount -40.50', count: 12345678901 };
    expect(m.minimize(body)).toEqual(body);
  });

  it('is idempotent: minimising twice changes nothing more', () => {
    fc.assert(
      fc.property(fc.jsonValue(), e164, (v, phone) => {
        const body = { payload: v as never, phone, message: `hi from ${phone}` };
        const once = m.minimize(body);
        expect(m.minimize(once)).toEqual(once);
      }),
    );
  });

  it('does not pass through a fake pseudonym carrying raw text', () => {
    const out = m.minimize({ text: { redacted: 'text', keyId: 'k1', hmac: 'a'.repeat(64), chars: 3, raw: '+15550100199' } } as never);
    expect(canonicalJson(out)).not.toContain('15550100199');
  });

  it('refuses a short key', () => {
    expect(() => createMinimizer({ key: Buffer.alloc(8), keyId: 'k' })).toThrow(RangeError);
  });

  it('normalises phone numbers to digits with their plus', () => {
    expect(normalizePhone(' +1 (555) 010-0199 ')).toBe('+15550100199');
    expect(normalizePhone('555.010.0199')).toBe('5550100199');
  });
});
