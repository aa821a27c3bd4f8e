import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  admit,
  type BreakerPolicy,
  type BreakerState,
  CLOSED,
  countsAsFailure,
  record,
  rejectedByBreaker,
} from '../../src/actions/circuitBreaker.js';
import { type CommandResult, FAILURE_REASONS } from '../../src/actions/ports.js';

const policy: BreakerPolicy = { failureThreshold: 3, windowMs: 60_000, coolDownMs: 30_000, probeTimeoutMs: 90_000 };
const timeout: CommandResult = { outcome: 'timed_out', detail: 'slow', reason: 'deadline' };
const ok: CommandResult = { outcome: 'succeeded', detail: 'done' };
const refused: CommandResult = { outcome: 'failed', detail: 'no such door', reason: 'not_found' };

const arbResult: fc.Arbitrary<CommandResult> = fc.oneof(
  fc.constant(ok),
  fc.record({
    outcome: fc.constantFrom('failed' as const, 'unconfirmed' as const, 'timed_out' as const),
    detail: fc.constant('x'),
    reason: fc.constantFrom(...FAILURE_REASONS),
  }),
);

/** Runs calls at increasing times through admit → record, as the engine does. */
function run(steps: readonly { dt: number; result: CommandResult }[], start: BreakerState = CLOSED) {
  let state = start;
  let now = 0;
  const trace: { verdict: string; state: BreakerState; now: number }[] = [];
  for (const step of steps) {
    now += step.dt;
    const a = admit(state, policy, now);
    state = a.state;
    if (a.verdict !== 'reject') state = record(state, policy, step.result, now);
    trace.push({ verdict: a.verdict, state, now });
  }
  return trace;
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive counted failures within the window', () => {
    const trace = run([
      { dt: 0, result: timeout },
      { dt: 1000, result: timeout },
      { dt: 1000, result: timeout },
    ]);
    expect(trace.map((t) => t.state.status)).toEqual(['closed', 'closed', 'open']);
  });

  it('rejects while open, lets exactly one probe through after the cool-down, and closes on its success', () => {
    const open: BreakerState = { status: 'open', openedAt: 0 };
    expect(admit(open, policy, 29_999).verdict).toBe('reject');
    const probe = admit(open, policy, 30_000);
    expect(probe).toEqual({ verdict: 'probe', state: { status: 'half_open', probeStartedAt: 30_000 } });
    expect(admit(probe.state, policy, 30_001).verdict).toBe('reject');
    expect(record(probe.state, policy, ok, 30_500)).toEqual(CLOSED);
  });

  it('re-opens when the probe fails and replaces a probe whose instance never reported', () => {
    const half: BreakerState = { status: 'half_open', probeStartedAt: 10_000 };
    expect(record(half, policy, timeout, 11_000)).toEqual({ status: 'open', openedAt: 11_000 });
    expect(admit(half, policy, 10_000 + 90_000).verdict).toBe('probe');
  });

  it('does not count vendor refusals (unknown door, offline device) as outages', () => {
    const trace = run(Array.from({ length: 10 }, () => ({ dt: 10, result: refused })));
    expect(trace.every((t) => t.state.status === 'closed')).toBe(true);
    expect(countsAsFailure(rejectedByBreaker('unifi:Dartmouth'))).toBe(false);
  });

  it('restarts the failure run when the window has passed', () => {
    const trace = run([
      { dt: 0, result: timeout },
      { dt: 1000, result: timeout },
      { dt: 70_000, result: timeout },
    ]);
    expect(trace[2]!.state).toEqual({ status: 'closed', failures: 1, firstFailureAt: 71_000 });
  });

  it('never opens with fewer counted failures than the threshold since the last success (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 100_000 }), result: arbResult }), { maxLength: 60 }), (steps) => {
        const trace = run(steps);
        let sinceSuccess = 0;
        let openedBefore = false;
        trace.forEach((t, i) => {
          const r = steps[i]!.result;
          if (t.verdict !== 'reject' && r.outcome === 'succeeded') sinceSuccess = 0;
          else if (t.verdict !== 'reject' && countsAsFailure(r)) sinceSuccess += 1;
          if (t.state.status === 'open' && !openedBefore) {
            expect(sinceSuccess).toBeGreaterThanOrEqual(policy.failureThreshold);
            openedBefore = true;
          }
          if (t.state.status === 'closed') openedBefore = false;
        });
      }),
    );
  });

  it('admits at most one probe per cool-down and closes on any admitted success (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 40_000 }), result: arbResult }), { maxLength: 60 }), (steps) => {
        const trace = run(steps);
        trace.forEach((t, i) => {
          // Implications, asserted unconditionally: an admitted success closes the circuit; no second probe in the cool-down.
          expect(t.verdict !== 'reject' && steps[i]!.result.outcome === 'succeeded' ? t.state : CLOSED).toEqual(CLOSED);
          const next = trace[i + 1];
          expect(t.verdict === 'probe' && next !== undefined && next.now - t.now < policy.coolDownMs ? next.verdict : 'allow').not.toBe('probe');
        });
      }),
    );
  });

  it('keeps its state as plain JSON data that survives a database round trip (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 100_000 }), result: arbResult }), { maxLength: 40 }), (steps) => {
        for (const t of run(steps)) expect(JSON.parse(JSON.stringify(t.state))).toEqual(t.state);
      }),
    );
  });
});
