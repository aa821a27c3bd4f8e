import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_OUTCOMES, type CommandResult, FAILURE_REASONS } from '../../src/actions/ports.js';
import { lessonOf } from '../../src/execution/learning.js';
import { liveFigures } from '../../src/execution/liveFigures.js';
import { checkExecution, type ExecutionFacts, fallbackFor } from '../../src/execution/precheck.js';
import { afterLeaseExpiry, afterResult, MAX_ATTEMPTS } from '../../src/execution/retry.js';
import { canTransition, EXECUTION_STATES, type ExecutionState, isTerminal, ORIGINS, TRANSITIONS } from '../../src/execution/states.js';
import { CATALOGUE } from '../../src/venue/catalogue.js';
import { EXECUTION_TIERS, type LoggedAction } from '../../src/venue/types.js';

const AT = new Date('2026-03-02T12:00:00Z');
const minutes = (m: number) => new Date(AT.getTime() + m * 60_000);
const NO_SWITCHES = { actions: new Set<string>(), locations: new Set<string>() };
const base: ExecutionFacts = {
  decision: 'reset_trackman',
  params: { location: 'Dartmouth', bay: 3 },
  tier: 'auto',
  origin: 'auto',
  at: AT,
  actionLog: [],
  killSwitches: NO_SWITCHES,
  threadPaused: false,
  eventKind: 'message',
  booking: null,
};
const booking = { id: 'bk-1', location: 'Dartmouth', bay: 3, startsAt: minutes(10), endsAt: minutes(70) };
const reset = (m: number, bay = 3): LoggedAction => ({ action: 'reset_trackman', location: 'Dartmouth', bay, at: minutes(m) });

const resultArb: fc.Arbitrary<CommandResult> = fc.oneof(
  fc.constant<CommandResult>({ outcome: 'succeeded', detail: 'ok' }),
  fc.record({ outcome: fc.constantFrom(...COMMAND_OUTCOMES.filter((o) => o !== 'succeeded')), reason: fc.constantFrom(...FAILURE_REASONS), detail: fc.constant('x') }) as fc.Arbitrary<CommandResult>,
);

describe('execution state machine', () => {
  it('terminal states have no way out; every state is reachable from scheduled or pending', () => {
    const reach = new Set<ExecutionState>(['scheduled', 'pending']);
    for (let i = 0; i < EXECUTION_STATES.length; i++) for (const s of [...reach]) for (const t of TRANSITIONS[s]) reach.add(t);
    expect([...reach].sort()).toEqual([...EXECUTION_STATES].sort());
    for (const s of ['succeeded', 'failed', 'unconfirmed', 'timed_out', 'cancelled'] as const) expect(isTerminal(s)).toBe(true);
  });

  it('property: only a scheduled row can be vetoed into cancelled without running; nothing returns to scheduled', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXECUTION_STATES), fc.constantFrom(...EXECUTION_STATES), (from, to) => {
        expect(canTransition(from, 'scheduled')).toBe(false);
        expect(canTransition(from, to)).toBe(TRANSITIONS[from].includes(to));
        expect(!canTransition(from, to) || !isTerminal(from)).toBe(true);
      }),
    );
  });
});

describe('retry rules', () => {
  it('property: only an idempotent timed-out action is retried, at most MAX_ATTEMPTS in all; other outcomes are final as they came', () => {
    fc.assert(
      fc.property(resultArb, fc.boolean(), fc.integer({ min: 1, max: 5 }), (result, idempotent, attempts) => {
        const next = afterResult(result, idempotent, attempts);
        const shouldRetry = result.outcome === 'timed_out' && idempotent && attempts < MAX_ATTEMPTS;
        expect(next.kind === 'retry').toBe(shouldRetry);
        const expected = result.outcome === 'timed_out' ? (idempotent ? 'timed_out' : 'unconfirmed') : result.outcome;
        expect(shouldRetry || (next.kind === 'final' && next.state === expected)).toBe(true);
      }),
    );
  });

  it('an ambiguous timeout of an unlock, SMS or reboot is unconfirmed, never retried', () => {
    expect(afterResult({ outcome: 'timed_out', reason: 'deadline', detail: '' }, false, 1)).toEqual({ kind: 'final', state: 'unconfirmed' });
    expect(afterLeaseExpiry(false, 1)).toBe('unconfirmed');
  });

  it('property: a lost lease is retried only for an idempotent action with attempts left', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 1, max: 5 }), (idempotent, attempts) => {
        expect(afterLeaseExpiry(idempotent, attempts)).toBe(idempotent && attempts < MAX_ATTEMPTS ? 'pending' : 'unconfirmed');
      }),
    );
  });
});

