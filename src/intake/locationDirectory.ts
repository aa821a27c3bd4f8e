import type { VenueEvent, VenueLocation } from '../venue/types.js';

/**
 * The venue's locations, learned from the traffic itself when no configuration lists them (replay of
 * a stream never seen before): every `event.location` and booking location is a location name, and
 * a device event teaches which id prefix is that location's device code (`DAR` in `DAR-B3-TPS`).
 */

/** The first token of a device id: the site code by convention (`DAR-B3-TPS`, `riv.bay2.proj`). */
export function deviceIdPrefix(deviceId: string): string | null {
  const first = deviceId.split(/[^A-Za-z0-9]+/).find((p) => p.length > 0);
  return first === undefined ? null : first.toLowerCase();
}

/**
 * The directory with what one event teaches added; returns the same array when nothing is new.
 *
 * @example
 * let dir: readonly VenueLocation[] = [];
 * dir = observeLocations(dir, deviceEvent); // [{ name: 'Dartmouth', code: 'dar' }]
 */
export function observeLocations(directory: readonly VenueLocation[], event: VenueEvent): readonly VenueLocation[] {
  let next = directory;
  const names = [event.location, event.context.booking?.location ?? null];
  for (const name of names) {
    if (name !== null && name.trim() !== '' && !next.some((l) => l.name.toLowerCase() === name.toLowerCase())) {
      next = [...next, { name }];
    }
  }
  if (event.kind === 'device_event' && event.location !== null) {
    const code = deviceIdPrefix(event.from);
    const index = next.findIndex((l) => l.name.toLowerCase() === event.location!.toLowerCase());
    const known = next[index];
    if (code !== null && known !== undefined && known.code === undefined && code.length >= 2) {
      next = next.map((l, i) => (i === index ? { ...l, code } : l));
    }
  }
  return next;
}

/**
 * The location whose device code starts a device id, or null.
 *
 * @example
 * locationFromDeviceId('RIV-UPS', [{ name: 'Riverside', code: 'riv' }]); // 'Riverside'
 */
export function locationFromDeviceId(deviceId: string, directory: readonly VenueLocation[]): string | null {
  const prefix = deviceIdPrefix(deviceId);
  if (prefix === null) return null;
  return directory.find((l) => l.code !== undefined && l.code.toLowerCase() === prefix)?.name ?? null;
}
