import type { FailureReason } from '../actions/ports.js';
import type { ExecutionOrigin, ExecutionState } from './states.js';

/**
 * What an execution's outcome teaches the decision memory. A correct automatic execution is the pattern's
 * success; a failure of the action itself is evidence against it; an outcome nobody knows (unconfirmed,
 * timed out) teaches nothing but stays in the system's action log for the guards. A refusal by an
 * integration that was down or missing says nothing about the decision.
 */
export type ExecutionLesson = 'success' | 'failure' | 'acted' | 'nothing';

const NOT_THE_DECISION: ReadonlySet<string> = new Set<FailureReason>(['not_configured', 'circuit_open', 'unreachable', 'auth', 'server_error', 'rate_limited', 'malformed_response']);

/**
 * @example lessonOf('succeeded', null) // 'success'
 * @example lessonOf('failed', 'circuit_open') // 'nothing'
 */
export function lessonOf(state: ExecutionState, reason: string | null): ExecutionLesson {
  switch (state) {
    case 'succeeded':
      return 'success';
    case 'failed':
      return reason !== null && NOT_THE_DECISION.has(reason) ? 'nothing' : 'failure';
    case 'unconfirmed':
    case 'timed_out':
      return 'acted';
    default:
      return 'nothing';
  }
}

/** Automatic executions learn their success as the example's truth (nobody else will answer the event). */
export const learnsAsTruth = (origin: ExecutionOrigin, lesson: ExecutionLesson): boolean => (origin === 'auto' || origin === 'suggestion') && lesson === 'success';
