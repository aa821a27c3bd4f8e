import { describe, expect, it } from 'vitest';
import type { CallContext, DeviceAction, DeviceCommand } from '../../src/actions/ports.js';
import { manualClock } from '../../src/kernel/clock.js';
import { createSimulatedVenue } from '../../src/integrations/simulator/simulatedVenue.js';
import { advanceVenue, applyCommand, createVenueState, DEFAULT_RATES, type SimulatorRates, type VenueState } from '../../src/integrations/simulator/venueModel.js';

const START = new Date('2026-03-01T00:00:00Z');
const MINUTE = 60_000;
const cmd = (decision: DeviceAction, bay: number | undefined, location = 'Dartmouth'): DeviceCommand => ({
  decision,
  params: bay === undefined ? { location } : { location, bay },
  idempotencyKey: `ex-${decision}-${bay}`,
  deadline: new Date(START.getTime() + 30_000),
});
const NOTHING_BREAKS: SimulatorRates = { trackmanFreeze: 0, pcOffline: 0, projectorOff: 0, tvNoSignal: 0, doorOffline: 0, recovery: 0, commandFailure: 0 };
const base = () => createVenueState([{ name: 'Dartmouth', code: 'DAR', bays: 2 }], 11, START);
const withDoor = (s: VenueState, door: 'online' | 'offline'): VenueState => ({ ...s, locations: { Dartmouth: { ...s.locations.Dartmouth!, door } } });
const withPcOffline = (s: VenueState, bay: string): VenueState => ({
  ...s,
  locations: { Dartmouth: { ...s.locations.Dartmouth!, bays: { ...s.locations.Dartmouth!.bays, [bay]: { ...s.locations.Dartmouth!.bays[bay]!, pc: 'offline' } } } },
});

describe('venue simulator: commands fail the way the devices would', () => {
  it('an unlock fails while the door hub is offline; a reboot while the bay PC is offline', () => {
    expect(applyCommand(withDoor(base(), 'offline'), cmd('unlock_door', undefined), NOTHING_BREAKS).result).toEqual({ outcome: 'failed', reason: 'device_offline', detail: 'simulated door hub is offline' });
    expect(applyCommand(withPcOffline(base(), '2'), cmd('reboot_bay_pc', 2), NOTHING_BREAKS).result).toEqual({ outcome: 'failed', reason: 'device_offline', detail: 'simulated bay 2 PC is offline' });
  });

  it('a command for an unknown location, or a bay command without a bay, finds nothing and leaves the model as it was', () => {
    const s = base();
    expect(applyCommand(s, cmd('reset_trackman', 1, 'Truro'), NOTHING_BREAKS)).toEqual({ state: s, result: { outcome: 'failed', reason: 'not_found', detail: 'no simulated location Truro' } });
    expect(applyCommand(s, cmd('power_cycle_tv', undefined), NOTHING_BREAKS)).toEqual({ state: s, result: { outcome: 'failed', reason: 'not_found', detail: 'no simulated bay (none) at Dartmouth' } });
  });

  it('when every command is unlucky, the relay, the reset script and the projector fail; a reboot and a TV power cycle still work', () => {
    const unlucky = { ...NOTHING_BREAKS, commandFailure: 1 };
    const s = base();
    expect(applyCommand(s, cmd('unlock_door', undefined), unlucky).result).toMatchObject({ outcome: 'failed', reason: 'rejected', detail: 'simulated door relay did not release' });
    expect(applyCommand(s, cmd('reset_trackman', 1), unlucky).result).toMatchObject({ outcome: 'failed', reason: 'rejected' });
    expect(applyCommand(s, cmd('projector_power_on', 1), unlucky).result).toMatchObject({ outcome: 'failed', reason: 'rejected', detail: 'simulated projector of bay 1 stayed off' });
    expect(applyCommand(s, cmd('reboot_bay_pc', 1), unlucky).result).toMatchObject({ outcome: 'succeeded' });
    const tv = applyCommand({ ...s, locations: { Dartmouth: { ...s.locations.Dartmouth!, bays: { ...s.locations.Dartmouth!.bays, '1': { ...s.locations.Dartmouth!.bays['1']!, tv: 'no_signal' } } } } }, cmd('power_cycle_tv', 1), unlucky);
    expect(tv.result).toEqual({ outcome: 'succeeded', detail: 'simulated side TV of bay 1 power-cycled', vendorRef: 'sim:ex-power_cycle_tv-1' });
    expect(tv.state.locations.Dartmouth!.bays['1']!.tv).toBe('ok');
  });

  it('the door hub drops offline and comes back at the rates given, with lines the monitoring would send', () => {
    // A certain drop each minute while online, a certain recovery each minute while offline.
    const flapping = { ...NOTHING_BREAKS, doorOffline: 60, recovery: 60 };
    const { state, events } = advanceVenue(base(), new Date(START.getTime() + 3 * MINUTE), flapping);
    expect(events.map((e) => [e.at.getTime() - START.getTime(), e.deviceId, e.text])).toEqual([
      [MINUTE, 'DAR-DOOR', 'UniFi Access hub offline site=DAR'],
      [2 * MINUTE, 'DAR-DOOR', 'UniFi Access hub back online site=DAR'],
      [3 * MINUTE, 'DAR-DOOR', 'UniFi Access hub offline site=DAR'],
    ]);
    expect(state.locations.Dartmouth!.door).toBe('offline');
  });
});

describe('venue simulator: replies and alerts', () => {
  const ctx = (clock = manualClock(START)): CallContext => ({ clock, signal: new AbortController().signal });
  const reply = (location: string, deadline: Date) => ({ location, channel: 'sms' as const, to: '+19025550123', text: 'hi', idempotencyKey: `r-${location}`, deadline });

  it('a reply to a location it does not simulate is not found; past its deadline neither a reply nor an alert goes out', async () => {
    const venue = createSimulatedVenue({ locations: [{ name: 'Dartmouth', code: 'DAR', bays: 2 }], seed: 3, start: START, rates: DEFAULT_RATES });
    expect(await venue.replies.send(reply('Truro', new Date(START.getTime() + 1000)), ctx())).toEqual({ outcome: 'failed', reason: 'not_found', detail: 'no simulated location Truro' });
    const late = manualClock(new Date(START.getTime() + 5000));
    expect(await venue.replies.send(reply('Dartmouth', new Date(START.getTime() + 1000)), ctx(late))).toMatchObject({ outcome: 'failed', reason: 'deadline' });
    expect(await venue.team.alert({ text: 'bay 2 on fire', idempotencyKey: 'a', deadline: new Date(START.getTime() + 1000) }, ctx(late))).toMatchObject({ outcome: 'failed', reason: 'deadline' });
    expect(venue.outbox()).toEqual([]);
  });
});
