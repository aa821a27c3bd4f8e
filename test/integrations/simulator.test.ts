import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallContext, DeviceAction, DeviceCommand } from '../../src/actions/ports.js';
import { classifyDeviceLine } from '../../src/intake/deviceLine.js';
import { manualClock } from '../../src/kernel/clock.js';
import { nextRandom } from '../../src/integrations/simulator/prng.js';
import { createSimulatedVenue } from '../../src/integrations/simulator/simulatedVenue.js';
import { advanceVenue, applyCommand, createVenueState, DEFAULT_RATES } from '../../src/integrations/simulator/venueModel.js';

const START = new Date('2026-03-01T00:00:00Z');
const LOCATIONS = [
  { name: 'Dartmouth', code: 'DAR', bays: 4 },
  { name: 'Bedford', code: 'BED', bays: 2 },
];
const HOUR = 3_600_000;
const cmd = (decision: DeviceAction, bay: number | undefined, at: Date, location = 'Dartmouth'): DeviceCommand => ({
  decision,
  params: bay === undefined ? { location } : { location, bay },
  idempotencyKey: `ex-${decision}-${bay}-${at.getTime()}`,
  deadline: new Date(at.getTime() + 30_000),
});

describe('venue simulator', () => {
  it('draws from a seeded generator in [0, 1) without Math.random (property)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = nextRandom(seed);
        expect(a.value).toBeGreaterThanOrEqual(0);
        expect(a.value).toBeLessThan(1);
        expect(nextRandom(seed)).toEqual(a);
      }),
    );
  });

  it('produces the same faults and command results for the same seed and inputs (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 4 }), (seed, hours, bay) => {
        const play = () => {
          const s0 = createVenueState(LOCATIONS, seed, START);
          const later = new Date(START.getTime() + hours * HOUR);
          const { state, events } = advanceVenue(s0, later, DEFAULT_RATES);
          return { events, result: applyCommand(state, cmd('reset_trackman', bay, later), DEFAULT_RATES) };
        };
        expect(play()).toEqual(play());
      }),
      { numRuns: 25 },
    );
  });

  it('freezes and recovers devices over time with lines the intake classifier understands', () => {
    const { events } = advanceVenue(createVenueState(LOCATIONS, 1234, START), new Date(START.getTime() + 24 * HOUR), DEFAULT_RATES);
    expect(events.length).toBeGreaterThan(5);
    const types = new Set(events.map((e) => classifyDeviceLine(e.deviceId, e.text).type));
    expect(types.has('trackman_fault')).toBe(true);
    for (const e of events.filter((x) => x.bay !== null)) {
      expect(classifyDeviceLine(e.deviceId, e.text).unit).toEqual({ kind: 'bay', bay: e.bay });
    }
  });

  it('resets a frozen TrackMan unless the bay PC is offline', () => {
    const base = createVenueState(LOCATIONS, 5, START);
    const dar = base.locations.Dartmouth!;
    const frozen = { ...base, locations: { ...base.locations, Dartmouth: { ...dar, bays: { ...dar.bays, '3': { ...dar.bays['3']!, trackman: 'frozen' as const } } } } };
    const calm = { ...DEFAULT_RATES, commandFailure: 0 };
    const ok = applyCommand(frozen, cmd('reset_trackman', 3, START), calm);
    expect(ok.result).toMatchObject({ outcome: 'succeeded' });
    expect(ok.state.locations.Dartmouth!.bays['3']!.trackman).toBe('ok');
    const offline = { ...frozen, locations: { ...frozen.locations, Dartmouth: { ...frozen.locations.Dartmouth!, bays: { ...frozen.locations.Dartmouth!.bays, '3': { trackman: 'frozen' as const, pc: 'offline' as const, projector: 'on' as const, tv: 'ok' as const } } } } };
    expect(applyCommand(offline, cmd('reset_trackman', 3, START), calm).result).toMatchObject({ outcome: 'failed', reason: 'device_offline' });
    expect(applyCommand(base, cmd('reset_trackman', 9, START), calm).result).toMatchObject({ outcome: 'failed', reason: 'not_found' });
  });

  it('serves every port: device commands, SMS into a readable outbox, team alerts, and device lines as time passes', async () => {
    const clock = manualClock(START);
    const ctx: CallContext = { clock, signal: new AbortController().signal };
    const venue = createSimulatedVenue({ locations: LOCATIONS, seed: 99, start: START, rates: { ...DEFAULT_RATES, commandFailure: 0 } });
    const device = venue.integrations.device('unlock_door', 'Dartmouth', undefined)!;
    expect(await device.execute(cmd('unlock_door', undefined, START), ctx)).toMatchObject({ outcome: 'succeeded' });
    expect(await device.execute(cmd('projector_power_on', 2, START), ctx)).toMatchObject({ outcome: 'succeeded' });
    const sms = venue.integrations.replies('Dartmouth', 'sms')!;
    await sms.send({ location: 'Dartmouth', channel: 'sms', to: '+19025550123', text: 'Door is open.', idempotencyKey: 'r1', deadline: new Date(START.getTime() + 1000) }, ctx);
    await venue.integrations.team('Dartmouth')!.alert({ text: 'FYI', idempotencyKey: 'a1', deadline: new Date(START.getTime() + 1000) }, ctx);
    expect(venue.outbox().map((m) => [m.channel, m.to, m.text])).toEqual([
      ['sms', '+19025550123', 'Door is open.'],
      ['team', 'team', 'FYI'],
    ]);
    expect(venue.integrations.device('reset_trackman', 'Nowhere', 1)).toBeUndefined();
    clock.advance(12 * HOUR);
    const lines = venue.advance(clock.now());
    expect(lines.length).toBeGreaterThan(0);
    expect(venue.advance(clock.now())).toEqual([]);
  });

  it('refuses commands whose deadline has already passed', async () => {
    const clock = manualClock(START);
    const venue = createSimulatedVenue({ locations: LOCATIONS, seed: 1, start: START });
    clock.advance(60_000);
    expect(await venue.devices.execute(cmd('reset_trackman', 1, START), { clock, signal: new AbortController().signal })).toMatchObject({
      outcome: 'failed',
      reason: 'deadline',
    });
  });
});
