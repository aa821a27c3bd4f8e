import { isBookingCurrent, sameLocation } from '../venue/bookingWindow.js';
import type { VenueEvent, VenueLocation } from '../venue/types.js';
import { bayFromDeviceId, bayFromText } from './bayMention.js';
import { locationFromDeviceId } from './locationDirectory.js';
import { locationFromText } from './locationMention.js';

/**
 * The bay and location an event refers to, resolved by the README's rules, with where each value
 * came from so a proposal can say "bay 3 (from the text)" and replay can score text-only bays.
 *
 * Messages: location = text, else `event.location`, else booking location; bay = text, else
 * `event.bay`, else the booking's bay only while the booking is current (start − 15 min … end + 30 min)
 * and at that location. Device events: location = `event.location` (else the device id's site code);
 * bay = the device id's bay, else `event.bay`, else the log line ("bay=3").
 */

export type ParamSource = 'text' | 'field' | 'booking' | 'device';

export interface Sourced<T> {
  readonly value: T;
  readonly source: ParamSource;
}

export interface EventParams {
  readonly location: Sourced<string> | null;
  readonly bay: Sourced<number> | null;
}

const from = <T>(value: T | null | undefined, source: ParamSource): Sourced<T> | null =>
  value === null || value === undefined ? null : { value, source };

/**
 * Resolve location and bay for an event, given the venue's locations (data, never hard-coded).
 *
 * @example
 * resolveParams(event, [{ name: 'Bedford' }, { name: 'Dartmouth' }]);
 * // { location: { value: 'Bedford', source: 'booking' }, bay: { value: 3, source: 'text' } }
 */
export function resolveParams(event: VenueEvent, locations: readonly VenueLocation[]): EventParams {
  return event.kind === 'device_event' ? deviceParams(event, locations) : messageParams(event, locations);
}

function messageParams(event: VenueEvent, locations: readonly VenueLocation[]): EventParams {
  const booking = event.context.booking;
  const location =
    from(locationFromText(event.text, locations), 'text') ??
    from(event.location, 'field') ??
    from(booking?.location, 'booking');
  const bookingBay =
    booking !== null &&
    booking.bay !== null &&
    isBookingCurrent(booking, event.t) &&
    (location === null || sameLocation(location.value, booking.location))
      ? booking.bay
      : null;
  const bay = from(bayFromText(event.text), 'text') ?? from(event.bay, 'field') ?? from(bookingBay, 'booking');
  return { location, bay };
}

function deviceParams(event: VenueEvent, locations: readonly VenueLocation[]): EventParams {
  const location = from(event.location, 'field') ?? from(locationFromDeviceId(event.from, locations), 'device');
  const bay = from(bayFromDeviceId(event.from), 'device') ?? from(event.bay, 'field') ?? from(bayFromText(event.text), 'text');
  return { location, bay };
}
