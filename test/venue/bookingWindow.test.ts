import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingWindow, isBookingCurrent, isUnlockAllowed } from '../../src/venue/bookingWindow.js';
import type { Booking } from '../../src/venue/types.js';

const MIN = 60_000;
const start = new Date('2025-09-06T20:30:00Z');
const booking: Booking = { id: 'bk-1', location: 'Dartmouth', bay: 3, startsAt: start, endsAt: new Date(start.getTime() + 90 * MIN) };
const at = (minutesFromStart: number): Date => new Date(start.getTime() + minutesFromStart * MIN);

describe('bookingWindow', () => {
  it.each([
    [-15, 'in_window'],
    [-14.5, 'in_window'],
    [0, 'in_window'],
    [90, 'in_window'],
    [-15.5, 'early'],
    [-120, 'early'],
    [-121, 'too_early'],
    [91, 'ended'],
  ])('at start%+d min is %s', (minutes, kind) => {
    expect(bookingWindow(booking, 'Dartmouth', at(minutes)).kind).toBe(kind);
  });

  it('reports minutes to start and since end', () => {
    expect(bookingWindow(booking, null, at(-60))).toEqual({ kind: 'early', minutesToStart: 60 });
    expect(bookingWindow(booking, null, at(100))).toEqual({ kind: 'ended', minutesSinceEnd: 10 });
  });

  it('is none without a booking and other_location when the sender is elsewhere', () => {
    expect(bookingWindow(null, 'Dartmouth', at(0))).toEqual({ kind: 'none' });
    expect(bookingWindow(booking, 'Bedford', at(0))).toEqual({ kind: 'other_location', bookingLocation: 'Dartmouth' });
    expect(bookingWindow(booking, 'dartmouth ', at(0)).kind).toBe('in_window');
  });

  it('classifies every instant into exactly the window its distance to the booking says', () => {
    fc.assert(
      fc.property(fc.integer({ min: -600, max: 600 }), (minutes) => {
        const kind = bookingWindow(booking, null, at(minutes)).kind;
        const expected = minutes > 90 ? 'ended' : minutes >= -15 ? 'in_window' : minutes >= -120 ? 'early' : 'too_early';
        expect(kind).toBe(expected);
      }),
    );
  });
});

describe('isUnlockAllowed', () => {
  it('allows a message inside the window at the booking location only', () => {
    expect(isUnlockAllowed('message', booking, 'Dartmouth', at(-15))).toBe(true);
    expect(isUnlockAllowed('message', booking, null, at(90))).toBe(true);
    expect(isUnlockAllowed('message', booking, 'Dartmouth', at(-15.01))).toBe(false);
    expect(isUnlockAllowed('message', booking, 'Dartmouth', at(90.01))).toBe(false);
    expect(isUnlockAllowed('message', booking, 'Bedford', at(10))).toBe(false);
    expect(isUnlockAllowed('message', null, 'Dartmouth', at(10))).toBe(false);
    expect(isUnlockAllowed('device_event', booking, 'Dartmouth', at(10))).toBe(false);
  });

  it('never allows an unlock outside [start − 15 min, end]', () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), (minutes) => {
        const allowed = isUnlockAllowed('message', booking, 'Dartmouth', at(minutes));
        expect(allowed).toBe(minutes >= -15 && minutes <= 90);
      }),
    );
  });
});

describe('isBookingCurrent', () => {
  it('holds from 15 min before the start to 30 min after the end', () => {
    expect(isBookingCurrent(booking, at(-15))).toBe(true);
    expect(isBookingCurrent(booking, at(120))).toBe(true);
    expect(isBookingCurrent(booking, at(-16))).toBe(false);
    expect(isBookingCurrent(booking, at(121))).toBe(false);
  });
});
