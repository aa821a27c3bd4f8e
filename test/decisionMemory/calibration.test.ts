import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Calibrator, binMidpoint, binOf, expectedCalibrationError, reliabilityTable } from '../../src/decisionMemory/calibration.js';
import { seededRandom } from '../../src/decisionMemory/random.js';

describe('prequential calibration', () => {
  const logit = (p: number): number => Math.log(p / (1 - p));

  it('trusts the raw score before any outcome (within half a bin, in log-odds)', () => {
    const c = new Calibrator();
    expect(c.calibrate(0.9)).toBeCloseTo(0.8909, 3);
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (s) => {
        expect(Math.abs(logit(c.calibrate(s)) - logit(s))).toBeLessThanOrEqual(0.1 + 1e-9);
      }),
    );
  });

  it('bins evenly in log-odds: finer near 0 and 1, so 0.93 and 0.99 never share a bin', () => {
    expect(binOf(0.93, 70)).toBeLessThan(binOf(0.95, 70));
    expect(binOf(0.95, 70)).toBeLessThan(binOf(0.97, 70));
    expect(binOf(0.97, 70)).toBeLessThan(binOf(0.99, 70));
    expect(binOf(0, 70)).toBe(0);
    expect(binOf(1, 70)).toBe(69);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(binOf(lo, 70)).toBeLessThanOrEqual(binOf(hi, 70));
        const bin = binOf(lo, 70);
        expect(binOf(binMidpoint(bin, 70), 70)).toBe(bin);
      }),
    );
  });

  it('takes back a hit when a right outcome turns out wrong', () => {
    const c = new Calibrator();
    for (let i = 0; i < 200; i++) c.observe(0.97, true);
    const before = c.calibrate(0.97);
    for (let i = 0; i < 100; i++) c.revise(0.97);
    expect(before).toBeGreaterThan(0.95);
    const state = c.toState();
    expect(state.n.reduce((a, b) => a + b, 0)).toBe(200);
    expect(state.k.reduce((a, b) => a + b, 0)).toBe(100);
    expect(c.calibrate(0.97)).toBeLessThan(0.6);
    // A bin with no hits left stays at zero hits (never negative).
    const empty = new Calibrator();
    empty.revise(0.5);
    expect(empty.toState().k.every((k) => k === 0)).toBe(true);
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
