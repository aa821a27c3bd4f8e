import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardLog } from '../../src/decisionMemory/modules/venueMemory.js';
import { SECOND_ISSUE_PROBABILITY, isSecondIssue, issueShape } from '../../src/decisionMemory/multiIssue.js';
import { DEFAULT_POLICY, decideTier, handoffRisk } from '../../src/decisionMemory/policy.js';
import type { LoggedAction, VenueEvent } from '../../src/venue/types.js';
import { CONFIDENT } from './policyInput.js';

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
    for (const text of [
      'The tv on the side says no signal. also how do we add time',
      'can we add another 30 min. btw does a gift card work everywhere',
      'trackman frozen in bay 3... plus how do we add time',
      'the tv on the side says no signal + what time do you open tomorrow',
      'our simulator froze and also out of paper towels',
    ]) {
      expect(issueShape(text)).toEqual({ kind: 'connective' });
    }
  });

  it('returns separate questions as parts for the classifier to read, not as a verdict', () => {
    expect(issueShape('is it open on sunday? can we bring food?')).toEqual({ kind: 'questions', parts: ['is it open on sunday', 'can we bring food'] });
    expect(issueShape('My transfer is stuck pending? How do we fix it?? thanks')).toEqual({
      kind: 'questions',
      parts: ['My transfer is stuck pending', 'How do we fix it'],
    });
  });

  it('leaves single issues alone, including "also" inside one clause and repeated question marks', () => {
    for (const text of ['Is a physical card also available', 'trackman frozen in bay 3', 'why was I charged twice??', 'the plus side of the screen is dark', '?? what ?']) {
      expect(issueShape(text)).toEqual({ kind: 'single' });
    }
  });

  it('counts a question as a second issue only when it confidently reads as another known decision', () => {
    const p = SECOND_ISSUE_PROBABILITY;
    expect(isSecondIssue('reply_faq_hours', [{ decision: 'reply_faq_hours', probability: 0.9 }, { decision: 'reply_faq_food', probability: p }], 'u')).toBe(true);
    expect(isSecondIssue('pending_transfer', [{ decision: 'pending_transfer', probability: 0.9 }, { decision: 'u', probability: 0.99 }], 'u')).toBe(false);
    expect(isSecondIssue('pending_transfer', [{ decision: 'transfer_fee', probability: p - 0.01 }], 'u')).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.record({ decision: fc.constantFrom('a', 'b', 'u'), probability: fc.double({ min: 0, max: 1, noNaN: true }) })), (parts) => {
        // Only a confident reading of another known decision makes a second issue; more parts never remove one.
        const second = isSecondIssue('a', parts, 'u');
        expect(second).toBe(parts.some((r) => r.decision === 'b' && r.probability >= p));
        expect(isSecondIssue('a', [...parts, { decision: 'a', probability: 1 }], 'u')).toBe(second);
      }),
    );
  });

  it('caps a multi-issue proposal at the approval queue', () => {
    const base = { ...CONFIDENT, decision: 'reply_faq_hours' };
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
