import type { CommandResult, FailureReason } from '../actions/ports.js';
import type { HttpAttempt } from './httpCall.js';

/**
 * Outcome classification shared by every client. The one rule that matters: when the request may
 * have taken effect, only an idempotent command may come back as `timed_out` (retryable); anything
 * else is `unconfirmed` and goes to a human.
 */

export const succeeded = (detail: string, vendorRef?: string): CommandResult =>
  vendorRef === undefined ? { outcome: 'succeeded', detail } : { outcome: 'succeeded', detail, vendorRef };

export const failed = (reason: FailureReason, detail: string, vendorRef?: string): CommandResult =>
  vendorRef === undefined ? { outcome: 'failed', reason, detail } : { outcome: 'failed', reason, detail, vendorRef };

export const unconfirmed = (reason: FailureReason, detail: string, vendorRef?: string): CommandResult =>
  vendorRef === undefined ? { outcome: 'unconfirmed', reason, detail } : { outcome: 'unconfirmed', reason, detail, vendorRef };

/**
 * The deadline passed after the request left.
 *
 * @example
 * ambiguousTimeout(false, 'no answer').outcome; // 'unconfirmed' (an unlock is never retried blindly)
 * ambiguousTimeout(true, 'no answer').outcome;  // 'timed_out'
 */
export function ambiguousTimeout(idempotent: boolean, detail: string, vendorRef?: string): CommandResult {
  const base = { reason: 'deadline' as const, detail, ...(vendorRef === undefined ? {} : { vendorRef }) };
  return idempotent ? { outcome: 'timed_out', ...base } : { outcome: 'unconfirmed', ...base };
}

/**
 * A non-2xx HTTP status as a result. 504 means a gateway gave up waiting on the vendor, which may
 * still act: ambiguous. Other statuses are answers.
 *
 * @example
 * statusFailure(401, false, 'OpenPhone'); // { outcome: 'failed', reason: 'auth', detail: 'OpenPhone answered 401' }
 */
export function statusFailure(status: number, idempotent: boolean, vendor: string): CommandResult {
  const detail = `${vendor} answered ${status}`;
  if (status === 504) return ambiguousTimeout(idempotent, detail);
  if (status === 401 || status === 403) return failed('auth', detail);
  if (status === 404) return failed('not_found', detail);
  if (status === 429) return failed('rate_limited', detail);
  if (status >= 500) return failed('server_error', detail);
  return failed('rejected', detail);
}

/**
 * Everything about an attempt except a readable answer, which `onResponse` classifies.
 *
 * @example
 * classifyAttempt({ kind: 'dropped', detail: 'ECONNRESET' }, true, 'Slack', () => succeeded('ok')).outcome; // 'unconfirmed'
 */
export function classifyAttempt(
  attempt: HttpAttempt,
  idempotent: boolean,
  vendor: string,
  onResponse: (status: number, text: string) => CommandResult,
): CommandResult {
  switch (attempt.kind) {
    case 'not_sent':
      return failed(attempt.reason, `${vendor} not reached (${attempt.detail})`);
    case 'dropped':
      return unconfirmed('connection_dropped', `${vendor} connection dropped after sending (${attempt.detail})`);
    case 'deadline':
      return ambiguousTimeout(idempotent, `${vendor} did not answer in time (${attempt.detail})`);
    case 'response':
      return onResponse(attempt.status, attempt.text);
  }
}