describe('pre-execution check', () => {
  it('allows a routine reset and refuses the third one on the bay within the hour (not on another bay, not after the hour)', () => {
    expect(checkExecution(base)).toEqual({ kind: 'allowed' });
    expect(checkExecution({ ...base, actionLog: [reset(-50), reset(-10)] })).toEqual({ kind: 'refused', reason: 'reset_limit' });
    expect(checkExecution({ ...base, actionLog: [reset(-50, 2), reset(-10, 2)] })).toEqual({ kind: 'allowed' });
    expect(checkExecution({ ...base, actionLog: [reset(-70), reset(-10)] })).toEqual({ kind: 'allowed' });
  });

  it('unlocks only inside the booking window, twice per booking at most (failed ones do not count); the refusal sends the booking link', () => {
    const unlock = { ...base, decision: 'unlock_door', params: { location: 'Dartmouth' } };
    expect(checkExecution({ ...unlock, booking: null })).toEqual({ kind: 'refused', reason: 'no_valid_booking' });
    expect(checkExecution({ ...unlock, booking: { ...booking, startsAt: minutes(60), endsAt: minutes(120) } })).toEqual({ kind: 'refused', reason: 'no_valid_booking' });
    expect(checkExecution({ ...unlock, booking })).toEqual({ kind: 'allowed' });
    expect(checkExecution({ ...unlock, booking, eventKind: 'device_event' })).toEqual({ kind: 'refused', reason: 'no_valid_booking' });
    const unlocked: LoggedAction = { action: 'unlock_door', location: 'Dartmouth', bay: null, bookingId: 'bk-1', at: minutes(-1) };
    // A second unlock after "still locked" is allowed; a third goes to a human.
    expect(checkExecution({ ...unlock, booking, actionLog: [unlocked] })).toEqual({ kind: 'allowed' });
    expect(checkExecution({ ...unlock, booking, actionLog: [unlocked, { ...unlocked, at: minutes(0) }] })).toEqual({ kind: 'refused', reason: 'unlock_cap' });
    expect(fallbackFor('unlock_door', 'no_valid_booking')).toBe('send_booking_link');
    expect(fallbackFor('unlock_door', 'unlock_cap')).toBeNull();
  });

  it('nothing automatic on a paused thread, but an operator may act there; kill switches stop every origin', () => {
    expect(checkExecution({ ...base, threadPaused: true })).toEqual({ kind: 'refused', reason: 'thread_paused' });
    expect(checkExecution({ ...base, threadPaused: true, origin: 'operator', tier: 'human' })).toEqual({ kind: 'allowed' });
    expect(checkExecution({ ...base, origin: 'operator', tier: 'human', killSwitches: { ...NO_SWITCHES, actions: new Set(['reset_trackman']) } })).toEqual({ kind: 'refused', reason: 'kill_switch_action' });
    expect(checkExecution({ ...base, killSwitches: { ...NO_SWITCHES, locations: new Set(['dartmouth']) } })).toEqual({ kind: 'refused', reason: 'kill_switch_location' });
  });

  it('an open site outage holds per-bay remedies back', () => {
    const outage: LoggedAction = { action: 'escalate_site_outage', location: 'Dartmouth', bay: null, at: minutes(-5) };
    expect(checkExecution({ ...base, actionLog: [outage] })).toEqual({ kind: 'refused', reason: 'outage_open' });
  });

  it('property: never allowed above the catalogue tier, never a handoff, never with a kill switch on the action', () => {
    const entries = fc.constantFrom(...CATALOGUE);
    fc.assert(
      fc.property(entries, fc.constantFrom(...EXECUTION_TIERS), fc.constantFrom(...ORIGINS), fc.boolean(), fc.boolean(), (entry, tier, origin, paused, killed) => {
        const out = checkExecution({
          ...base,
          decision: entry.decision,
          params: { location: 'Dartmouth', bay: 3 },
          tier,
          origin,
          threadPaused: paused,
          killSwitches: { ...NO_SWITCHES, actions: new Set(killed ? [entry.decision] : []) },
          booking,
        });
        const tooLoose = EXECUTION_TIERS.indexOf(tier) < EXECUTION_TIERS.indexOf(entry.maxTier);
        const automatic = origin === 'auto' || origin === 'suggestion';
        const mustRefuse = entry.kind === 'handoff' || tooLoose || killed || (paused && automatic);
        expect(!mustRefuse || out.kind === 'refused').toBe(true);
        expect(mustRefuse || out.kind === 'allowed').toBe(true);
      }),
    );
  });

  it('property: adding actions to the log can only turn allowed into refused, never back', () => {
    const logEntry = fc.record({ m: fc.integer({ min: -120, max: 0 }), bay: fc.constantFrom(2, 3) }).map(({ m, bay }) => reset(m, bay));
    fc.assert(
      fc.property(fc.array(logEntry, { maxLength: 5 }), fc.array(logEntry, { maxLength: 3 }), (log, more) => {
        const before = checkExecution({ ...base, actionLog: log });
        const after = checkExecution({ ...base, actionLog: [...log, ...more] });
        expect(before.kind === 'refused' ? after.kind : 'refused').toBe('refused');
      }),
    );
  });
});

describe('what an outcome teaches and the live figures', () => {
  it('an infrastructure failure says nothing about the decision; a refused command is evidence against', () => {
    expect(lessonOf('succeeded', null)).toBe('success');
    expect(lessonOf('failed', 'rejected')).toBe('failure');
    expect(lessonOf('failed', 'circuit_open')).toBe('nothing');
    expect(lessonOf('unconfirmed', 'deadline')).toBe('acted');
    expect(lessonOf('cancelled', 'reset_limit')).toBe('nothing');
  });

  it('property: rates stay in [0, 1] and interventions saved never exceed automated executions', () => {
    const row = fc.record({ origin: fc.constantFrom(...ORIGINS), state: fc.constantFrom(...EXECUTION_STATES), overridden: fc.boolean() });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.integer({ min: 0, max: 60 }), (rows, extra) => {
        const f = liveFigures(rows, rows.length + extra);
        for (const r of [f.automationRate, f.accuracy, f.falsePositiveRate]) expect(r >= 0 && r <= 1).toBe(true);
        expect(f.interventionsSaved).toBeLessThanOrEqual(f.automated);
      }),
    );
  });
});
