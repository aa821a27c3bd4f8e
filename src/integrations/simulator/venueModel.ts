import type { CommandResult, DeviceCommand } from '../../actions/ports.js';
import { failed, succeeded } from '../outcome.js';
import { nextRandom } from './prng.js';

/**
 * A deterministic model of a venue's devices. Pure: state in, state out; time is passed in and
 * randomness comes from the seed carried in the state. Devices freeze, drop offline and recover at
 * seeded per-hour rates; commands act on the model the way the real devices react.
 */
export interface BayDevices {
  readonly trackman: 'ok' | 'frozen';
  readonly pc: 'online' | 'offline';
  readonly projector: 'on' | 'off';
  readonly tv: 'ok' | 'no_signal';
}

export interface SimLocation {
  readonly name: string;
  /** Device-id prefix, e.g. `DAR` → `DAR-B3-TPS`. */
  readonly code: string;
  readonly door: 'online' | 'offline';
  readonly bays: Readonly<Record<string, BayDevices>>;
}

export interface VenueState {
  readonly seed: number;
  /** Epoch ms the model has been advanced to. */
  readonly at: number;
  readonly locations: Readonly<Record<string, SimLocation>>;
}

/** Chance per device per hour; recoveries are per faulty device per hour. */
export interface SimulatorRates {
  readonly trackmanFreeze: number;
  readonly pcOffline: number;
  readonly projectorOff: number;
  readonly tvNoSignal: number;
  readonly doorOffline: number;
  readonly recovery: number;
  /** Chance that a command on a healthy path still fails (the script errors, the relay sticks). */
  readonly commandFailure: number;
}

export const DEFAULT_RATES: SimulatorRates = Object.freeze({
  trackmanFreeze: 0.05,
  pcOffline: 0.005,
  projectorOff: 0.01,
  tvNoSignal: 0.01,
  doorOffline: 0.002,
  recovery: 0.5,
  commandFailure: 0.03,
});

/** A device log line as a monitoring tool would send it, worded for the intake classifier. */
export interface DeviceEventLine {
  readonly at: Date;
  readonly location: string;
  readonly bay: number | null;
  readonly deviceId: string;
  readonly text: string;
}

const HEALTHY: BayDevices = Object.freeze({ trackman: 'ok', pc: 'online', projector: 'on', tv: 'ok' });
const TICK_MS = 60_000;
// Beyond a day of catching up the earlier minutes no longer matter: the model jumps ahead.
const MAX_TICKS = 24 * 60;

/**
 * @example
 * const state = createVenueState([{ name: 'Dartmouth', code: 'DAR', bays: 4 }], 7, new Date('2026-03-01T00:00:00Z'));
 */
export function createVenueState(locations: readonly { name: string; code: string; bays: number }[], seed: number, start: Date): VenueState {
  const entries = locations.map((l): [string, SimLocation] => [
    l.name,
    { name: l.name, code: l.code, door: 'online', bays: Object.fromEntries(Array.from({ length: l.bays }, (_, i) => [String(i + 1), HEALTHY])) },
  ]);
  return { seed: seed | 0, at: start.getTime(), locations: Object.fromEntries(entries) };
}

type Draw = () => number;
function drawer(seed: number): { draw: Draw; seed: () => number } {
  let s = seed;
  return {
    draw: () => {
      const r = nextRandom(s);
      s = r.seed;
      return r.value;
    },
    seed: () => s,
  };
}

/**
 * Moves the model to `now` minute by minute, returning the device lines its faults and recoveries
 * produced. Same state and `now` → same result.
 *
 * @example
 * const { state: later, events } = advanceVenue(state, new Date('2026-03-01T06:00:00Z'), DEFAULT_RATES);
 */
