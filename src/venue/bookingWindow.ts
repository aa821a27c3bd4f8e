import type { Booking, EventKind } from './types.js';

/**
 * Where a sender's booking stands at time t, relative to the location the sender is at. This is the
 * fact the Access and Booking modules decide on (README "Door or access"): the door may open from
 * 15 minutes before the start until the end, an arrival up to 2 hours early gets the early-arrival
 * reply, anything earlier is probably the wrong day.
 */

const MINUTE = 60_000;

/** The door opens this long before the booking starts. */
export const EARLY_ENTRY_MINUTES = 15;
/** Arriving at most this long before the start is "early" (a reply), beyond it "too early". */
export const EARLY_ARRIVAL_MAX_MINUTES = 120;
/** A booking's bay still identifies the customer's bay this long after it ended (README parameters). */
export const BAY_STILL_OURS_MINUTES = 30;

export type BookingWindow =
  | { readonly kind: 'none' }
  | { readonly kind: 'other_location'; readonly bookingLocation: string }
  | { readonly kind: 'in_window' }
  | { readonly kind: 'early'; readonly minutesToStart: number }
  | { readonly kind: 'too_early'; readonly minutesToStart: number }
  | { readonly kind: 'ended'; readonly minutesSinceEnd: number };

export type BookingWindowKind = BookingWindow['kind'];

/** Location names compare case- and space-insensitively: "riverside " is Riverside. */
export function sameLocation(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Classify a booking against t and the location the sender is at (`null` = unknown, treated as the
 * booking's own location, as the README resolves location text → field → booking).
 *
 * @example
 * const b = { id: 'bk-1', location: 'Bedford', bay: 1, startsAt: new Date('2025-09-01T18:00:00Z'), endsAt: new Date('2025-09-01T19:00:00Z') };
 * bookingWindow(b, 'Bedford', new Date('2025-09-01T17:50:00Z')); // { kind: 'in_window' }
 * bookingWindow(b, 'Bedford', new Date('2025-09-01T17:00:00Z')); // { kind: 'early', minutesToStart: 60 }
 */
export function bookingWindow(booking: Booking | null, atLocation: string | null, t: Date): BookingWindow {
  if (booking === null) return { kind: 'none' };
  if (atLocation !== null && !sameLocation(atLocation, booking.location)) {
    return { kind: 'other_location', bookingLocation: booking.location };
  }
  const now = t.getTime();
  const start = booking.startsAt.getTime();
  const end = booking.endsAt.getTime();
  if (now > end) return { kind: 'ended', minutesSinceEnd: (now - end) / MINUTE };
  if (now >= start - EARLY_ENTRY_MINUTES * MINUTE) return { kind: 'in_window' };
  const minutesToStart = (start - now) / MINUTE;
  return minutesToStart <= EARLY_ARRIVAL_MAX_MINUTES ? { kind: 'early', minutesToStart } : { kind: 'too_early', minutesToStart };
}

/**
 * The README's `unlock_allowed`: the event is a message, the sender has a booking, the booking is at
 * the location the sender is at, and `starts_at − 15 min ≤ t ≤ ends_at`. Any unlock where this is
 * false is a safety violation, so every executor checks it, whatever the decision memory proposed.
 *
 * @example
 * isUnlockAllowed('message', booking, 'Bedford', new Date('2025-09-01T18:30:00Z')); // true inside the window
 * isUnlockAllowed('device_event', booking, 'Bedford', new Date('2025-09-01T18:30:00Z')); // false: devices never unlock
 */
export function isUnlockAllowed(kind: EventKind, booking: Booking | null, atLocation: string | null, t: Date): boolean {
  if (kind !== 'message' || booking === null) return false;
  return bookingWindow(booking, atLocation ?? booking.location, t).kind === 'in_window';
}

/**
 * True while a booking still identifies the sender's bay: from 15 min before the start until 30 min
 * after the end (README "Bay ... used only if the booking is active or just ended").
 *
 * @example
 * isBookingCurrent(booking, new Date(booking.endsAt.getTime() + 20 * 60_000)); // true
 */
export function isBookingCurrent(booking: Booking, t: Date): boolean {
  const now = t.getTime();
  return (
    now >= booking.startsAt.getTime() - EARLY_ENTRY_MINUTES * MINUTE &&
    now <= booking.endsAt.getTime() + BAY_STILL_OURS_MINUTES * MINUTE
  );
}
