import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';

describe('manualClock', () => {
  it('moves only when told to', () => {
    const clock = manualClock(new Date('2026-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:01:30.000Z');
    clock.set(new Date('2027-02-03T04:05:06Z'));
    expect(clock.now().toISOString()).toBe('2027-02-03T04:05:06.000Z');
  });
});
