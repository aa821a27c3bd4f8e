/**
 * The execution state machine as data. A row is born `scheduled` (a suggestion waiting for its veto window)
 * or `pending` (due now), a runner moves it to `running`, and the vendor's answer ends it. Only the moves
 * listed here exist; the store applies each one as a conditional update on the row's current state, so two
 * instances can never both move a row out of the same state.
 */
export const EXECUTION_STATES = ['scheduled', 'pending', 'running', 'succeeded', 'failed', 'unconfirmed', 'timed_out', 'cancelled'] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

export const ORIGINS = ['auto', 'suggestion', 'approval', 'operator'] as const;
/** Who caused the execution: the engine alone, a suggestion nobody vetoed, an approved queue item, an operator's own decision. */
export type ExecutionOrigin = (typeof ORIGINS)[number];

export const TRANSITIONS: Readonly<Record<ExecutionState, readonly ExecutionState[]>> = Object.freeze({
  // A suggestion: due at its deadline (or at once when approved), or cancelled by a veto, a kill switch, a refusal.
  scheduled: ['pending', 'cancelled'],
  // Claimed by a runner, or refused by the pre-execution check before anything was sent.
  pending: ['running', 'cancelled'],
  // The vendor's answer; a `running` row whose lease expired goes back to `pending` (idempotent) or `unconfirmed`.
  running: ['succeeded', 'failed', 'unconfirmed', 'timed_out', 'pending'],
  // An idempotent action whose retries are spent ends `timed_out` (a retry goes running → pending).
  timed_out: [],
  succeeded: [],
  failed: [],
  unconfirmed: [],
  cancelled: [],
});

/**
 * @example canTransition('scheduled', 'pending') // true
 * @example canTransition('succeeded', 'running') // false
 */
export function canTransition(from: ExecutionState, to: ExecutionState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** No move leaves a terminal state. */
export function isTerminal(state: ExecutionState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** States in which the action may have taken effect (the system's own action log for the guards). */
export const MAY_HAVE_ACTED: readonly ExecutionState[] = ['running', 'succeeded', 'unconfirmed', 'timed_out'];

/** States an operator's veto can still stop. */
export const VETOABLE: readonly ExecutionState[] = ['scheduled'];
