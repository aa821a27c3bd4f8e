import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type PolicyInput, bandFor, checkThresholds, decideTier, stricter } from '../../src/decisionMemory/policy.js';
import { EXECUTION_TIERS, TIERS } from '../../src/venue/types.js';
import { CONFIDENT } from './policyInput.js';

const base: PolicyInput = CONFIDENT;

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
  suggestFloor: fc.double({ min: 0.75, max: 0.95, noNaN: true }),
  unknownNearby: fc.boolean(),
  blockedBy: fc.array(fc.constantFrom('reset_limit', 'unlock_cap'), { maxLength: 2 }),
  killSwitched: fc.boolean(),
  multiIssue: fc.boolean(),
  handoffRisk: fc.double({ min: 0, max: 1, noNaN: true }),
  risk: fc.constantFrom('routine', 'access', 'session_impact', undefined),
  familiarity: fc.double({ min: 0, max: 1, noNaN: true }),
  contextSeen: fc.boolean(),
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

  it('runs an unlock on its own only when a remembered unlock is worded closely enough', () => {
    const unlock = { ...base, decision: 'unlock_door', risk: 'access' as const };
    expect(decideTier({ ...unlock, familiarity: 0.8 }, DEFAULT_POLICY)).toEqual({ tier: 'auto', band: 'auto', reasons: [] });
    expect(decideTier({ ...unlock, familiarity: 0.2 }, DEFAULT_POLICY)).toEqual({ tier: 'queue', band: 'auto', reasons: ['unfamiliar_access'] });
    // Familiarity is asked of access only: any other action keeps its tier however new the wording.
    expect(decideTier({ ...base, familiarity: 0 }, DEFAULT_POLICY).tier).toBe('auto');
  });

  it('holds a decision in a context operators never decided it in', () => {
    expect(decideTier({ ...base, contextSeen: false }, DEFAULT_POLICY)).toEqual({ tier: 'queue', band: 'auto', reasons: ['unfamiliar_context'] });
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

describe('checkThresholds (what an admin may set at run time)', () => {
  const t = fc.double({ min: -1, max: 2, noNaN: false });

  it('accepts exactly the thresholds in (0, 1] that are strictly ordered, and every band is then reachable', () => {
    fc.assert(
      fc.property(t, t, t, (high, medium, low) => {
        const out = checkThresholds({ high, medium, low });
        const valid = [high, medium, low].every((v) => Number.isFinite(v) && v > 0 && v <= 1) && low < medium && medium < high;
        expect(out.ok).toBe(valid);
      }),
    );
  });

  it('a refused set names why: out of range before order', () => {
    expect(checkThresholds({ high: 1.2, medium: 0.5, low: 0.7 })).toEqual({ ok: false, problem: 'out_of_range' });
    expect(checkThresholds({ high: 0.9, medium: 0.9, low: 0.5 })).toEqual({ ok: false, problem: 'not_ordered' });
    expect(checkThresholds({ high: Number.NaN, medium: 0.8, low: 0.5 })).toEqual({ ok: false, problem: 'out_of_range' });
  });

  it('with accepted thresholds each band holds exactly the confidences between its bounds', () => {
    const ordered = fc
      .uniqueArray(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 })
      .map((v) => [...v].sort((a, b) => a - b))
      .map(([low, medium, high]) => ({ low: low!, medium: medium!, high: high! }));
    fc.assert(
      fc.property(ordered, fc.double({ min: 0, max: 1, noNaN: true }), (th, c) => {
        const out = checkThresholds(th);
        expect(out.ok).toBe(true);
        const band = bandFor(c, th);
        expect(band === 'auto').toBe(c >= th.high);
        expect(band === 'suggest').toBe(c >= th.medium && c < th.high);
        expect(band === 'queue').toBe(c >= th.low && c < th.medium);
        expect(band === 'human').toBe(c < th.low);
      }),
    );
  });
});
