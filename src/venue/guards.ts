import { sameLocation } from './bookingWindow.js';
import type { DecisionParams, LoggedAction } from './types.js';

/**
 * The venue's rate and incident guards (README "rate guards", DOMAIN.md), over an action log: the
 * venue's own (`context.recent_actions`) or the system's record of what it executed. Each guard is a
 * pure predicate an executor calls right before acting; {@link blockingGuard} answers "which guard,
 * if any, blocks decision D with params P at time t". Entries after t are ignored, so the answer at t
 * never depends on the future, and adding entries can only turn `allowed` into a block, never back.
 */

export type GuardName = 'reset_limit' | 'reboot_limit' | 'unlock_cap' | 'outage_open';
export type GuardVerdict = GuardName | 'allowed';

const MINUTE = 60_000;
export const RESET_WINDOW_MINUTES = 60;
export const RESET_LIMIT = 2;
export const REBOOT_WINDOW_MINUTES = 30;
export const UNLOCK_CAP = 2;
export const OUTAGE_OPEN_MINUTES = 30;

/** Remedies that must not run one by one while a site outage is open at their location. */
export const OUTAGE_BLOCKED_DECISIONS: ReadonlySet<string> = new Set([
  'reset_trackman',
  'reboot_bay_pc',
  'projector_power_on',
  'power_cycle_tv',
  'unlock_door',
]);

const within = (a: LoggedAction, t: Date, minutes: number): boolean =>
  a.at.getTime() <= t.getTime() && a.at.getTime() > t.getTime() - minutes * MINUTE;

/**
 * TrackMan resets already done on this bay in the last hour: at the limit (2), a third is refused.
 *
 * @example
 * resetLimitReached(log, 'Bedford', 2, now); // true after two resets of Bedford bay 2 within the hour
 */
export function resetLimitReached(log: readonly LoggedAction[], location: string, bay: number, t: Date): boolean {
  const n = log.filter(
    (a) => a.action === 'reset_trackman' && sameLocation(a.location, location) && a.bay === bay && within(a, t, RESET_WINDOW_MINUTES),
  ).length;
  return n >= RESET_LIMIT;
}

/**
 * A reboot of this bay's PC within the last 30 minutes: another one is refused.
 *
 * @example
 * rebootLimitReached(log, 'Dartmouth', 3, now); // true 10 min after a reboot of Dartmouth bay 3
 */
export function rebootLimitReached(log: readonly LoggedAction[], location: string, bay: number, t: Date): boolean {
  return log.some(
    (a) => a.action === 'reboot_bay_pc' && sameLocation(a.location, location) && a.bay === bay && within(a, t, REBOOT_WINDOW_MINUTES),
  );
}

/**
 * Unlocks already done for this booking (any time up to t): at the cap (2), a third goes to a human.
 *
 * @example
 * unlockCapReached(log, 'bk-491530', now); // true after two unlocks of bk-491530
 */
export function unlockCapReached(log: readonly LoggedAction[], bookingId: string, t: Date): boolean {
  return log.filter((a) => a.action === 'unlock_door' && a.bookingId === bookingId && a.at.getTime() <= t.getTime()).length >= UNLOCK_CAP;
}

/**
 * A site outage escalated at this location in the last 30 minutes is still open.
 *
 * @example
 * outageOpen(log, 'Riverside', now); // true 5 min after escalate_site_outage at Riverside
 */
export function outageOpen(log: readonly LoggedAction[], location: string, t: Date): boolean {
  return log.some((a) => a.action === 'escalate_site_outage' && sameLocation(a.location, location) && within(a, t, OUTAGE_OPEN_MINUTES));
}

/**
 * The guard that blocks a decision, or `allowed`. The outage guard comes first, as in the README's
 * rules, then the decision's own rate guard. A guard whose parameter is missing (no bay, no booking)
 * cannot be evaluated and does not block here: the executor refuses such a decision for lack of
 * parameters anyway.
 *
 * @example
 * blockingGuard('reset_trackman', { location: 'Bedford', bay: 2 }, now, log); // 'reset_limit' or 'allowed'
 */
export function blockingGuard(decision: string, params: DecisionParams, t: Date, log: readonly LoggedAction[]): GuardVerdict {
  const { location, bay, bookingId } = params;
  if (location !== undefined && OUTAGE_BLOCKED_DECISIONS.has(decision) && outageOpen(log, location, t)) return 'outage_open';
  if (decision === 'reset_trackman' && location !== undefined && bay !== undefined && resetLimitReached(log, location, bay, t)) {
    return 'reset_limit';
  }
  if (decision === 'reboot_bay_pc' && location !== undefined && bay !== undefined && rebootLimitReached(log, location, bay, t)) {
    return 'reboot_limit';
  }
  if (decision === 'unlock_door' && bookingId !== undefined && unlockCapReached(log, bookingId, t)) return 'unlock_cap';
  return 'allowed';
}

/** What a blocked decision becomes (README): the human handoff that replaces it. */
export const GUARD_FALLBACK = {
  reset_limit: 'escalate_tech',
  reboot_limit: 'escalate_tech',
  unlock_cap: 'escalate_access',
  outage_open: 'escalate_site_outage',
} as const satisfies Record<GuardName, string>;
