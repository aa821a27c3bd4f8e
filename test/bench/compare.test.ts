import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baselineFrom, compareRatios } from '../../src/bench/compare.js';
import { figure } from '../../src/bench/types.js';

describe('bench ratio gate', () => {
  it('a ratio inside the tolerance is ok; beyond it in the worse direction is a regression, the other way an improvement', () => {
    const baseline = { tolerance: 0.5, figures: { lat: { ratio: 2, better: 'lower' as const }, tput: { ratio: 0.8, better: 'higher' as const } } };
    const verdict = (id: string, ratio: number, better: 'higher' | 'lower') => compareRatios(baseline, [{ id, ratio, better }]).find((v) => v.id === id)!.kind;
    expect(verdict('lat', 2.9, 'lower')).toBe('ok');
    expect(verdict('lat', 3.1, 'lower')).toBe('regressed');
    expect(verdict('lat', 0.9, 'lower')).toBe('improved');
    expect(verdict('tput', 0.55, 'higher')).toBe('ok');
    expect(verdict('tput', 0.5, 'higher')).toBe('regressed');
    expect(compareRatios(baseline, [{ id: 'other', ratio: 1, better: 'lower' }]).map((v) => v.kind).sort()).toEqual(['missing', 'missing', 'new']);
  });

  it('a run compared with the baseline made from it never regresses; any slowdown beyond the tolerance always does (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.double({ min: 0.001, max: 1e6, noNaN: true }), base: fc.double({ min: 0.001, max: 1e6, noNaN: true }), better: fc.constantFrom('higher' as const, 'lower' as const) }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        (rows, tolerance) => {
          const figures = rows.map((r, i) => figure({ id: `f${i}`, value: r.value, unit: 'x', baseline: { label: 'b', value: r.base }, better: r.better }));
          const baseline = baselineFrom(figures, tolerance);
          expect(compareRatios(baseline, figures).every((v) => v.kind === 'ok')).toBe(true);
          const slower = figures.map((f) => ({ ...f, ratio: f.better === 'lower' ? f.ratio * (1 + tolerance) * 1.01 : f.ratio / ((1 + tolerance) * 1.01) }));
          expect(compareRatios(baseline, slower).every((v) => v.kind === 'regressed')).toBe(true);
        },
      ),
    );
  });
});
