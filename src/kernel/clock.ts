/** Time is passed in, never read from a global, so every rule can be tested with fixed dates. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests and for replaying a stream on its own time. */
export interface ManualClock extends Clock {
  set(at: Date): void;
  advance(ms: number): void;
}

/**
 * @example
 * const clock = manualClock(new Date('2026-01-01T00:00:00Z'));
 * clock.advance(60_000); // one minute later
 */
export function manualClock(start: Date): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = at.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
