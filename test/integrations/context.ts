import type { CallContext } from '../../src/actions/ports.js';
import { systemClock } from '../../src/kernel/clock.js';

/** Network tests run on real time: deadlines are real timers on a local socket. */
export const ctx = (signal: AbortSignal = new AbortController().signal): CallContext => ({ clock: systemClock, signal });

/** A deadline `ms` from now. */
export const within = (ms: number): Date => new Date(systemClock.now().getTime() + ms);
