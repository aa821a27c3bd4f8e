import type { ThreadState } from './ports.js';

/**
 * One customer issue per thread (DOMAIN.md). A customer's message joins one of their threads when it is
 * about the same issue, otherwise it opens a new one.
 *
 * "Same issue": the thread is still live (not resolved, merged or timed out), its last activity is at most
 * {@link SAME_ISSUE_WINDOW_MINUTES} before the message, and nothing the message says contradicts it: a
 * known location of the message differs from a known location of the thread, or a known bay differs from
 * a known bay of the thread. An unknown location or bay on either side contradicts nothing ("it's still
 * frozen" after "trackman frozen bay 3" is the same issue; "bay 5 too" is a new one).
 */

export const SAME_ISSUE_WINDOW_MINUTES = 30;
/** A live thread with no activity for this long times out (escalated threads wait for a human instead). */
export const THREAD_INACTIVITY_TIMEOUT_MINUTES = 12 * 60;

const MINUTE = 60_000;

/** Threads whose issue is over: nothing joins them and nothing moves them again. */
export const TERMINAL_THREAD_STATES: readonly ThreadState[] = ['resolved', 'merged', 'timeout'];

export interface ThreadCandidate {
  readonly id: string;
  readonly state: ThreadState;
  readonly location: string | null;
  readonly bay: number | null;
  readonly lastActivityAt: Date;
}

export interface IncomingMessage {
  readonly location: string | null;
  readonly bay: number | null;
  readonly at: Date;
}

/** Where a message goes: into an existing thread (folding other same-issue threads into it), or a new one. */
export type ThreadAssignment =
  | { readonly kind: 'join'; readonly threadId: string; readonly merge: readonly string[] }
  | { readonly kind: 'new' };

const differs = <T>(a: T | null, b: T | null, eq: (x: T, y: T) => boolean): boolean => a !== null && b !== null && !eq(a, b);
const sameText = (x: string, y: string) => x.trim().toLowerCase() === y.trim().toLowerCase();

/**
 * True when `message` is about the issue of `thread` (see the module comment for the rule).
 *
 * @example
 * sameIssue({ id: 't', state: 'open', location: 'Bedford', bay: 3, lastActivityAt: t0 }, { location: null, bay: null, at: t0plus10min }); // true
 */
export function sameIssue(thread: ThreadCandidate, message: IncomingMessage): boolean {
  if (TERMINAL_THREAD_STATES.includes(thread.state)) return false;
  const age = message.at.getTime() - thread.lastActivityAt.getTime();
  if (age > SAME_ISSUE_WINDOW_MINUTES * MINUTE) return false;
  if (differs(thread.location, message.location, sameText)) return false;
  if (differs(thread.bay, message.bay, (a, b) => a === b)) return false;
  return true;
}

/**
 * Chooses the thread for a customer's message among that customer's threads. The most recently active
 * same-issue thread wins; other same-issue threads that also agree with it are the same issue told twice
 * and are merged into it.
 *
 * @example
 * assignThread([open3], { location: 'Bedford', bay: 3, at }); // { kind: 'join', threadId: open3.id, merge: [] }
 * assignThread([], { location: null, bay: null, at }); // { kind: 'new' }
 */
export function assignThread(threads: readonly ThreadCandidate[], message: IncomingMessage): ThreadAssignment {
  const matching = threads
    .filter((t) => sameIssue(t, message))
    .sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const [first, ...rest] = matching;
  if (first === undefined) return { kind: 'new' };
  // "it's still broken" matches a customer's bay-2 and bay-3 threads alike: only threads that agree with the
  // one joined (nothing known contradicts) are the same issue told twice.
  return { kind: 'join', threadId: first.id, merge: rest.filter((t) => compatible(t, first)).map((t) => t.id) };
}

/** Two threads are compatible when no known location or bay of one contradicts the other. */
export function compatible(a: { readonly location: string | null; readonly bay: number | null }, b: { readonly location: string | null; readonly bay: number | null }): boolean {
  return !differs(a.location, b.location, sameText) && !differs(a.bay, b.bay, (x, y) => x === y);
}

/**
 * Allowed moves, as data. `escalated` leaves only to `resolved` (a human closes it); the terminal states
 * never move. Staying in the same state is not a move.
 */
export const THREAD_TRANSITIONS: Readonly<Record<ThreadState, readonly ThreadState[]>> = {
  open: ['awaiting_system', 'awaiting_operator', 'resolved', 'escalated', 'merged', 'timeout'],
  awaiting_system: ['open', 'awaiting_operator', 'resolved', 'escalated', 'merged', 'timeout'],
  awaiting_operator: ['open', 'awaiting_system', 'resolved', 'escalated', 'merged', 'timeout'],
  escalated: ['resolved'],
  resolved: [],
  merged: [],
  timeout: [],
};

/**
 * @example
 * canTransition('open', 'escalated'); // true
 * canTransition('resolved', 'open'); // false
 */
export function canTransition(from: ThreadState, to: ThreadState): boolean {
  return THREAD_TRANSITIONS[from].includes(to);
}

/**
 * True when a live thread has been quiet long enough to time out at `now` (escalated threads never do:
 * they wait for a human).
 *
 * @example
 * isTimedOut({ state: 'open', lastActivityAt: new Date('2026-01-01T00:00:00Z') }, new Date('2026-01-01T13:00:00Z')); // true
 */
export function isTimedOut(thread: { readonly state: ThreadState; readonly lastActivityAt: Date }, now: Date): boolean {
  if (!canTransition(thread.state, 'timeout')) return false;
  return now.getTime() - thread.lastActivityAt.getTime() >= THREAD_INACTIVITY_TIMEOUT_MINUTES * MINUTE;
}

/** The instant before which a live thread counts as inactive (for the timeout sweep's query). */
export const timeoutCutoff = (now: Date): Date => new Date(now.getTime() - THREAD_INACTIVITY_TIMEOUT_MINUTES * MINUTE);
/** The earliest last activity a thread may have and still take a message about the same issue. */
export const sameIssueCutoff = (at: Date): Date => new Date(at.getTime() - SAME_ISSUE_WINDOW_MINUTES * MINUTE);
