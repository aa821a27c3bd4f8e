import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardLog } from '../../src/decisionMemory/modules/venueMemory.js';
import { isMultiIssue } from '../../src/decisionMemory/multiIssue.js';
import { DEFAULT_POLICY, decideTier, handoffRisk } from '../../src/decisionMemory/policy.js';
import type { LoggedAction, VenueEvent } from '../../src/venue/types.js';

const t0 = Date.UTC(2025, 8, 1, 20);
const reset = (minute: number, bay = 1): LoggedAction => ({ action: 'reset_trackman', location: 'Dartmouth', bay, at: new Date(t0 + minute * 60_000) });
const message = (recentActions: readonly LoggedAction[]): VenueEvent => ({
  id: 'm1',
  t: new Date(t0 + 30 * 60_000),
  kind: 'message',
  channel: 'sms',
  from: 'c-1',
  location: 'Dartmouth',
  bay: 1,
  text: 'trackman frozen again',
  context: { booking: null, recentActions },
});

describe('multi-issue messages', () => {
  it('recognises a second issue tacked on with a connective', () => {
    expect(isMultiIssue('The tv on the side says no signal. also how do we add time')).toBe(true);
    expect(isMultiIssue('can we add another 30 min. btw does a gift card work everywhere')).toBe(true);
    expect(isMultiIssue('trackman frozen in bay 3... plus how do we add time')).toBe(true);
    expect(isMultiIssue('the tv on the side says no signal + what time do you open tomorrow')).toBe(true);
    expect(isMultiIssue('our simulator froze and also out of paper towels')).toBe(true);
    expect(isMultiIssue('is it open on sunday? can we bring food?')).toBe(true);
  });

  it('leaves single issues alone, including "also" inside one clause', () => {
    expect(isMultiIssue('Is a physical card also available')).toBe(false);
    expect(isMultiIssue('trackman frozen in bay 3')).toBe(false);
    expect(isMultiIssue('why was I charged twice??')).toBe(false);
    expect(isMultiIssue('the plus side of the screen is dark')).toBe(false);
  });

  it('caps a multi-issue proposal at the approval queue', () => {
    const base = {
      decision: 'reply_faq_hours',
      confidence: 0.99,
      catalogueCap: 'auto' as const,
      handoff: false,
      unknown: false,
      anomaly: false,
      emergency: false,
      patternState: 'auto' as const,
      suggestReliability: 1,
      suggestFloor: 0.95,
      unknownNearby: false,
      blockedBy: [],
      killSwitched: false,
      handoffRisk: 0,
    };
    expect(decideTier({ ...base, multiIssue: false }, DEFAULT_POLICY).tier).toBe('auto');
    const capped = decideTier({ ...base, multiIssue: true }, DEFAULT_POLICY);
    expect(capped.tier).toBe('queue');
    expect(capped.reasons).toContain('multi_issue');
  });
});

describe('handoff risk', () => {
  it('is the error probability times the handoff share, within [0, 1]', () => {
    expect(handoffRisk(0.97, 0.5)).toBeCloseTo(0.015, 10);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (c, s) => {
        const r = handoffRisk(c, s);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(1 - c + 1e-12);
        expect(handoffRisk(Math.min(1, c + 0.01), s)).toBeLessThanOrEqual(r + 1e-12);
      }),
    );
  });
});

describe('the guard log', () => {
  it('counts an own execution the venue already logged once, not twice', () => {
    const venueLogged = { ...reset(11), at: new Date(t0 + 11 * 60_000 + 25_000) };
    const log = guardLog(message([reset(0), venueLogged]), [reset(11)]);
    expect(log.filter((a) => a.action === 'reset_trackman')).toHaveLength(2);
  });

  it('keeps own executions the venue has not logged, and other bays apart', () => {
    const log = guardLog(message([reset(0, 2)]), [reset(11), reset(20)]);
    expect(log).toHaveLength(3);
  });

  it('never counts fewer actions than the own log alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 6 }), (venue, own) => {
        const log = guardLog(message(venue.map((m) => reset(m))), own.map((m) => reset(m)));
        expect(log.length).toBeGreaterThanOrEqual(Math.max(own.length, venue.length));
      }),
    );
  });
});
