import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAN, banDurationMs, banRemainingMs } from '../../../src/security/rateLimit/bans.js';
import { subjectsOf } from '../../../src/security/rateLimit/clientAddress.js';
import { type LimitReading, policyHeader, rateLimitHeader, retryAfterSeconds, tightest } from '../../../src/security/rateLimit/headers.js';
import { effectivePoints, nominalWindow, storeCeiling } from '../../../src/security/rateLimit/layers.js';
import { type RiskSignal, TRUST, applySignal, freshTrust, multiplierAt, observeResponse } from '../../../src/security/rateLimit/trust.js';

const signals: RiskSignal[] = ['injection_attempt', 'auth_failure_burst', 'repeated_429'];
const multiplier = fc.double({ min: TRUST.min, max: TRUST.max, noNaN: true });
const base = { window: { points: 100, windowMs: 900_000 } };

describe('trust multiplier', () => {
  it('stays within its bounds whatever happens', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...signals), fc.integer({ min: 100, max: 599 })), { maxLength: 300 }), fc.array(fc.nat(120_000), { maxLength: 300 }), (steps, gaps) => {
        let s = freshTrust(0);
        let t = 0;
        steps.forEach((step, i) => {
          t += gaps[i] ?? 1;
          s = typeof step === 'number' ? observeResponse(s, step, t).state : applySignal(s, step, t).state;
          const m = multiplierAt(s, t);
          expect(m).toBeGreaterThanOrEqual(TRUST.min);
          expect(m).toBeLessThanOrEqual(TRUST.max);
        });
      }),
    );
  });

  it('only ever tightens on a risk signal', () => {
    fc.assert(
      fc.property(multiplier, fc.constantFrom(...signals), fc.nat(3_600_000), (m, signal, at) => {
        const s = { ...freshTrust(0), multiplier: m };
        const before = multiplierAt(s, at);
        const { state, change } = applySignal(s, signal, at);
        expect(multiplierAt(state, at)).toBeLessThanOrEqual(before);
        expect(change === null ? before : change.to).toBeCloseTo(multiplierAt(state, at), 12);
      }),
    );
  });

  it('decays monotonically back towards 1, halving the distance every half-life', () => {
    fc.assert(
      fc.property(multiplier, fc.nat(10_000_000), fc.nat(10_000_000), (m, a, b) => {
        const s = { ...freshTrust(0), multiplier: m };
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        expect(Math.abs(multiplierAt(s, t2) - 1)).toBeLessThanOrEqual(Math.abs(multiplierAt(s, t1) - 1) + 1e-12);
        expect(multiplierAt(s, TRUST.halfLifeMs) - 1).toBeCloseTo((m - 1) / 2, 9);
      }),
    );
  });

  it('tightens after a burst of 401/403 within a minute, not after scattered failures', () => {
    let s = freshTrust(0);
    const changes = [];
    for (let i = 0; i < TRUST.authBurst; i++) {
      const r = observeResponse(s, 401, i * 1000);
      s = r.state;
      changes.push(r.change);
    }
    expect(changes.slice(0, -1).every((c) => c === null)).toBe(true);
    expect(changes.at(-1)).toEqual({ from: 1, to: TRUST.penalty.auth_failure_burst, reason: 'auth_failure_burst' });

    let spread = freshTrust(0);
    for (let i = 0; i < TRUST.authBurst * 3; i++) spread = observeResponse(spread, 403, i * TRUST.authBurstWindowMs).state;
    expect(multiplierAt(spread, TRUST.authBurst * 3 * TRUST.authBurstWindowMs)).toBe(1);
  });

  it('relaxes one step per clean streak, up to the ceiling', () => {
    let s = freshTrust(0);
    let last = null;
    for (let i = 0; i < TRUST.cleanStreakForStep; i++) {
      last = observeResponse(s, 200, 0);
      s = last.state;
    }
    expect(last?.change).toEqual({ from: 1, to: 1 + TRUST.cleanStep, reason: 'clean_history' });
    for (let i = 0; i < TRUST.cleanStreakForStep * 40; i++) s = observeResponse(s, 204, 0).state;
    expect(multiplierAt(s, 0)).toBe(TRUST.max);
  });

  it('lets the key risk multiplier cap trust without compounding', () => {
    const once = applySignal(freshTrust(0), 'key_risk', 0, 0.4);
    expect(once.change).toEqual({ from: 1, to: 0.4, reason: 'key_risk' });
    expect(applySignal(once.state, 'key_risk', 0, 0.4).change).toBeNull();
  });
});

