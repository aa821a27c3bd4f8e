import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type PolicyInput, bandFor, decideTier, stricter } from '../../src/decisionMemory/policy.js';
import { EXECUTION_TIERS, TIERS } from '../../src/venue/types.js';

const base: PolicyInput = {
  decision: 'reset_trackman',
  confidence: 0.99,
  catalogueCap: 'auto',
  handoff: false,
  unknown: false,
  anomaly: false,
  emergency: false,
  patternState: 'auto',
  suggestReliability: 1,
  blockedBy: [],
  killSwitched: false,
  multiIssue: false,
  handoffRisk: 0,
};

const input = fc.record({
  decision: fc.constantFrom('reset_trackman', 'reboot_bay_pc', null),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  catalogueCap: fc.constantFrom(...EXECUTION_TIERS, undefined),
  handoff: fc.boolean(),
  unknown: fc.boolean(),
  anomaly: fc.boolean(),
  emergency: fc.boolean(),
  patternState: fc.constantFrom('learning', 'suggested', 'auto', 'locked', 'demoted' as const),
  suggestReliability: fc.double({ min: 0, max: 1, noNaN: true }),
  blockedBy: fc.array(fc.constantFrom('reset_limit', 'unlock_cap'), { maxLength: 2 }),
  killSwitched: fc.boolean(),
  multiIssue: fc.boolean(),
  handoffRisk: fc.double({ min: 0, max: 1, noNaN: true }),
});

const rank = (t: string) => TIERS.indexOf(t as never);

describe('tier policy', () => {
  it('maps confidence to the documented bands', () => {
    expect(bandFor(0.95, DEFAULT_POLICY.thresholds)).toBe('auto');
    expect(bandFor(0.949, DEFAULT_POLICY.thresholds)).toBe('suggest');
    expect(bandFor(0.75, DEFAULT_POLICY.thresholds)).toBe('suggest');
    expect(bandFor(0.5, DEFAULT_POLICY.thresholds)).toBe('queue');
    expect(bandFor(0.49, DEFAULT_POLICY.thresholds)).toBe('human');
  });

  it('never returns a tier looser than the confidence band or the catalogue cap', () => {
    fc.assert(
      fc.property(input, (i) => {
        const d = decideTier(i, DEFAULT_POLICY);
        expect(rank(d.tier)).toBeGreaterThanOrEqual(rank(d.band));
        expect(i.catalogueCap === undefined || rank(d.tier) >= rank(i.catalogueCap)).toBe(true);
      }),
    );
  });

  it('is monotone: more confidence never gives a stricter tier', () => {
    fc.assert(
      fc.property(input, fc.double({ min: 0, max: 1, noNaN: true }), (i, extra) => {
        const lo = decideTier(i, DEFAULT_POLICY).tier;
        const hi = decideTier({ ...i, confidence: Math.min(1, i.confidence + extra) }, DEFAULT_POLICY).tier;
        expect(rank(hi)).toBeLessThanOrEqual(rank(lo));
      }),
    );
  });

  it('escalates emergencies, anomalies and unknowns whatever the confidence', () => {
    for (const flag of ['emergency', 'anomaly', 'unknown'] as const) {
      expect(decideTier({ ...base, [flag]: true }, DEFAULT_POLICY).tier).toBe('escalate');
    }
  });

  it('caps a reboot at the approval queue even at full confidence', () => {
    const d = decideTier({ ...base, decision: 'reboot_bay_pc', confidence: 1, catalogueCap: 'queue' }, DEFAULT_POLICY);
    expect(d.tier).toBe('queue');
    expect(d.reasons).toContain('catalogue_cap');
  });

  it('keeps an unpromoted pattern out of auto and a suggestion without a track record out of the suggest band', () => {
    expect(decideTier({ ...base, patternState: 'suggested' }, DEFAULT_POLICY).tier).toBe('suggest');
    expect(decideTier({ ...base, patternState: 'suggested', suggestReliability: 0.2 }, DEFAULT_POLICY).tier).toBe('queue');
    expect(decideTier({ ...base, patternState: 'learning' }, DEFAULT_POLICY).tier).toBe('queue');
  });

  it('routes to a human when a guard blocks, a kill switch is on or the pattern is locked', () => {
    expect(decideTier({ ...base, blockedBy: ['reset_limit'] }, DEFAULT_POLICY).tier).toBe('human');
    expect(decideTier({ ...base, killSwitched: true }, DEFAULT_POLICY).tier).toBe('human');
    expect(decideTier({ ...base, patternState: 'locked' }, DEFAULT_POLICY).tier).toBe('human');
    expect(decideTier({ ...base, patternState: 'demoted' }, DEFAULT_POLICY).tier).toBe('queue');
  });

  it('orders tiers by strictness', () => {
    expect(stricter('auto', 'queue')).toBe('queue');
    expect(stricter('escalate', 'suggest')).toBe('escalate');
  });
});
