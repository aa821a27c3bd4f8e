import { sameLocation } from './bookingWindow.js';
import { outageOpen } from './guards.js';
import type { DeviceLineType, LoggedAction } from './types.js';

/**
 * The site-outage rule (README "Device events"), over the device events the system has itself seen:
 * when 3 or more distinct units (a bay, or one site-level device) of one location report faults
 * within 2 minutes, it is one incident for a human, not a reset per bay. Power or WAN loss is an
 * outage by itself, and while an outage is open (escalated < 30 min ago) every further fault joins it.
 */

export const OUTAGE_WINDOW_SECONDS = 120;
export const OUTAGE_MIN_UNITS = 3;

/** One fault line the system saw: where, which unit (`bay:3`, `site:ups`), when. */
export interface FaultSighting {
  readonly at: Date;
  readonly location: string;
  readonly unit: string;
}

export type OutageVerdict =
  /** Recovery notices and door alarms are not faults. */
  | 'not_a_fault'
  /** UPS on battery or WAN down: the site lost power or network. */
  | 'site_power_or_network'
  /** A fault while an outage is open at the location. */
  | 'outage_open'
  /** The 3rd (or later) distinct unit faulting within the window. */
  | 'burst'
  /** A fault, but no outage: handle it per unit. */
  | 'isolated';

/**
 * Whether a line counts as a fault for the outage rule. A projector that is off or a TV without
 * signal in a bay with no booking is the normal end of a session, not a fault. Unclassified lines
 * count as faults: over-counting can only escalate to a human, never reset a bay by mistake.
 *
 * @example
 * isFaultLine('projector_off', false); // false: nobody is playing there
 * isFaultLine('trackman_fault', false); // true
 */
export function isFaultLine(type: DeviceLineType, bayHasBooking: boolean): boolean {
  if (type === 'recovery' || type === 'door_alarm') return false;
  if ((type === 'projector_off' || type === 'tv_no_signal') && !bayHasBooking) return false;
  return true;
}

/**
 * Distinct faulting units at the sighting's location in (t − 120 s, t], the sighting included.
 *
 * @example
 * outageUnits(history, { at: t, location: 'Dartmouth', unit: 'bay:3' }); // 3 when bays 1 and 2 faulted 40 s ago
 */
export function outageUnits(history: readonly FaultSighting[], sighting: FaultSighting): number {
  const t = sighting.at.getTime();
  const units = new Set([sighting.unit]);
  for (const f of history) {
    const at = f.at.getTime();
    if (sameLocation(f.location, sighting.location) && at <= t && at > t - OUTAGE_WINDOW_SECONDS * 1000) units.add(f.unit);
  }
  return units.size;
}

export interface DeviceLineFacts {
  readonly type: DeviceLineType;
  readonly location: string;
  /** Unit key (`bay:3`, `site:door`); a line without a known unit counts as its own unit. */
  readonly unit: string;
  readonly at: Date;
  readonly bayHasBooking: boolean;
}

/**
 * The outage verdict for one device line, in the README's order: not a fault → power/network loss →
 * open outage → burst of 3+ units → isolated.
 *
 * @example
 * deviceOutageVerdict(facts, history, log); // 'burst' for the third bay of a burst
 */
export function deviceOutageVerdict(facts: DeviceLineFacts, history: readonly FaultSighting[], log: readonly LoggedAction[]): OutageVerdict {
  if (!isFaultLine(facts.type, facts.bayHasBooking)) return 'not_a_fault';
  if (facts.type === 'ups_on_battery' || facts.type === 'wan_down') return 'site_power_or_network';
  if (outageOpen(log, facts.location, facts.at)) return 'outage_open';
  return outageUnits(history, { at: facts.at, location: facts.location, unit: facts.unit }) >= OUTAGE_MIN_UNITS ? 'burst' : 'isolated';
}

/**
 * The history with a fault line added (if it is one) and sightings older than the window dropped,
 * so the history stays as small as the window however long the system runs.
 *
 * @example
 * history = rememberFault(history, facts);
 */
export function rememberFault(history: readonly FaultSighting[], facts: DeviceLineFacts): readonly FaultSighting[] {
  const cutoff = facts.at.getTime() - OUTAGE_WINDOW_SECONDS * 1000;
  const kept = history.filter((f) => f.at.getTime() > cutoff);
  return isFaultLine(facts.type, facts.bayHasBooking) ? [...kept, { at: facts.at, location: facts.location, unit: facts.unit }] : kept;
}

/**
 * An outage is open at this location in the action log (escalated within the last 30 minutes).
 * Re-exported here so outage callers need one module.
 */
export { outageOpen };