describe('layer windows', () => {
  it('never lets a tighter multiplier allow more, nor a quota fall below 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), multiplier, multiplier, (nominal, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(effectivePoints(nominal, lo)).toBeLessThanOrEqual(effectivePoints(nominal, hi));
        expect(effectivePoints(nominal, lo)).toBeGreaterThanOrEqual(1);
        expect(effectivePoints(nominal, hi)).toBeLessThanOrEqual(storeCeiling(nominal, TRUST.max));
      }),
    );
  });

  it('scales the pre-auth layers from the configured window and lets per-key settings replace it', () => {
    expect(nominalWindow('ip', base, { points: 5, windowMs: 1000 })).toEqual({ points: 300, windowMs: 900_000 });
    expect(nominalWindow('prefix', base, null)).toEqual({ points: 1000, windowMs: 900_000 });
    expect(nominalWindow('principal', base, null)).toEqual(base.window);
    expect(nominalWindow('principal', base, { points: 5, windowMs: 1000 })).toEqual({ points: 5, windowMs: 1000 });
    expect(nominalWindow('route', base, { points: 10, windowMs: 1000 }, 'public')).toEqual({ points: 5, windowMs: 1000 });
  });
});

describe('bans', () => {
  it('double with each repeat, capped, and are never shorter than the first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), (n) => {
        expect(banDurationMs(n + 1)).toBeGreaterThanOrEqual(banDurationMs(n));
        expect(banDurationMs(n)).toBeGreaterThanOrEqual(BAN.baseMs);
        expect(banDurationMs(n)).toBeLessThanOrEqual(BAN.maxMs);
      }),
    );
    expect(banDurationMs(3)).toBe(4 * BAN.baseMs);
    expect(banRemainingMs({ subject: 'x', reason: 'r', until: 1000, nth: 1 }, 1500)).toBe(0);
  });
});

describe('RateLimit headers', () => {
  const r = (policy: string, remaining: number, resetMs: number): LimitReading => ({ policy, quota: 100, windowMs: 900_000, remaining, resetMs });
  it('formats the draft-ietf-httpapi-ratelimit-headers examples', () => {
    expect(policyHeader([r('default', 42, 30_000)])).toBe('"default";q=100;w=900');
    expect(rateLimitHeader(r('default', 42, 29_100))).toBe('"default";r=42;t=30');
    expect(policyHeader([r('ip', 1, 1), { ...r('client', 1, 1), quota: 5, windowMs: 60_000 }])).toBe('"ip";q=100;w=900, "client";q=5;w=60');
  });
  it('reports the reading nearest exhaustion and a Retry-After of at least one second', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ remaining: fc.nat(1000), resetMs: fc.nat(900_000) }), { minLength: 1, maxLength: 5 }), (rs) => {
        const readings = rs.map((x, i) => r(`p${i}`, x.remaining, x.resetMs));
        const top = tightest(readings)!;
        for (const x of readings) expect(top.remaining).toBeLessThanOrEqual(x.remaining);
      }),
    );
    fc.assert(
      fc.property(fc.nat(10_000_000), (ms) => {
        expect(retryAfterSeconds(ms) * 1000).toBeGreaterThanOrEqual(ms);
      }),
    );
    expect(retryAfterSeconds(0)).toBe(1);
  });
});

describe('client subjects', () => {
  it('groups IPv6 addresses by /56 and leaves IPv4 alone', () => {
    expect(subjectsOf('2001:db8:ab:cd12::1')).toEqual({ ip: '2001:db8:ab:cd12::1', prefix: '2001:db8:ab:cd00::/56' });
    expect(subjectsOf('2001:db8:ab:cdff:1:2:3:4').prefix).toBe('2001:db8:ab:cd00::/56');
    expect(subjectsOf('2001:db8:ab:ce00::1').prefix).toBe('2001:db8:ab:ce00::/56');
    expect(subjectsOf('::1').prefix).toBe('0:0:0:0::/56');
    expect(subjectsOf('203.0.113.9')).toEqual({ ip: '203.0.113.9', prefix: null });
    expect(subjectsOf('::ffff:203.0.113.9')).toEqual({ ip: '203.0.113.9', prefix: null });
    expect(subjectsOf('64:ff9b::192.0.2.33').prefix).toBe('64:ff9b:0:0::/56');
  });
  it('puts every address of one /56 under the same prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }), (low, rest) => {
        const ip = `2001:db8:1:ab${low.toString(16).padStart(2, '0')}:${rest.map((x) => x.toString(16)).join(':')}`;
        expect(subjectsOf(ip).prefix).toBe('2001:db8:1:ab00::/56');
      }),
    );
  });
});