export function advanceVenue(state: VenueState, now: Date, rates: SimulatorRates): { state: VenueState; events: DeviceEventLine[] } {
  const target = now.getTime();
  let at = Math.max(state.at, target - MAX_TICKS * TICK_MS);
  const rng = drawer(state.seed);
  const events: DeviceEventLine[] = [];
  const locations: Record<string, SimLocation> = { ...state.locations };
  while (at + TICK_MS <= target) {
    at += TICK_MS;
    const when = new Date(at);
    for (const name of Object.keys(locations).sort()) {
      const loc = locations[name]!;
      const p = (perHour: number) => rng.draw() < perHour / 60;
      let door = loc.door;
      if (door === 'online' && p(rates.doorOffline)) {
        door = 'offline';
        events.push({ at: when, location: name, bay: null, deviceId: `${loc.code}-DOOR`, text: `UniFi Access hub offline site=${loc.code}` });
      } else if (door === 'offline' && p(rates.recovery)) {
        door = 'online';
        events.push({ at: when, location: name, bay: null, deviceId: `${loc.code}-DOOR`, text: `UniFi Access hub back online site=${loc.code}` });
      }
      const bays: Record<string, BayDevices> = {};
      for (const bay of Object.keys(loc.bays).sort((a, b) => Number(a) - Number(b))) {
        const d = loc.bays[bay]!;
        const id = (kind: string) => `${loc.code}-B${bay}-${kind}`;
        const line = (kind: string, text: string) => events.push({ at: when, location: name, bay: Number(bay), deviceId: id(kind), text });
        let next = d;
        if (d.pc === 'online' && p(rates.pcOffline)) {
          next = { ...next, pc: 'offline' };
          line('PC', `NinjaOne agent offline bay=${bay} no check-in`);
        } else if (d.pc === 'offline' && p(rates.recovery)) {
          next = { ...next, pc: 'online' };
          line('PC', `NinjaOne agent back online bay=${bay}`);
        }
        if (d.trackman === 'ok' && p(rates.trackmanFreeze)) {
          next = { ...next, trackman: 'frozen' };
          line('TPS', `TrackMan TPS heartbeat lost bay=${bay} code=E1042`);
        } else if (d.trackman === 'frozen' && p(rates.recovery / 4)) {
          next = { ...next, trackman: 'ok' };
          line('TPS', `TrackMan TPS running again bay=${bay}`);
        }
        if (d.projector === 'on' && p(rates.projectorOff)) {
          next = { ...next, projector: 'off' };
          line('PRJ', `BenQ projector power off unexpectedly bay=${bay}`);
        }
        if (d.tv === 'ok' && p(rates.tvNoSignal)) {
          next = { ...next, tv: 'no_signal' };
          line('TV', `side TV HDMI no signal bay=${bay}`);
        }
        bays[bay] = next;
      }
      locations[name] = { ...loc, door, bays };
    }
  }
  return { state: { seed: rng.seed(), at: Math.max(state.at, at), locations }, events };
}

/**
 * Executes a command against the model: a TrackMan reset works unless the bay PC is offline, an
 * unlock unless the door hub is offline; a small seeded share of commands fails anyway.
 *
 * @example
 * applyCommand(state, { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 }, idempotencyKey: 'k', deadline }, DEFAULT_RATES);
 */
export function applyCommand(state: VenueState, command: DeviceCommand, rates: SimulatorRates): { state: VenueState; result: CommandResult } {
  const loc = state.locations[command.params.location];
  if (loc === undefined) return { state, result: failed('not_found', `no simulated location ${command.params.location}`) };
  const rng = drawer(state.seed);
  const unlucky = rng.draw() < rates.commandFailure;
  const withLoc = (next: SimLocation): VenueState => ({ ...state, seed: rng.seed(), locations: { ...state.locations, [loc.name]: next } });
  const spent: VenueState = { ...state, seed: rng.seed() };

  if (command.decision === 'unlock_door') {
    if (loc.door === 'offline') return { state: spent, result: failed('device_offline', 'simulated door hub is offline') };
    if (unlucky) return { state: spent, result: failed('rejected', 'simulated door relay did not release') };
    return { state: spent, result: succeeded(`simulated door at ${loc.name} unlocked`, `sim:${command.idempotencyKey}`) };
  }
  const bayKey = String(command.params.bay ?? '');
  const bay = loc.bays[bayKey];
  if (bay === undefined) return { state, result: failed('not_found', `no simulated bay ${bayKey || '(none)'} at ${loc.name}`) };
  const put = (next: BayDevices) => withLoc({ ...loc, bays: { ...loc.bays, [bayKey]: next } });
  const ref = `sim:${command.idempotencyKey}`;
  switch (command.decision) {
    case 'reset_trackman':
      if (bay.pc === 'offline') return { state: spent, result: failed('device_offline', `simulated bay ${bayKey} PC is offline`) };
      if (unlucky) return { state: spent, result: failed('rejected', `simulated TrackMan restart script failed on bay ${bayKey}`) };
      return { state: put({ ...bay, trackman: 'ok' }), result: succeeded(`simulated TrackMan restarted on bay ${bayKey}`, ref) };
    case 'reboot_bay_pc':
      if (bay.pc === 'offline') return { state: spent, result: failed('device_offline', `simulated bay ${bayKey} PC is offline`) };
      return { state: put({ ...bay, trackman: 'ok' }), result: succeeded(`simulated bay ${bayKey} PC rebooted`, ref) };
    case 'projector_power_on':
      if (unlucky) return { state: spent, result: failed('rejected', `simulated projector of bay ${bayKey} stayed off`) };
      return { state: put({ ...bay, projector: 'on' }), result: succeeded(`simulated projector of bay ${bayKey} is on`, ref) };
    case 'power_cycle_tv':
      return { state: put({ ...bay, tv: 'ok' }), result: succeeded(`simulated side TV of bay ${bayKey} power-cycled`, ref) };
  }
}
