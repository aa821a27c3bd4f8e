import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Calibrator, expectedCalibrationError, reliabilityTable } from '../../src/decisionMemory/calibration.js';
import { seededRandom } from '../../src/decisionMemory/random.js';

describe('prequential calibration', () => {
  it('trusts the raw score before any outcome', () => {
    const c = new Calibrator();
    expect(c.calibrate(0.9)).toBeCloseTo(0.9125, 3);
  });

  it('stays monotone and within [0, 1] whatever it observed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { maxLength: 200 }), (pairs) => {
        const c = new Calibrator();
        for (const [s, ok] of pairs) c.observe(s, ok);
        let prev = -1;
        for (let s = 0; s <= 1; s += 0.01) {
          const p = c.calibrate(s);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(p).toBeGreaterThanOrEqual(prev - 1e-12);
          prev = p;
        }
      }),
    );
  });

  it('learns that an overconfident score is right only half the time', () => {
    const c = new Calibrator();
    const rng = seededRandom(3);
    for (let i = 0; i < 4000; i++) c.observe(0.97, rng.next() < 0.5);
    expect(c.calibrate(0.97)).toBeGreaterThan(0.45);
    expect(c.calibrate(0.97)).toBeLessThan(0.55);
  });

  it('computes the reliability table and ECE exactly', () => {
    const pairs = [
      { confidence: 0.95, correct: true },
      { confidence: 0.95, correct: false },
      { confidence: 0.15, correct: false },
      { confidence: 0.15, correct: false },
    ];
    const table = reliabilityTable(pairs);
    expect(table).toEqual([
      { from: 0.1, to: 0.2, n: 2, meanConfidence: 0.15, accuracy: 0 },
      { from: 0.9, to: 1, n: 2, meanConfidence: 0.95, accuracy: 0.5 },
    ]);
    expect(expectedCalibrationError(pairs)).toBeCloseTo((2 * 0.15 + 2 * 0.45) / 4, 10);
  });

  it('round-trips its state as plain data', () => {
    const c = new Calibrator();
    c.observe(0.8, true);
    c.observe(0.8, false);
    const back = Calibrator.fromState(JSON.parse(JSON.stringify(c.toState())));
    expect(back.calibrate(0.8)).toBe(c.calibrate(0.8));
  });
});
