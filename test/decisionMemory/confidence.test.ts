import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD, decay, lowerBound, posteriorMean, withCorrection, withEvidence } from '../../src/decisionMemory/confidence.js';

const counts = fc.record({
  successes: fc.integer({ min: 0, max: 500 }),
  failures: fc.integer({ min: 0, max: 500 }),
});

describe('track record confidence', () => {
  it('does not let three successes of three look like 95 %', () => {
    expect(lowerBound({ successes: 3, failures: 0, lastAt: 1 })).toBeLessThan(0.6);
    expect(lowerBound({ successes: 200, failures: 0, lastAt: 1 })).toBeGreaterThan(0.95);
  });

  it('keeps the lower bound within [0, posterior mean]', () => {
    fc.assert(
      fc.property(counts, ({ successes, failures }) => {
        const r = { successes, failures, lastAt: 1 };
        const lb = lowerBound(r);
        expect(lb).toBeGreaterThanOrEqual(0);
        expect(lb).toBeLessThanOrEqual(posteriorMean(r) + 1e-12);
      }),
    );
  });

  it('never lowers the bound on a success and never raises it on a failure', () => {
    fc.assert(
      fc.property(counts, ({ successes, failures }) => {
        const r = { successes, failures, lastAt: 1 };
        expect(lowerBound({ ...r, successes: successes + 1 })).toBeGreaterThanOrEqual(lowerBound(r));
        expect(lowerBound({ ...r, failures: failures + 1 })).toBeLessThanOrEqual(lowerBound(r));
      }),
    );
  });

  it('halves idle evidence every half-life', () => {
    const day = 86_400_000;
    const r = { successes: 8, failures: 2, lastAt: day };
    const later = decay(r, day + 30 * day, 30 * day);
    expect(later.successes).toBeCloseTo(4);
    expect(later.failures).toBeCloseTo(1);
  });

  it('counts simultaneous evidence the same in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), (outcomes) => {
        const apply = (xs: boolean[]) => xs.reduce((r, s) => withEvidence(r, s, 1000, 86_400_000), EMPTY_RECORD);
        const a = apply(outcomes);
        const b = apply([...outcomes].reverse());
        expect(a.successes).toBe(b.successes);
        expect(a.failures).toBe(b.failures);
      }),
    );
  });

  it('lets an old record drift back towards the prior', () => {
    const day = 86_400_000;
    const strong = { successes: 100, failures: 0, lastAt: day };
    const old = withEvidence(strong, true, day * 400, 30 * day);
    expect(lowerBound(old)).toBeLessThan(lowerBound(withEvidence(strong, true, day * 2, 30 * day)));
  });

  it('a corrected success moves one unit of evidence to failures: never lowers the total, never raises the bound', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const r = { ...c, lastAt: 1000 };
        const after = withCorrection(r, 1000, 30 * 864e5);
        expect(after.successes).toBe(Math.max(0, c.successes - 1));
        expect(after.failures).toBe(c.failures + 1);
        expect(after.successes).toBeGreaterThanOrEqual(0);
        expect(lowerBound(after)).toBeLessThanOrEqual(lowerBound(r));
      }),
    );
  });
});
