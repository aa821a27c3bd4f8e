import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, decideTier, DEFAULT_POLICY, type PolicyInput } from '../../src/decisionMemory/policy.js';
import { CONFIDENT } from './policyInput.js';
import { DEFAULT_SUGGEST_BUDGET, type ExecutionVerdict, floorWithin, nextFloor } from '../../src/decisionMemory/suggestBudget.js';

const t = DEFAULT_THRESHOLDS;
const budget = DEFAULT_SUGGEST_BUDGET;
const lowest = Math.max(t.medium, budget.minFloor);
const run = (verdicts: readonly ExecutionVerdict[], start = t.high) => verdicts.reduce((f, v) => nextFloor(f, v, budget, t), start);

describe('suggest error budget (the floor above which a suggestion may run by timeout)', () => {
  it('stays within [max(MEDIUM, minFloor), HIGH] whatever happens', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<ExecutionVerdict>('right', 'wrong'), { maxLength: 400 }), (vs) => {
        let f = t.high;
        for (const v of vs) {
          f = nextFloor(f, v, budget, t);
          expect(f).toBeGreaterThanOrEqual(lowest);
          expect(f).toBeLessThanOrEqual(t.high);
        }
      }),
    );
  });

  it('a wrong execution never lowers the floor, a right one never raises it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (f) => {
        expect(nextFloor(f, 'wrong', budget, t)).toBeGreaterThanOrEqual(floorWithin(f, t, budget.minFloor));
        expect(nextFloor(f, 'right', budget, t)).toBeLessThanOrEqual(floorWithin(f, t, budget.minFloor));
      }),
    );
  });

  it('starts shut and opens only as far as right executions have paid for', () => {
    expect(run([])).toBe(t.high);
    // 100 right executions buy 100 × gain × rate of room.
    expect(run(Array(100).fill('right'))).toBeCloseTo(t.high - 100 * budget.gain * budget.rate, 9);
    expect(run(Array(100_000).fill('right'))).toBe(lowest);
  });

  it('shuts again within a few mistakes, and settles where wrong executions run at the budget rate', () => {
    const open = run(Array(100_000).fill('right'));
    expect(open).toBe(lowest);
    // From the lowest floor to HIGH takes (HIGH − lowest) / (gain × (1 − rate)) mistakes: six with the defaults.
    const shutting = Math.ceil((t.high - lowest) / (budget.gain * (1 - budget.rate)));
    expect(shutting).toBeLessThanOrEqual(6);
    expect(run(Array(shutting).fill('wrong'), open)).toBe(t.high);
    expect(run(Array(shutting - 1).fill('wrong'), open)).toBeLessThan(t.high);
    // At exactly the budget rate (3 wrong in 200 = 1.5 %) the floor neither climbs nor falls over a cycle.
    const cycle: ExecutionVerdict[] = [...Array(66).fill('right'), 'wrong', ...Array(66).fill('right'), 'wrong', ...Array(65).fill('right'), 'wrong'];
    const mid = 0.92;
    expect(run(cycle, mid)).toBeCloseTo(mid, 9);
    // Above the rate it climbs to HIGH, below it falls to the lowest floor.
    expect(run(Array(50).fill([...Array(90).fill('right'), 'wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'wrong']).flat(), mid)).toBe(t.high);
    expect(run(Array(50).fill(['wrong', ...Array(199).fill('right')]).flat(), mid)).toBe(lowest);
  });

  it('a budget of 0 keeps the band shut: only the pattern record opens it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<ExecutionVerdict>('right', 'wrong'), { maxLength: 100 }), (vs) => {
        expect(vs.reduce((f, v) => nextFloor(f, v, { ...budget, rate: 0 }, t), t.high)).toBe(t.high);
      }),
    );
  });
});

describe('the floor in the tier policy', () => {
  const suggestion: PolicyInput = { ...CONFIDENT, decision: 'reply_faq_hours', confidence: 0.93, suggestReliability: 0.2, suggestFloor: 0.92 };

  it('lets a promoted pattern above the floor count down even without a suggest record', () => {
    expect(decideTier(suggestion, DEFAULT_POLICY).tier).toBe('suggest');
    expect(decideTier({ ...suggestion, suggestFloor: 0.94 }, DEFAULT_POLICY)).toMatchObject({ tier: 'queue', reasons: ['suggest_gate'] });
  });

  it('never opens what the catalogue caps at suggest, an unpromoted pattern, or an event near learned unknowns', () => {
    expect(decideTier({ ...suggestion, decision: 'extend_session_link', catalogueCap: 'suggest', confidence: 0.99 }, DEFAULT_POLICY).tier).toBe('queue');
    expect(decideTier({ ...suggestion, patternState: 'suggested' }, DEFAULT_POLICY).tier).toBe('queue');
    expect(decideTier({ ...suggestion, unknownNearby: true }, DEFAULT_POLICY).tier).toBe('queue');
  });

  it('never makes anything looser than its band', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (c, floor) => {
        const d = decideTier({ ...suggestion, confidence: c, suggestFloor: floor }, DEFAULT_POLICY);
        expect(d.tier === 'auto').toBe(c >= t.high);
        // Below MEDIUM the floor can open nothing: queue or a human.
        expect(c >= t.medium || d.tier === 'queue' || d.tier === 'human').toBe(true);
      }),
    );
  });
});
