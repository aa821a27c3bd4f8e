import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DeviceLineFacts,
  deviceOutageVerdict,
  type FaultSighting,
  isFaultLine,
  outageUnits,
  rememberFault,
} from '../../src/venue/outage.js';
import type { LoggedAction } from '../../src/venue/types.js';

const t0 = new Date('2025-09-10T18:00:00Z');
const sec = (s: number): Date => new Date(t0.getTime() + s * 1000);
const fact = (unit: string, at: number, extra: Partial<DeviceLineFacts> = {}): DeviceLineFacts => ({
  type: 'trackman_fault',
  location: 'Dartmouth',
  unit,
  at: sec(at),
  bayHasBooking: true,
  ...extra,
});

function replay(facts: readonly DeviceLineFacts[], log: readonly LoggedAction[] = []) {
  let history: readonly FaultSighting[] = [];
  return facts.map((f) => {
    const verdict = deviceOutageVerdict(f, history, log);
    history = rememberFault(history, f);
    return verdict;
  });
}

describe('outage rule', () => {
  it('escalates the third distinct unit within 2 minutes, not the first two', () => {
    expect(replay([fact('bay:1', 0), fact('bay:2', 20), fact('bay:3', 45), fact('bay:4', 60)])).toEqual(['isolated', 'isolated', 'burst', 'burst']);
  });

  it('counts a site device as a unit (a 2-bay location plus its door controller)', () => {
    expect(replay([fact('bay:1', 0), fact('bay:2', 10), fact('site:door', 30, { type: 'door_controller_offline' })])).toEqual(['isolated', 'isolated', 'burst']);
  });

  it('does not escalate a near miss: 3 bays spread over more than 2 minutes, or one bay repeating', () => {
    expect(replay([fact('bay:1', 0), fact('bay:2', 65), fact('bay:3', 150)])).toEqual(['isolated', 'isolated', 'isolated']);
    expect(replay([fact('bay:1', 0), fact('bay:1', 10), fact('bay:1', 20)])).toEqual(['isolated', 'isolated', 'isolated']);
    expect(replay([fact('bay:1', 0), fact('bay:2', 10), fact('bay:3', 20, { location: 'Bedford' })])).toEqual(['isolated', 'isolated', 'isolated']);
  });

  it('treats power and WAN loss as an outage by itself, and faults during an open outage as part of it', () => {
    expect(replay([fact('site:ups', 0, { type: 'ups_on_battery' })])).toEqual(['site_power_or_network']);
    const log: LoggedAction[] = [{ action: 'escalate_site_outage', location: 'Dartmouth', bay: null, at: sec(-600) }];
    expect(replay([fact('bay:2', 0)], log)).toEqual(['outage_open']);
  });

  it('does not count a projector off or TV without signal in an empty bay, nor recoveries and door alarms', () => {
    expect(isFaultLine('projector_off', false)).toBe(false);
    expect(isFaultLine('tv_no_signal', false)).toBe(false);
    expect(isFaultLine('projector_off', true)).toBe(true);
    expect(isFaultLine('recovery', true)).toBe(false);
    expect(isFaultLine('door_alarm', false)).toBe(false);
    expect(replay([fact('bay:1', 0), fact('bay:2', 10), fact('bay:3', 20, { type: 'projector_off', bayHasBooking: false })])).toEqual([
      'isolated',
      'isolated',
      'not_a_fault',
    ]);
  });

  it('never counts more units than distinct units seen, and the history stays within the window', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ bay: fc.integer({ min: 1, max: 6 }), gap: fc.integer({ min: 0, max: 90 }) }), { minLength: 1, maxLength: 30 }), (steps) => {
        let history: readonly FaultSighting[] = [];
        let at = 0;
        for (const { bay, gap } of steps) {
          at += gap;
          const f = fact(`bay:${bay}`, at);
          expect(outageUnits(history, f)).toBeLessThanOrEqual(new Set([...history.map((h) => h.unit), f.unit]).size);
          history = rememberFault(history, f);
          expect(history.every((h) => h.at.getTime() > f.at.getTime() - 120_000)).toBe(true);
        }
      }),
    );
  });
});
