import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../../src/pipeline/ports.js';
import { shadowByLocation, shadowFigures } from '../../src/pipeline/shadowFigures.js';

const rows = fc.array(
  fc.record({
    location: fc.constantFrom('Dartmouth', 'Halifax', null),
    decision: fc.constantFrom('reset_trackman', 'reply_faq_hours', null),
    wouldExecute: fc.boolean(),
    agreed: fc.constantFrom(true, false, null),
  }),
  { maxLength: 60 },
);

const row = (wouldExecute: boolean, agreed: boolean | null): LedgerRow => ({ location: 'Dartmouth', decision: 'reset_trackman', wouldExecute, agreed });

describe('shadow figures', () => {
  it('count an agreed would-automate proposal as an intervention saved, a disagreed one as a false positive', () => {
    const f = shadowFigures([row(true, true), row(true, false), row(false, true), row(false, null), row(true, null)]);
    expect(f).toEqual({
      proposals: 5,
      answered: 3,
      wouldAutomate: 3,
      wouldAutomateRate: 3 / 5,
      answeredWouldAutomate: 2,
      accuracy: 2 / 3,
      agreement: 1 / 2,
      falsePositiveRate: 1 / 2,
      interventionsSaved: 1,
      interventionsSavedRate: 1 / 3,
    });
  });

  it('are all zero for an empty ledger', () => {
    expect(shadowFigures([])).toMatchObject({ proposals: 0, wouldAutomateRate: 0, accuracy: 0, falsePositiveRate: 0, interventionsSaved: 0 });
  });

  it('property: rates stay in [0, 1], counts are bounded, agreement and false positives add up', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const f = shadowFigures(rs);
        for (const r of [f.wouldAutomateRate, f.accuracy, f.agreement, f.falsePositiveRate, f.interventionsSavedRate]) {
          expect(r).toBeGreaterThanOrEqual(0);
          expect(r).toBeLessThanOrEqual(1);
        }
        expect(f.interventionsSaved).toBeLessThanOrEqual(Math.min(f.wouldAutomate, f.answered));
        expect(f.answered).toBeLessThanOrEqual(f.proposals);
        const autoAnswered = rs.filter((r) => r.wouldExecute && r.agreed !== null).length;
        expect(f.answeredWouldAutomate).toBe(autoAnswered);
        expect(f.agreement + f.falsePositiveRate).toBeCloseTo(autoAnswered === 0 ? 0 : 1, 9);
      }),
    );
  });

  it('property: per-location figures partition the total', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const { total, locations } = shadowByLocation(rs);
        expect(locations.reduce((n, l) => n + l.figures.proposals, 0)).toBe(total.proposals);
        expect(locations.reduce((n, l) => n + l.figures.interventionsSaved, 0)).toBe(total.interventionsSaved);
        expect(new Set(locations.map((l) => l.location)).size).toBe(locations.length);
      }),
    );
  });

  it('property: each agreed would-automate answer saves exactly one more intervention', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const before = shadowFigures(rs).interventionsSaved;
        expect(shadowFigures([...rs, row(true, true)]).interventionsSaved).toBe(before + 1);
      }),
    );
  });
});
