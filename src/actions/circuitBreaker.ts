import type { CommandResult, FailureReason } from './ports.js';

/**
 * A circuit breaker per integration as pure transitions over plain data, so the state can live in a
 * database row shared by every instance (the caller persists what these functions return). Times are
 * epoch milliseconds passed in.
 *
 * closed ──N counted failures within `windowMs`──► open ──`coolDownMs`──► half_open (one probe)
 *   ▲                                                ▲                        │
 *   └───────────────── success ◄──────────────────────┴──── probe fails ◄─────┘
 */
export type BreakerState =
  | { readonly status: 'closed'; readonly failures: number; readonly firstFailureAt: number | null }
  | { readonly status: 'open'; readonly openedAt: number }
  | { readonly status: 'half_open'; readonly probeStartedAt: number };

export interface BreakerPolicy {
  /** Consecutive counted failures that open the breaker. */
  readonly failureThreshold: number;
  /** Failures older than this (from the first of the run) no longer count: the run starts again. */
  readonly windowMs: number;
  /** How long an open breaker rejects before it lets one probe through. */
  readonly coolDownMs: number;
  /** A probe that never reported back (its instance died) is replaced after this long. */
  readonly probeTimeoutMs: number;
}

export type BreakerVerdict = 'allow' | 'probe' | 'reject';

export const CLOSED: BreakerState = Object.freeze({ status: 'closed', failures: 0, firstFailureAt: null });

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = Object.freeze({
  failureThreshold: 5,
  windowMs: 5 * 60_000,
  coolDownMs: 60_000,
  probeTimeoutMs: 2 * 60_000,
});

/**
 * May a call go through now? `probe` means the caller's call is the single trial of a half-open
 * breaker; the returned state must be persisted before calling so other instances see the probe.
 *
 * @example
 * admit({ status: 'open', openedAt: 0 }, DEFAULT_BREAKER_POLICY, 60_000);
 * // { verdict: 'probe', state: { status: 'half_open', probeStartedAt: 60000 } }
 */
export function admit(state: BreakerState, policy: BreakerPolicy, now: number): { verdict: BreakerVerdict; state: BreakerState } {
  switch (state.status) {
    case 'closed':
      return { verdict: 'allow', state };
    case 'open':
      return now - state.openedAt >= policy.coolDownMs
        ? { verdict: 'probe', state: { status: 'half_open', probeStartedAt: now } }
        : { verdict: 'reject', state };
    case 'half_open':
      return now - state.probeStartedAt >= policy.probeTimeoutMs
        ? { verdict: 'probe', state: { status: 'half_open', probeStartedAt: now } }
        : { verdict: 'reject', state };
  }
}

// A vendor that answers "no" (bad door id, device offline behind a healthy hub) is healthy: only
// signs that the integration itself is down count towards opening the breaker.
const COUNTED: Record<FailureReason, boolean> = {
  unreachable: true,
  auth: true,
  rejected: false,
  not_found: false,
  device_offline: false,
  rate_limited: true,
  server_error: true,
  malformed_response: true,
  connection_dropped: true,
  deadline: true,
  not_configured: false,
  circuit_open: false,
};

/**
 * Whether a result says the integration is unhealthy.
 *
 * @example
 * countsAsFailure({ outcome: 'failed', detail: 'door busy', reason: 'rejected' }); // false
 */
export function countsAsFailure(result: CommandResult): boolean {
  return result.outcome !== 'succeeded' && COUNTED[result.reason];
}

/**
 * The state after a call finished. Any success closes the breaker (the integration demonstrably
 * works); a counted failure extends the run or re-opens a half-open breaker; other failures change
 * nothing.
 *
 * @example
 * let s = CLOSED;
 * for (let i = 0; i < 5; i++) s = record(s, DEFAULT_BREAKER_POLICY, { outcome: 'timed_out', detail: '', reason: 'deadline' }, 1000);
 * s.status; // 'open'
 */
export function record(state: BreakerState, policy: BreakerPolicy, result: CommandResult, now: number): BreakerState {
  if (result.outcome === 'succeeded') return CLOSED;
  if (!countsAsFailure(result)) return state;
  switch (state.status) {
    case 'closed': {
      const fresh = state.firstFailureAt === null || now - state.firstFailureAt > policy.windowMs;
      const failures = fresh ? 1 : state.failures + 1;
      const firstFailureAt = fresh ? now : state.firstFailureAt;
      return failures >= policy.failureThreshold ? { status: 'open', openedAt: now } : { status: 'closed', failures, firstFailureAt };
    }
    case 'half_open':
      return { status: 'open', openedAt: now };
    case 'open':
      return state;
  }
}

/** The result the engine records when the breaker rejects a call without trying it. */
export function rejectedByBreaker(integrationId: string): CommandResult {
  return { outcome: 'failed', reason: 'circuit_open', detail: `circuit open for ${integrationId}: call not attempted` };
}
