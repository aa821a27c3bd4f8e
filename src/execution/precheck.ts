import { isDeviceAction } from '../actions/ports.js';
import { isUnlockAllowed } from '../venue/bookingWindow.js';
import { catalogueEntry } from '../venue/catalogue.js';
import { blockingGuard } from '../venue/guards.js';
import { type Booking, type DecisionParams, type EventKind, EXECUTION_TIERS, type ExecutionTier, type LoggedAction } from '../venue/types.js';
import type { ExecutionOrigin } from './states.js';

/**
 * The check right before an execution acts, whatever the decision memory proposed and however long ago:
 * the catalogue's tier ceiling, kill switches, a paused thread, an open site outage and the rate guards over
 * the system's own action log, and for an unlock the customer's booking window and its once-per-booking cap.
 * Pure; the executor gathers the facts.
 */

export interface KillSwitchSet {
  readonly actions: ReadonlySet<string>;
  /** Lower-cased location names. */
  readonly locations: ReadonlySet<string>;
}

export interface ExecutionFacts {
  readonly decision: string;
  readonly params: DecisionParams;
  readonly tier: ExecutionTier;
  readonly origin: ExecutionOrigin;
  readonly at: Date;
  /** What the system itself did (executions that may have acted) and escalated, for the guards. */
  readonly actionLog: readonly LoggedAction[];
  readonly killSwitches: KillSwitchSet;
  /** An emergency was reported on the thread or it was escalated. */
  readonly threadPaused: boolean;
  readonly eventKind: EventKind;
  /** The customer's booking (for an unlock), from the venue's records or the event. */
  readonly booking: Booking | null;
}

export type Refusal =
  | 'not_executable' // a handoff, `__unknown__` or a name outside the catalogue
  | 'tier_ceiling' // the catalogue never lets this decision run at this tier
  | 'missing_params'
  | 'kill_switch_action'
  | 'kill_switch_location'
  | 'thread_paused' // nothing automatic on an emergency or escalated thread
  | 'outage_open'
  | 'reset_limit'
  | 'reboot_limit'
  | 'no_valid_booking' // an unlock outside the customer's booking window (or without a booking)
  | 'unlock_cap'; // the booking already had two unlocks that did not fail (DOMAIN.md: a third goes to a human)

export type ExecutionCheck = { readonly kind: 'allowed' } | { readonly kind: 'refused'; readonly reason: Refusal };

const AUTOMATIC: ReadonlySet<ExecutionOrigin> = new Set(['auto', 'suggestion']);
const rank = (t: ExecutionTier): number => EXECUTION_TIERS.indexOf(t);
const refused = (reason: Refusal): ExecutionCheck => ({ kind: 'refused', reason });

/** Whether the origin runs without an operator's yes for this very execution. */
export const isAutomatic = (origin: ExecutionOrigin): boolean => AUTOMATIC.has(origin);

/**
 * @example
 * checkExecution({ decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 }, tier: 'auto', origin: 'auto', at, actionLog: [], killSwitches, threadPaused: false, eventKind: 'message', booking: null })
 * // { kind: 'allowed' }
 */
export function checkExecution(f: ExecutionFacts): ExecutionCheck {
  const entry = catalogueEntry(f.decision);
  if (entry === undefined || entry.kind === 'handoff') return refused('not_executable');
  // Tiers loosen left to right: an execution at a looser tier than the catalogue allows is refused.
  if (rank(f.tier) < rank(entry.maxTier)) return refused('tier_ceiling');
  const location = f.params.location;
  // A device needs to be found: its location (and bay, but for the door). A reply may go out venue-wide.
  if (isDeviceAction(f.decision) && (location === undefined || (f.decision !== 'unlock_door' && f.params.bay === undefined))) return refused('missing_params');
  if (f.killSwitches.actions.has(f.decision)) return refused('kill_switch_action');
  if (location !== undefined && f.killSwitches.locations.has(location.trim().toLowerCase())) return refused('kill_switch_location');
  if (f.threadPaused && isAutomatic(f.origin)) return refused('thread_paused');
  const guard = blockingGuard(f.decision, f.params, f.at, f.actionLog);
  if (guard === 'outage_open' || guard === 'reset_limit' || guard === 'reboot_limit') return refused(guard);
  if (f.decision === 'unlock_door') {
    if (!isUnlockAllowed(f.eventKind, f.booking, location ?? null, f.at)) return refused('no_valid_booking');
    // A second unlock only after "still locked" (a new request); a third goes to a human. Failed ones are not in the log.
    if (blockingGuard(f.decision, { ...f.params, bookingId: f.booking!.id }, f.at, f.actionLog) === 'unlock_cap') return refused('unlock_cap');
  }
  return { kind: 'allowed' };
}

/**
 * What a refused execution turns into for the customer: an unlock without a valid booking sends the
 * booking link instead; every other refusal is for a human.
 * @example fallbackFor('unlock_door', 'no_valid_booking') // 'send_booking_link'
 */
export function fallbackFor(decision: string, reason: Refusal): 'send_booking_link' | null {
  return decision === 'unlock_door' && reason === 'no_valid_booking' ? 'send_booking_link' : null;
}
