import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueReminders } from '../../../src/security/apiKeys/rotation.js';
import { type PressureSample, nextShedState, pressureOf } from '../../../src/security/guard/loadShedding.js';
import { BAN } from '../../../src/security/rateLimit/bans.js';
import { memoryBanStore } from '../../../src/security/rateLimit/banStore.js';
import { createTrustRegistry } from '../../../src/security/rateLimit/trustRegistry.js';

const DAY = 86_400_000;

describe('in-process ban store', () => {
  it('counts repeat bans of a subject within the memory window, and starts over after it', async () => {
    const store = memoryBanStore();
    const duration = (nth: number) => nth * 60_000;
    const first = await store.ban('ip:192.0.2.1', 'rate', 0, duration);
    const second = await store.ban('ip:192.0.2.1', 'rate', first.until + 1, duration);
    expect([first.nth, second.nth]).toEqual([1, 2]);
    expect(second.until - (first.until + 1)).toBe(120_000);
    const forgiven = await store.ban('ip:192.0.2.1', 'rate', second.until + BAN.memoryMs + 1, duration);
    expect(forgiven.nth).toBe(1);
  });

  it('finds a live ban among several subjects and forgets expired ones', async () => {
    const store = memoryBanStore();
    await store.ban('ip:192.0.2.2', 'rate', 0, () => 1_000);
    expect(await store.find(['ip:192.0.2.9', 'ip:192.0.2.2'], 500)).toMatchObject({ subject: 'ip:192.0.2.2' });
    expect(await store.find(['ip:192.0.2.2'], 1_000)).toBeNull();
  });
});

describe('trust registry', () => {
  it('forgets the least recently touched client when full, returning it to the neutral multiplier', () => {
    const trust = createTrustRegistry(2);
    trust.signal('ip:a', 'injection_attempt', 0);
    trust.signal('ip:b', 'injection_attempt', 0);
    expect(trust.multiplier('ip:a', 1)).toBeLessThan(1);
    trust.signal('ip:c', 'injection_attempt', 0);
    expect(trust.multiplier('ip:a', 1)).toBe(1);
    expect(trust.multiplier('ip:b', 1)).toBeLessThan(1);
    expect(trust.multiplier('ip:c', 1)).toBeLessThan(1);
  });
});

describe('expiry reminders', () => {
  it('sends none for a key that has already expired (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * DAY }), fc.subarray([14, 7, 1]), (pastMs, sent) => {
        const now = new Date('2026-03-02T12:00:00Z');
        expect(dueReminders(new Date(now.getTime() - pastMs), now, sent)).toEqual([]);
      }),
    );
  });
});

describe('load-shedding arithmetic', () => {
  const sample: PressureSample = { eventLoopDelayMs: 0, eventLoopUtilization: 0, cpuPercent: 0, rssMb: 100, heapUsedMb: 900, heapLimitMb: 0 };
  const limits = { cpuPercent: 80, memoryMb: 1000, eventLoopDelayMs: 200, eventLoopUtilization: 0.95 };

  it('ignores the heap when the heap limit is unknown', () => {
    expect(pressureOf(sample, limits)).toBeCloseTo(0.1);
    expect(pressureOf({ ...sample, heapLimitMb: 1000 }, limits)).toBeCloseTo(1);
  });

  it('enters the top level at once when no sustain time is configured', () => {
    const h = { enter: [0.9, 1.0, 1.3] as const, exit: [0.7, 0.85, 1.1] as const, holdMs: 5_000 };
    expect(nextShedState({ level: 0, since: 0 }, 2, 1_000, h)).toMatchObject({ level: 3, since: 1_000 });
  });
});
