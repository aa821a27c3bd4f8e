import { classifyDeviceLine, unitKey } from '../../intake/deviceLine.js';
import { locationFromDeviceId, observeLocations } from '../../intake/locationDirectory.js';
import { type EventParams, resolveParams } from '../../intake/params.js';
import { GUARD_FALLBACK, blockingGuard } from '../../venue/guards.js';
import { type FaultSighting, type OutageVerdict, deviceOutageVerdict, rememberFault } from '../../venue/outage.js';
import type { LoggedAction, VenueEvent, VenueLocation } from '../../venue/types.js';
import { type IncidentLink, type Sighting, linkIncident, rememberSighting } from '../incidents.js';
import type { GuardBlock } from './module.js';

/**
 * What the venue modules remember between events: the location directory learned from the traffic (no
 * location is hard-coded) and the recent device faults the outage rule counts. Plain data in and out.
 */

export interface VenueMemoryState {
  readonly directory: readonly VenueLocation[];
  readonly faults: readonly { readonly at: number; readonly location: string; readonly unit: string }[];
  /** Recent device and customer sightings for cross-domain incident links (absent in older snapshots). */
  readonly sightings?: readonly Sighting[];
}

export class VenueMemory {
  private directory: readonly VenueLocation[] = [];
  private faults: readonly FaultSighting[] = [];
  private last: { readonly id: string; readonly verdict: OutageVerdict | null } = { id: '', verdict: null };
  private sightings: readonly Sighting[] = [];
  private lastLink: { readonly id: string; readonly link: IncidentLink | null } = { id: '', link: null };

  /** Learns from an event before anything is decided on it (called once per event). */
  observe(event: VenueEvent, log: readonly LoggedAction[]): void {
    this.directory = observeLocations(this.directory, event);
    this.sight(event);
    if (event.kind !== 'device_event') {
      this.last = { id: event.id, verdict: null };
      return;
    }
    const line = classifyDeviceLine(event.from, event.text);
    const location = event.location ?? locationFromDeviceId(event.from, this.directory);
    if (location === null || line.unit === null) {
      this.last = { id: event.id, verdict: null };
      return;
    }
    const facts = { type: line.type, location, unit: unitKey(line.unit), at: event.t, bayHasBooking: event.context.booking !== null };
    this.last = { id: event.id, verdict: deviceOutageVerdict(facts, this.faults, log) };
    this.faults = rememberFault(this.faults, facts);
  }

  /** Links the event to an earlier sighting of the other kind (device ↔ customer), then remembers it. */
  private sight(event: VenueEvent): void {
    const sighting = this.sightingOf(event);
    if (sighting === null) {
      this.lastLink = { id: event.id, link: null };
      return;
    }
    this.lastLink = { id: event.id, link: linkIncident(this.sightings, sighting) };
    this.sightings = rememberSighting(this.sightings, sighting);
  }

  private sightingOf(event: VenueEvent): Sighting | null {
    const at = event.t.getTime();
    if (event.kind === 'device_event') {
      const line = classifyDeviceLine(event.from, event.text);
      const location = event.location ?? locationFromDeviceId(event.from, this.directory);
      if (location === null) return null;
      const bay = line.unit?.kind === 'bay' ? line.unit.bay : null;
      return { eventId: event.id, at, location, bay, source: 'device', signal: line.type };
    }
    const r = resolveParams(event, this.directory);
    if (r.location === null) return null;
    return { eventId: event.id, at, location: r.location.value, bay: r.bay?.value ?? null, source: 'customer', signal: 'report' };
  }

  /** The incident link of the event observed last (null when it joins none). */
  incident(event: VenueEvent): IncidentLink | null {
    return this.lastLink.id === event.id ? this.lastLink.link : null;
  }

  /** The outage verdict of the device event observed last (null for messages or unplaceable lines). */
  outageVerdict(event: VenueEvent): OutageVerdict | null {
    return this.last.id === event.id ? this.last.verdict : null;
  }

  resolve(event: VenueEvent): EventParams {
    return resolveParams(event, this.directory);
  }

  toState(): VenueMemoryState {
    return { directory: this.directory, faults: this.faults.map((f) => ({ ...f, at: f.at.getTime() })), sightings: this.sightings };
  }

  restore(state: VenueMemoryState): void {
    this.directory = state.directory;
    this.faults = state.faults.map((f) => ({ ...f, at: new Date(f.at) }));
    this.sightings = state.sightings ?? [];
  }
}

/** How far a venue log entry may trail (or lead) the system's own record of the same execution. */
const RECONCILE_AFTER_MS = 5 * 60_000;
const RECONCILE_BEFORE_MS = 60_000;

const sameTarget = (a: LoggedAction, b: LoggedAction): boolean =>
  a.action === b.action && a.location === b.location && a.bay === b.bay && (a.bookingId ?? null) === (b.bookingId ?? null);

/**
 * The venue log the guards read: the venue's own record plus what this system executed itself. An own
 * execution the venue has already logged (same action and target, logged shortly after) is the same action,
 * not a second one: counting it twice would trip the rate guards one action early. Matching is one-to-one,
 * so the result never counts fewer actions than the own log alone.
 * @example guardLog(event, own).length >= own.length // true
 */
export function guardLog(event: VenueEvent, own: readonly LoggedAction[]): LoggedAction[] {
  const venue = event.context.recentActions;
  const out: LoggedAction[] = [...venue];
  const used = new Uint8Array(venue.length);
  for (const mine of own) {
    const at = mine.at.getTime();
    let match = -1;
    for (let i = 0; i < venue.length && match < 0; i++) {
      const dt = venue[i]!.at.getTime() - at;
      if (used[i] === 0 && dt >= -RECONCILE_BEFORE_MS && dt <= RECONCILE_AFTER_MS && sameTarget(venue[i]!, mine)) match = i;
    }
    if (match >= 0) used[match] = 1;
    else out.push(mine);
  }
  return out;
}

/**
 * The venue guard blocking a decision, as a block with its handoff (empty when allowed).
 * @example venueGuard('reset_trackman', { location: 'A', bay: 1 }, now, log) // [] or [{ guard: 'reset_limit', fallback: 'escalate_tech', route: 'handoff' }]
 */
export function venueGuard(decision: string, params: Parameters<typeof blockingGuard>[1], t: Date, log: readonly LoggedAction[]): GuardBlock[] {
  const verdict = blockingGuard(decision, params, t, log);
  return verdict === 'allowed' ? [] : [{ guard: verdict, fallback: GUARD_FALLBACK[verdict], route: 'handoff' }];
}
