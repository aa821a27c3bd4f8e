import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockingGuard,
  GUARD_FALLBACK,
  outageOpen,
  rebootLimitReached,
  resetLimitReached,
  unlockCapReached,
} from '../../src/venue/guards.js';
import type { LoggedAction } from '../../src/venue/types.js';

const MIN = 60_000;
const now = new Date('2025-09-10T18:00:00Z');
const ago = (minutes: number): Date => new Date(now.getTime() - minutes * MIN);
const act = (action: string, minutesAgo: number, extra: Partial<LoggedAction> = {}): LoggedAction => ({
  action,
  location: 'Dartmouth',
  bay: 2,
  at: ago(minutesAgo),
  ...extra,
});

describe('reset_limit', () => {
  it('blocks a third reset of the same bay within the hour', () => {
    const log = [act('reset_trackman', 50), act('reset_trackman', 10)];
    expect(resetLimitReached(log, 'Dartmouth', 2, now)).toBe(true);
    expect(blockingGuard('reset_trackman', { location: 'Dartmouth', bay: 2 }, now, log)).toBe('reset_limit');
  });

  it('lets a reset through once the first one slides out of the 60-min window', () => {
    const log = [act('reset_trackman', 60), act('reset_trackman', 10)];
    expect(resetLimitReached(log, 'Dartmouth', 2, now)).toBe(false);
  });

  it('ignores resets of other bays, other locations and the future', () => {
    const log = [act('reset_trackman', 5, { bay: 3 }), act('reset_trackman', 5, { location: 'Bedford' }), act('reset_trackman', -5), act('reset_trackman', 20)];
    expect(blockingGuard('reset_trackman', { location: 'Dartmouth', bay: 2 }, now, log)).toBe('allowed');
  });
});

describe('reboot_limit', () => {
  it('blocks a second reboot of a bay within 30 minutes', () => {
    expect(rebootLimitReached([act('reboot_bay_pc', 29)], 'Dartmouth', 2, now)).toBe(true);
    expect(rebootLimitReached([act('reboot_bay_pc', 30)], 'Dartmouth', 2, now)).toBe(false);
    expect(blockingGuard('reboot_bay_pc', { location: 'Dartmouth', bay: 2 }, now, [act('reboot_bay_pc', 3)])).toBe('reboot_limit');
  });
});

describe('unlock_cap', () => {
  it('sends a third unlock of one booking to a human', () => {
    const log = [act('unlock_door', 8, { bookingId: 'bk-1', bay: null }), act('unlock_door', 3, { bookingId: 'bk-1', bay: null })];
    expect(unlockCapReached(log, 'bk-1', now)).toBe(true);
    expect(unlockCapReached(log, 'bk-2', now)).toBe(false);
    expect(blockingGuard('unlock_door', { location: 'Dartmouth', bookingId: 'bk-1' }, now, log)).toBe('unlock_cap');
    expect(GUARD_FALLBACK.unlock_cap).toBe('escalate_access');
  });
});

describe('outage_open', () => {
  it('blocks per-bay remedies and unlocks for 30 minutes after an outage escalation', () => {
    const log = [act('escalate_site_outage', 12, { bay: null })];
    expect(outageOpen(log, 'Dartmouth', now)).toBe(true);
    expect(blockingGuard('projector_power_on', { location: 'Dartmouth', bay: 1 }, now, log)).toBe('outage_open');
    expect(blockingGuard('unlock_door', { location: 'Dartmouth', bookingId: 'bk-9' }, now, log)).toBe('outage_open');
    expect(blockingGuard('reply_faq_hours', { location: 'Dartmouth' }, now, log)).toBe('allowed');
    expect(blockingGuard('reset_trackman', { location: 'Bedford', bay: 1 }, now, log)).toBe('allowed');
    expect(outageOpen([act('escalate_site_outage', 31, { bay: null })], 'Dartmouth', now)).toBe(false);
  });
});

describe('blockingGuard', () => {
  const actions = ['reset_trackman', 'reboot_bay_pc', 'unlock_door', 'escalate_site_outage', 'projector_power_on'] as const;
  const entry = fc.record({
    action: fc.constantFrom(...actions),
    location: fc.constantFrom('Dartmouth', 'Bedford'),
    bay: fc.constantFrom(1, 2, null),
    bookingId: fc.constantFrom('bk-1', 'bk-2', undefined),
    minutesAgo: fc.integer({ min: -10, max: 120 }),
  }).map(({ minutesAgo, bookingId, ...rest }): LoggedAction => ({ ...rest, at: ago(minutesAgo), ...(bookingId ? { bookingId } : {}) }));
  const decision = fc.constantFrom('reset_trackman', 'reboot_bay_pc', 'unlock_door', 'power_cycle_tv');

  it('never lifts a block when the log grows (monotone in the log)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.array(entry, { maxLength: 8 }), decision, (log, more, d) => {
        const params = { location: 'Dartmouth', bay: 2, bookingId: 'bk-1' };
        const before = blockingGuard(d, params, now, log);
        const after = blockingGuard(d, params, now, [...log, ...more]);
        expect(before === 'allowed' || after !== 'allowed').toBe(true);
        expect(blockingGuard(d, params, now, [])).toBe('allowed');
      }),
    );
  });

  it('does not depend on the order of the log', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 10 }), decision, (log, d) => {
        const params = { location: 'Dartmouth', bay: 2, bookingId: 'bk-1' };
        expect(blockingGuard(d, params, now, [...log].reverse())).toBe(blockingGuard(d, params, now, log));
      }),
    );
  });
});
