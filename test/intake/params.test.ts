import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paramsForDecision } from '../../src/intake/decisionParams.js';
import { locationFromDeviceId, observeLocations } from '../../src/intake/locationDirectory.js';
import { resolveParams } from '../../src/intake/params.js';
import type { VenueLocation } from '../../src/venue/types.js';
import { booking, deviceEvent, message, minutes } from './helpers.js';

const venue: VenueLocation[] = [{ name: 'Bedford', code: 'bed' }, { name: 'Dartmouth', code: 'dar' }, { name: 'Riverside', code: 'riv' }];

describe('resolveParams for messages', () => {
  it('takes location and bay from the text first, and says so', () => {
    const e = message('trackman frozen in bay 2 at riverside', { location: 'Bedford', context: { booking: booking(), recentActions: [] } });
    expect(resolveParams(e, venue)).toEqual({ location: { value: 'Riverside', source: 'text' }, bay: { value: 2, source: 'text' } });
  });

  it('falls back to the channel fields, then the booking', () => {
    const web = message('trackman froze', { channel: 'web', location: 'Bedford', bay: 1, context: { booking: booking(), recentActions: [] } });
    expect(resolveParams(web, venue)).toEqual({ location: { value: 'Bedford', source: 'field' }, bay: { value: 1, source: 'field' } });
    const sms = message('trackman froze', { context: { booking: booking(), recentActions: [] } });
    expect(resolveParams(sms, venue)).toEqual({ location: { value: 'Dartmouth', source: 'booking' }, bay: { value: 3, source: 'booking' } });
  });

  it('uses the booking bay only while the booking is current and at that location', () => {
    const late = message('screen went black', { t: minutes(121), context: { booking: booking(), recentActions: [] } });
    expect(resolveParams(late, venue).bay).toBeNull();
    const justEnded = message('screen went black', { t: minutes(119), context: { booking: booking(), recentActions: [] } });
    expect(resolveParams(justEnded, venue).bay).toEqual({ value: 3, source: 'booking' });
    const elsewhere = message('screen went black at bedford', { context: { booking: booking(), recentActions: [] } });
    expect(resolveParams(elsewhere, venue)).toEqual({ location: { value: 'Bedford', source: 'text' }, bay: null });
  });

  it('resolves the bay of "bay N" for any N, whatever the booking says', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const e = message(`no ball tracking bay ${n}`, { context: { booking: booking(), recentActions: [] } });
        expect(resolveParams(e, venue).bay).toEqual({ value: n, source: 'text' });
      }),
    );
  });
});

describe('resolveParams for device events', () => {
  it('reads the bay from the device id even when the field is empty', () => {
    const e = deviceEvent('DAR-B4-TPS', 'TrackMan TPS heartbeat lost bay=4', { bay: null });
    expect(resolveParams(e, venue)).toEqual({ location: { value: 'Dartmouth', source: 'field' }, bay: { value: 4, source: 'device' } });
  });

  it('finds the location from the device code when the field is missing', () => {
    const e = deviceEvent('RIV-UPS', 'UPS on battery', { location: null });
    expect(resolveParams(e, venue)).toEqual({ location: { value: 'Riverside', source: 'device' }, bay: null });
  });
});

describe('observeLocations', () => {
  it('learns names from fields and bookings, and device codes from device ids', () => {
    let dir: readonly VenueLocation[] = [];
    dir = observeLocations(dir, message('hi', { context: { booking: booking({ location: 'Harbour Point' }), recentActions: [] } }));
    dir = observeLocations(dir, deviceEvent('HBP.bay2.proj', 'projector off', { location: 'Harbour Point' }));
    dir = observeLocations(dir, deviceEvent('DAR-UPS', 'UPS on battery'));
    expect(dir).toEqual([{ name: 'Harbour Point', code: 'hbp' }, { name: 'Dartmouth', code: 'dar' }]);
    expect(locationFromDeviceId('hbp-b1-tv', dir)).toBe('Harbour Point');
  });

  it('returns the same directory when nothing is new', () => {
    const dir = [{ name: 'Dartmouth', code: 'dar' }];
    expect(observeLocations(dir, deviceEvent('DAR-B1-PC', 'agent offline'))).toBe(dir);
  });
});

describe('paramsForDecision', () => {
  const atDoor = message("At Bedford for our 8pm, door won't open", { context: { booking: booking(), recentActions: [] } });

  it('acts on the booking for booking decisions, whatever location the text names', () => {
    const resolved = resolveParams(atDoor, venue);
    expect(paramsForDecision('escalate_booking_change', atDoor, resolved)).toEqual({ location: 'Dartmouth', bookingId: 'bk-491530' });
    expect(paramsForDecision('unlock_door', atDoor, resolved)).toEqual({ location: 'Dartmouth', bookingId: 'bk-491530' });
    expect(paramsForDecision('send_booking_link', atDoor, resolved)).toEqual({ location: 'Bedford' });
  });

  it('gives bay decisions the resolved location and bay, and unknown nothing', () => {
    const e = message('sim 2 froze', { context: { booking: booking(), recentActions: [] } });
    const resolved = resolveParams(e, venue);
    expect(paramsForDecision('reset_trackman', e, resolved)).toEqual({ location: 'Dartmouth', bay: 2 });
    expect(paramsForDecision('extend_session_link', e, resolved)).toEqual({ location: 'Dartmouth', bay: 3, bookingId: 'bk-491530' });
    expect(paramsForDecision('__unknown__', e, resolved)).toEqual({});
  });

  it('looks for lost items only where the customer says, not in the booking bay', () => {
    const e = message('left my driver behind', { context: { booking: booking(), recentActions: [] } });
    expect(paramsForDecision('lost_and_found_ticket', e, resolveParams(e, venue))).toEqual({ location: 'Dartmouth' });
  });
});
