import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { automationFrontier, type RankedProposal } from '../../src/replay/frontier.js';

const proposal = fc.record({
  // A few distinct values, so ties are common.
  confidence: fc.integer({ min: 0, max: 20 }).map((k) => k / 20),
  correct: fc.boolean(),
});
const proposals = fc.array(proposal, { maxLength: 60 });
const rate = fc.double({ min: 0, max: 0.6, noNaN: true });

/** Every threshold a real gate could use, checked by brute force: what runs at `c ≥ t`. */
function atThreshold(ps: readonly RankedProposal[], t: number): { executed: number; wrong: number } {
  const run = ps.filter((p) => p.confidence >= t);
  return { executed: run.length, wrong: run.filter((p) => !p.correct).length };
}

describe('automation frontier', () => {
  it('takes the confident proposals while the wrong share stays within the rate, proposals of one confidence together', () => {
    const ps: RankedProposal[] = [
      { confidence: 0.97, correct: true },
      { confidence: 0.96, correct: false },
      { confidence: 0.85, correct: true },
      { confidence: 0.85, correct: true },
      { confidence: 0.8, correct: false },
    ];
    const [strict, half] = automationFrontier(ps, 10, [0.01, 0.4]);
    expect(strict).toEqual({ wrongRate: 0.01, threshold: 0.97, executed: 1, wrong: 0, automationRate: 0.1 });
    expect(half).toEqual({ wrongRate: 0.4, threshold: 0.8, executed: 5, wrong: 2, automationRate: 0.5 });
    // A tie is taken or left whole: one right and one wrong at 0.9 cannot be split to stay at 0 %.
    expect(automationFrontier([{ confidence: 0.9, correct: true }, { confidence: 0.9, correct: false }], 2, [0])[0]).toEqual({
      wrongRate: 0,
      threshold: null,
      executed: 0,
      wrong: 0,
      automationRate: 0,
    });
  });

  it('keeps within the rate and is the largest set any threshold keeps within it (property)', () => {
    fc.assert(
      fc.property(proposals, rate, (ps, r) => {
        const [f] = automationFrontier(ps, ps.length + 5, [r]);
        expect(f!.wrong).toBeLessThanOrEqual(r * f!.executed);
        const best = Math.max(0, ...[...new Set(ps.map((p) => p.confidence))].map((t) => atThreshold(ps, t)).filter((x) => x.wrong <= r * x.executed).map((x) => x.executed));
        expect(f!.executed).toBe(best);
        // No threshold means nothing runs: a threshold above every confidence.
        expect(atThreshold(ps, f!.threshold ?? Number.POSITIVE_INFINITY)).toEqual({ executed: f!.executed, wrong: f!.wrong });
        expect(f!.automationRate).toBeCloseTo(f!.executed / (ps.length + 5), 12);
      }),
    );
  });

  it('executes at least as much when more wrong executions are tolerated, and ignores input order (property)', () => {
    fc.assert(
      fc.property(proposals, rate, rate, (ps, a, b) => {
        const [lo, hi] = automationFrontier(ps, ps.length, [Math.min(a, b), Math.max(a, b)]);
        expect(hi!.executed).toBeGreaterThanOrEqual(lo!.executed);
        expect(automationFrontier([...ps].reverse(), ps.length, [a])).toEqual(automationFrontier(ps, ps.length, [a]));
      }),
    );
  });
});
