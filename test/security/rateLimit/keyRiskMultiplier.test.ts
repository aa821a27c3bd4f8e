import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RISK_HALF_LIFE_HOURS, RISK_THRESHOLDS, currentLimitMultiplier, decayedScore } from '../../../src/security/apiKeys/risk.js';

const T = new Date('2026-03-02T12:00:00Z');
const hours = (h: number) => new Date(T.getTime() + h * 3_600_000);

describe('the key risk cap on rate limits', () => {
  it('is the tightened multiplier exactly while the decayed score reaches the threshold, 1 afterwards', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.double({ min: 0, max: 24 * 30, noNaN: true }), (score, m, h) => {
        const tightened = decayedScore(score, T, hours(h)) >= RISK_THRESHOLDS.tightened;
        expect(currentLimitMultiplier(score, T, m, hours(h))).toBe(tightened ? m : 1);
      }),
    );
  });

  it('only ever relaxes as time passes', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (score, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(currentLimitMultiplier(score, T, 0.25, hours(late))).toBeGreaterThanOrEqual(currentLimitMultiplier(score, T, 0.25, hours(early)));
      }),
    );
  });

  it('leaves an unrestricted key alone, and lifts a key-in-URL cap (60) after log2(60/50) half-lives', () => {
    expect(currentLimitMultiplier(150, T, 1, T)).toBe(1);
    const lift = RISK_HALF_LIFE_HOURS * Math.log2(60 / 50);
    expect(currentLimitMultiplier(60, T, 0.25, hours(lift - 0.01))).toBe(0.25);
    expect(currentLimitMultiplier(60, T, 0.25, hours(lift + 0.01))).toBe(1);
  });
});
