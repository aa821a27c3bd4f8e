import { bookingWindow, sameLocation } from '../venue/bookingWindow.js';
import type { DecisionParams, VenueEvent } from '../venue/types.js';
import { bayFromText } from './bayMention.js';
import type { EventParams } from './params.js';

/**
 * The parameters a decision executes with (README "Decision catalogue" params column). Most take the
 * event's resolved location and bay; decisions about a booking (unlock, early-arrival reply,
 * extension link, refund, booking change, access) act on the booking itself, so its location and id
 * win over what the text says: "I'm at Bedford" for a Dartmouth booking escalates that booking.
 */

const BOOKING_LOCATION_AND_ID: ReadonlySet<string> = new Set([
  'unlock_door',
  'reply_early_arrival',
  'escalate_refund',
  'escalate_booking_change',
]);
const LOCATION_ONLY: ReadonlySet<string> = new Set([
  'clarify_bay',
  'send_booking_link',
  'escalate_security',
  'escalate_site_outage',
]);

const defined = (p: Record<string, unknown>): DecisionParams =>
  Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== null)) as DecisionParams;

/**
 * Parameters of `decision` for this event, from its resolved params.
 *
 * @example
 * paramsForDecision('reset_trackman', event, resolveParams(event, locations)); // { location: 'Bedford', bay: 2 }
 * paramsForDecision('unlock_door', event, resolved); // { location: booking.location, bookingId: booking.id }
 */
export function paramsForDecision(decision: string, event: VenueEvent, resolved: EventParams): DecisionParams {
  const booking = event.context.booking;
  const location = resolved.location?.value;
  const bay = resolved.bay?.value;
  if (decision === '__unknown__') return {};
  if (BOOKING_LOCATION_AND_ID.has(decision)) return defined({ location: booking?.location, bookingId: booking?.id });
  if (decision === 'extend_session_link') {
    return booking === null ? defined({ location, bay }) : defined({ location: booking.location, bay: booking.bay, bookingId: booking.id });
  }
  if (decision === 'escalate_access') {
    return booking === null ? defined({ location }) : defined({ location: booking.location, bookingId: booking.id });
  }
  if (LOCATION_ONLY.has(decision) || decision.startsWith('reply_faq_')) return defined({ location });
  if (event.kind === 'message' && decision === 'lost_and_found_ticket') {
    // A lost item is looked for where the customer says, not in the bay of their next booking.
    return defined({ location, bay: bayFromText(event.text) ?? event.bay });
  }
  if (event.kind === 'message' && decision === 'create_facilities_ticket') {
    const bookingBay =
      booking !== null && sameLocation(booking.location, location) && bookingWindow(booking, location ?? null, event.t).kind === 'in_window'
        ? booking.bay
        : null;
    return defined({ location, bay: bayFromText(event.text) ?? event.bay ?? bookingBay });
  }
  return defined({ location, bay });
}
