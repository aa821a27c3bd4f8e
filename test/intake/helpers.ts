import type { Booking, LoggedAction, VenueEvent } from '../../src/venue/types.js';

const MIN = 60_000;
export const T0 = new Date('2025-09-06T20:30:00Z');
export const minutes = (m: number): Date => new Date(T0.getTime() + m * MIN);

/** A booking at Dartmouth bay 3 from T0 for 90 minutes, unless overridden. */
export function booking(overrides: Partial<Booking> = {}): Booking {
  return { id: 'bk-491530', location: 'Dartmouth', bay: 3, startsAt: T0, endsAt: minutes(90), ...overrides };
}

/** A customer SMS at T0 with no channel location or bay, unless overridden. */
export function message(text: string, overrides: Partial<VenueEvent> = {}, actions: readonly LoggedAction[] = []): VenueEvent {
  return {
    id: 'vd-1',
    t: T0,
    kind: 'message',
    channel: 'sms',
    from: 'c-d805ab34',
    location: null,
    bay: null,
    text,
    context: { booking: null, recentActions: actions },
    ...overrides,
  };
}

export function deviceEvent(from: string, text: string, overrides: Partial<VenueEvent> = {}): VenueEvent {
  return message(text, { kind: 'device_event', channel: 'device', from, location: 'Dartmouth', ...overrides });
}
