import { sameLocation } from '../venue/bookingWindow.js';

/**
 * Cross-domain incidents: a device error and a customer message about the same bay (or a site-wide device
 * problem and any message at that location) within a few minutes are one incident. The decision memory
 * sees the link as a structured fact on both sides (`incident=device:trackman_fault` on the message,
 * `incident=customer:report` on the device event), so what operators decide for one kind of signal
 * teaches the other: a message that follows a TrackMan fault on its bay learns the fault's remedy, a
 * message during an open outage learns to join the outage.
 */

export const INCIDENT_WINDOW_MS = 10 * 60_000;
/** Sightings kept per location at most (older ones fall out first). */
const MAX_PER_LOCATION = 32;

export type SightingSource = 'device' | 'customer';

export interface Sighting {
  readonly eventId: string;
  readonly at: number;
  readonly location: string;
  /** null = site-wide (a UPS, the WAN, the door) or a message that names no bay. */
  readonly bay: number | null;
  readonly source: SightingSource;
  /** For devices the line type (`trackman_fault`), for customers `report`. */
  readonly signal: string;
}

export interface IncidentLink {
  readonly with: Sighting;
  /** The fact the classifier and the match score see. */
  readonly fact: string;
}

/**
 * Whether two sightings of opposite sources belong to one incident: same location, within the window
 * (either order), and the same bay — or a site-wide device signal, or a message that names no bay.
 */
export function sameIncident(a: Sighting, b: Sighting, windowMs: number = INCIDENT_WINDOW_MS): boolean {
  if (a.source === b.source) return false;
  if (!sameLocation(a.location, b.location)) return false;
  if (Math.abs(a.at - b.at) > windowMs) return false;
  const device = a.source === 'device' ? a : b;
  const customer = a.source === 'device' ? b : a;
  return device.bay === null || customer.bay === null || device.bay === customer.bay;
}

/**
 * The most recent earlier sighting of the other source that `probe` joins, or null. Only the past counts:
 * the answer at time t never depends on what arrives later.
 *
 * @example
 * linkIncident([{ eventId: 'd1', at: 0, location: 'Bedford', bay: 3, source: 'device', signal: 'trackman_fault' }],
 *   { eventId: 'm1', at: 60_000, location: 'Bedford', bay: 3, source: 'customer', signal: 'report' })?.fact
 * // 'incident=device:trackman_fault'
 */
export function linkIncident(history: readonly Sighting[], probe: Sighting, windowMs: number = INCIDENT_WINDOW_MS): IncidentLink | null {
  let best: Sighting | null = null;
  for (const s of history) {
    if (s.at > probe.at || s.eventId === probe.eventId) continue;
    if (!sameIncident(s, probe, windowMs)) continue;
    if (best === null || s.at > best.at) best = s;
  }
  return best === null ? null : { with: best, fact: `incident=${best.source}:${best.signal}` };
}

/** Adds a sighting, dropping those too old to link anything at its time and the oldest beyond the per-location cap. */
export function rememberSighting(history: readonly Sighting[], s: Sighting, windowMs: number = INCIDENT_WINDOW_MS): readonly Sighting[] {
  const kept = history.filter((h) => h.at > s.at - windowMs);
  const here = kept.filter((h) => sameLocation(h.location, s.location));
  const drop = here.length >= MAX_PER_LOCATION ? new Set(here.slice(0, here.length - MAX_PER_LOCATION + 1)) : new Set<Sighting>();
  return [...kept.filter((h) => !drop.has(h)), s];
}
