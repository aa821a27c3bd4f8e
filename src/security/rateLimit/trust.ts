/**
 * The adaptive trust multiplier of one client (an address or a principal). Limits are multiplied by it: risk
 * signals tighten it, a clean history relaxes it a little, and either way it decays back towards 1 with a
 * half-life, so a client is never punished (or favoured) forever for one episode.
 */
export type RiskSignal = 'injection_attempt' | 'auth_failure_burst' | 'repeated_429' | 'key_risk';
/** `key_risk_lapsed`: the key's compromise score decayed below the tightening threshold, so its own cap is lifted. */
export type TrustReason = RiskSignal | 'clean_history' | 'key_risk_lapsed';

export interface TrustState {
  /** Multiplier as of `at` (decay is applied lazily from there). */
  readonly multiplier: number;
  readonly at: number;
  /** Clean responses since the last change. */
  readonly cleanStreak: number;
  /** 401/403 responses in the current burst window, and when that window opened. */
  readonly authFailures: number;
  readonly authWindowAt: number;
}

export interface TrustChange {
  readonly from: number;
  readonly to: number;
  readonly reason: TrustReason;
}

export const TRUST = Object.freeze({
  min: 0.1,
  max: 1.5,
  halfLifeMs: 10 * 60_000,
  /** How much each signal multiplies the current value by. */
  penalty: { injection_attempt: 0.5, auth_failure_burst: 0.6, repeated_429: 0.75, key_risk: 1 } as Readonly<Record<RiskSignal, number>>,
  cleanStep: 0.05,
  cleanStreakForStep: 200,
  authBurst: 5,
  authBurstWindowMs: 60_000,
});

export const freshTrust = (now: number): TrustState => ({ multiplier: 1, at: now, cleanStreak: 0, authFailures: 0, authWindowAt: now });

const clamp = (m: number) => Math.min(TRUST.max, Math.max(TRUST.min, m));

/**
 * The multiplier at `now`: exponential decay of the distance to 1.
 * @example multiplierAt({ ...freshTrust(0), multiplier: 0.5 }, TRUST.halfLifeMs) // 0.75
 */
export function multiplierAt(state: TrustState, now: number): number {
  const dt = Math.max(0, now - state.at);
  return clamp(1 + (state.multiplier - 1) * 2 ** (-dt / TRUST.halfLifeMs));
}

/**
 * Applies a risk signal. `key_risk` carries the key's own limitMultiplier (from compromise detection), which
 * caps the value rather than compounding with it.
 * @example applySignal(freshTrust(0), 'injection_attempt', 0).state.multiplier // 0.5
 */
export function applySignal(state: TrustState, signal: RiskSignal, now: number, keyMultiplier = 1): { state: TrustState; change: TrustChange | null } {
  const from = multiplierAt(state, now);
  const to = signal === 'key_risk' ? clamp(Math.min(from, keyMultiplier)) : clamp(from * TRUST.penalty[signal]);
  const next: TrustState = { ...state, multiplier: to, at: now, cleanStreak: 0 };
  return { state: next, change: to < from - 1e-9 ? { from, to, reason: signal } : null };
}

/**
 * Counts one response. A 401/403 adds to the burst window and a full burst is itself a signal; a clean
 * response extends the streak, and every `cleanStreakForStep` clean responses relax the multiplier one step.
 */
export function observeResponse(state: TrustState, status: number, now: number): { state: TrustState; change: TrustChange | null } {
  if (status === 401 || status === 403) {
    const inWindow = now - state.authWindowAt < TRUST.authBurstWindowMs;
    const failures = inWindow ? state.authFailures + 1 : 1;
    const windowAt = inWindow ? state.authWindowAt : now;
    if (failures >= TRUST.authBurst) {
      const r = applySignal({ ...state, authFailures: 0, authWindowAt: now }, 'auth_failure_burst', now);
      return r;
    }
    return { state: { ...state, authFailures: failures, authWindowAt: windowAt, cleanStreak: 0 }, change: null };
  }
  if (status >= 400) return { state: { ...state, cleanStreak: 0 }, change: null };
  const streak = state.cleanStreak + 1;
  if (streak < TRUST.cleanStreakForStep) return { state: { ...state, cleanStreak: streak }, change: null };
  const from = multiplierAt(state, now);
  const to = clamp(from + TRUST.cleanStep);
  return { state: { ...state, multiplier: to, at: now, cleanStreak: 0 }, change: to > from + 1e-9 ? { from, to, reason: 'clean_history' } : null };
}
