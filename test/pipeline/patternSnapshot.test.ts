import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HISTORY_POINTS, withPoint } from '../../src/pipeline/patternSnapshot.js';
import type { ConfidencePoint } from '../../src/pipeline/ports.js';

const point = (i: number, reliability: number, state: ConfidencePoint['state'] = 'learning'): ConfidencePoint => ({ at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), reliability, state });

describe('confidence history', () => {
  it('adds a point only when reliability or state moved', () => {
    const h1 = withPoint([], point(0, 0.2));
    expect(withPoint(h1, point(1, 0.2))).toBe(h1);
    expect(withPoint(h1, point(1, 0.3))).toHaveLength(2);
    expect(withPoint(h1, point(1, 0.2, 'suggested'))).toHaveLength(2);
  });

  it('property: bounded, newest last, never two equal neighbours', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom<ConfidencePoint['state']>('learning', 'suggested', 'auto')), { maxLength: 400 }), (steps) => {
        let h: readonly ConfidencePoint[] = [];
        steps.forEach(([r, s], i) => {
          h = withPoint(h, point(i, r, s));
        });
        expect(h.length).toBeLessThanOrEqual(HISTORY_POINTS);
        for (let i = 1; i < h.length; i++) {
          expect(h[i]!.at > h[i - 1]!.at).toBe(true);
          expect(h[i]!.state === h[i - 1]!.state && h[i]!.reliability === h[i - 1]!.reliability).toBe(false);
        }
      }),
    );
  });
});
