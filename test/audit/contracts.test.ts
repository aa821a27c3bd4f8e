import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/audit/csv.js';
import { GENESIS_HEAD, sealEntry } from '../../src/audit/entry.js';
import { createMinimizer } from '../../src/audit/minimize.js';

const content = (seq: number) => ({ seq, at: '2026-01-01T00:00:00.000Z', actor: { type: 'system', id: 'x' }, action: 'flag.changed', resource: null, location: null, correlationId: null, body: { flag: 'f', on: true } }) as never;

describe('audit entry sealing', () => {
  it('seals only the entry that follows the head', () => {
    const first = sealEntry(GENESIS_HEAD, content(1));
    expect(() => sealEntry(GENESIS_HEAD, content(2))).toThrow(RangeError);
    expect(() => sealEntry({ seq: first.seq, hash: first.hash }, content(3))).toThrow('seq 3 does not follow head 1');
    // A head at the largest safe integer cannot be followed by a safe seq.
    expect(() => sealEntry({ seq: Number.MAX_SAFE_INTEGER, hash: first.hash }, content(Number.MAX_SAFE_INTEGER + 1))).toThrow('is not a safe positive integer');
  });
});

describe('CSV cells for auditors', () => {
  it('writes numbers that are not finite as empty cells and booleans as words', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(csvCell)).toEqual(['', '', '']);
    expect([true, false].map(csvCell)).toEqual(['true', 'false']);
  });
});

describe('audit minimisation', () => {
  it('refuses an empty key id', () => {
    expect(() => createMinimizer({ key: Buffer.alloc(32, 1), keyId: '' })).toThrow('audit HMAC keyId must not be empty');
  });

  it('pseudonymises phone numbers inside free text, but leaves plus-prefixed digit runs that cannot be phone numbers', () => {
    const m = createMinimizer({ key: Buffer.alloc(32, 1), keyId: 'k1' });
    const out = m.minimize({ note: 'call +1 902 555 0100 or +12 34 56 7, ref +1234567890123456' }) as { note: string };
    expect(out.note).toMatch(/^call \[phone:[0-9a-f]{16}\] or \+12 34 56 7, ref \+1234567890123456$/);
  });

  it('gives a phone number the same pseudonym however it is spaced (property)', () => {
    const m = createMinimizer({ key: Buffer.alloc(32, 1), keyId: 'k1' });
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{2}[2-9]\d{6}$/), (n) => {
        const a = (m.minimize({ note: `+1${n}` }) as { note: string }).note;
        const b = (m.minimize({ note: `+1 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` }) as { note: string }).note;
        expect(a).toBe(b);
        expect(a).not.toContain(n);
      }),
    );
  });
});
