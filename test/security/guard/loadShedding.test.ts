import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HYSTERESIS as H, type ShedLevel, type ShedState, nextShedState, pressureOf, sheds } from '../../../src/security/guard/loadShedding.js';
import type { RoutePriority } from '../../../src/security/guard/routeContract.js';

const level = fc.constantFrom<ShedLevel>(0, 1, 2, 3);
const pressure = fc.double({ min: 0, max: 3, noNaN: true });
const ORDER: RoutePriority[] = ['public', 'integration', 'operator', 'health'];

describe('load shedding decision', () => {
  it('sheds public first, then integration, operator last and health never', () => {
    fc.assert(
      fc.property(level, (l) => {
        for (let i = 1; i < ORDER.length; i++) expect(!sheds(l, ORDER[i]!) || sheds(l, ORDER[i - 1]!)).toBe(true);
        expect(sheds(l, 'health')).toBe(false);
      }),
    );
    expect([1, 2, 3].map((l) => ORDER.filter((p) => sheds(l as ShedLevel, p)))).toEqual([['public'], ['public', 'integration'], ['public', 'integration', 'operator']]);
  });

  it('never sheds less under more pressure from the same state', () => {
    fc.assert(
      fc.property(level, fc.nat(100_000), pressure, pressure, fc.nat(100_000), (l, since, a, b, dt) => {
        const s: ShedState = { level: l, since };
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(nextShedState(s, hi, since + dt).level).toBeGreaterThanOrEqual(nextShedState(s, lo, since + dt).level);
      }),
    );
  });

  it('enters at once, but holds a level for holdMs and steps down one level at a time', () => {
    let s: ShedState = { level: 0, since: 0 };
    s = nextShedState(s, 1.05, 1000);
    expect(s).toEqual({ level: 2, since: 1000 });
    expect(nextShedState(s, 0, 1000 + H.holdMs - 1)).toBe(s);
    s = nextShedState(s, 0, 1000 + H.holdMs);
    expect(s.level).toBe(1);
    expect(nextShedState(s, 0, 1000 + 2 * H.holdMs).level).toBe(0);
  });

  it('does not flap while pressure stays between a level’s exit and enter thresholds', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: H.exit[0], max: H.enter[0] - 1e-9, noNaN: true }), { minLength: 1, maxLength: 200 }), (readings) => {
        let s: ShedState = { level: 1, since: 0 };
        readings.forEach((p, i) => {
          s = nextShedState(s, p, (i + 1) * H.holdMs);
          expect(s.level).toBe(1);
        });
      }),
    );
  });

  it('never sheds operators on top-pressure spikes shorter than topSustainMs', () => {
    fc.assert(
      fc.property(fc.array(pressure, { maxLength: 200 }), (raw) => {
        // One reading a second; every third is below the top threshold, so no run above it lasts 2 s.
        const readings = raw.map((p, i) => (i % 3 === 2 ? Math.min(p, H.enter[2] - 1e-9) : p));
        let s: ShedState = { level: 0, since: 0 };
        readings.forEach((p, i) => {
          s = nextShedState(s, p, i * 1000);
          expect(s.level).toBeLessThan(3);
        });
      }),
    );
  });

  it('sheds operators once top pressure has held for topSustainMs', () => {
    fc.assert(
      fc.property(fc.double({ min: H.enter[2], max: 10, noNaN: true }), fc.integer({ min: 100, max: 1000 }), (p, stepMs) => {
        let s: ShedState = { level: 0, since: 0 };
        for (let t = 0; t <= H.topSustainMs! + stepMs; t += stepMs) {
          s = nextShedState(s, p, t);
          expect(s.level).toBe(t >= H.topSustainMs! ? 3 : 2);
        }
      }),
    );
  });

  it('stays within levels 0..3 whatever the readings', () => {
    fc.assert(
      fc.property(fc.array(pressure, { maxLength: 100 }), (readings) => {
        let s: ShedState = { level: 0, since: 0 };
        readings.forEach((p, i) => {
          s = nextShedState(s, p, i * 1000);
          expect([0, 1, 2, 3]).toContain(s.level);
        });
      }),
    );
  });

  it('measures pressure as the worst ratio of a reading to its limit', () => {
    const limits = { cpuPercent: 80, memoryMb: 1000, eventLoopDelayMs: 200, eventLoopUtilization: 0.95 };
    const calm = { eventLoopDelayMs: 10, eventLoopUtilization: 0.2, cpuPercent: 20, rssMb: 200, heapUsedMb: 50, heapLimitMb: 4000 };
    expect(pressureOf(calm, limits)).toBeCloseTo(0.2, 9);
    // A busy CPU with a prompt loop is throughput; once the loop lags it is pressure.
    expect(pressureOf({ ...calm, cpuPercent: 88, eventLoopUtilization: 1 }, limits)).toBeCloseTo(0.2, 9);
    expect(pressureOf({ ...calm, cpuPercent: 88, eventLoopDelayMs: 60 }, limits)).toBeCloseTo(0.3, 9);
    expect(pressureOf({ ...calm, cpuPercent: 88, eventLoopDelayMs: 100 }, limits)).toBeCloseTo(1.1, 9);
    expect(pressureOf({ ...calm, rssMb: 1500 }, limits)).toBeCloseTo(1.5, 9);
    expect(pressureOf({ ...calm, eventLoopDelayMs: 400 }, limits)).toBeCloseTo(2, 9);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(pressureOf({ ...calm, eventLoopDelayMs: hi }, limits)).toBeGreaterThanOrEqual(pressureOf({ ...calm, eventLoopDelayMs: lo }, limits));
      }),
    );
  });
});
