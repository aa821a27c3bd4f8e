import type { CommandResult } from '../actions/ports.js';
import type { ExecutionState } from './states.js';

/**
 * Retry rules. Only an idempotent action is ever retried, and only after its outcome was `timed_out`
 * (the clients already turn an ambiguous timeout of a non-idempotent action into `unconfirmed`). An
 * unlock, an SMS or a reboot whose effect is unknown goes to a human, never a blind second attempt.
 */

/** Attempts an idempotent action gets in all (the first one included). */
export const MAX_ATTEMPTS = 2;

export type AfterResult =
  | { readonly kind: 'final'; readonly state: Exclude<ExecutionState, 'scheduled' | 'pending' | 'running' | 'cancelled'> }
  | { readonly kind: 'retry' };

/**
 * What a finished attempt becomes. `attempts` counts the attempt that just ended.
 *
 * @example afterResult({ outcome: 'timed_out', reason: 'deadline', detail: '' }, true, 1) // { kind: 'retry' }
 * @example afterResult({ outcome: 'timed_out', reason: 'deadline', detail: '' }, false, 1) // { kind: 'final', state: 'unconfirmed' }
 */
export function afterResult(result: CommandResult, idempotent: boolean, attempts: number): AfterResult {
  if (result.outcome !== 'timed_out') return { kind: 'final', state: result.outcome };
  if (!idempotent) return { kind: 'final', state: 'unconfirmed' };
  return attempts < MAX_ATTEMPTS ? { kind: 'retry' } : { kind: 'final', state: 'timed_out' };
}

/**
 * A `running` row whose lease expired: its instance died somewhere between sending and recording. An
 * idempotent action is run again (the vendor or agent dedupes on the idempotency key); anything else
 * may have happened, so a human looks.
 *
 * @example afterLeaseExpiry(false, 1) // 'unconfirmed'
 * @example afterLeaseExpiry(true, 1)  // 'pending'
 */
export function afterLeaseExpiry(idempotent: boolean, attempts: number): 'pending' | 'unconfirmed' {
  return idempotent && attempts < MAX_ATTEMPTS ? 'pending' : 'unconfirmed';
}
