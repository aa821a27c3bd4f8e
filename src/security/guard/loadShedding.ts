import type { RoutePriority } from './routeContract.js';

/**
 * The PerformanceGuard's decision, pure: a pressure reading (1 = at a configured limit) moves the shed level up
 * at once and down only after it fell below a lower exit threshold for a while (hysteresis), so the level does
 * not flap around a threshold. Each level sheds one more priority class: `public` first, then `integration`,
 * then `operator`; `health` never.
 */
export interface PressureSample {
  /** p99 event-loop delay over the sampling interval. */
  readonly eventLoopDelayMs: number;
  /** Event-loop utilisation over the interval, 0..1. */
  readonly eventLoopUtilization: number;
  /** Process CPU over the interval, percent of one core. */
  readonly cpuPercent: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapLimitMb: number;
}

export interface PressureLimits {
  /** PERFORMANCE_CPU_LIMIT. */
  readonly cpuPercent: number;
  /** PERFORMANCE_MEMORY_LIMIT (resident set). */
  readonly memoryMb: number;
  readonly eventLoopDelayMs: number;
  readonly eventLoopUtilization: number;
}

export const DEFAULT_LOOP_LIMITS = { eventLoopDelayMs: 200, eventLoopUtilization: 0.95 } as const;

export type ShedLevel = 0 | 1 | 2 | 3;

export interface ShedState {
  readonly level: ShedLevel;
  /** When the level last changed (ms). */
  readonly since: number;
  /** Since when pressure has stayed at or above the top (operator) threshold; absent while below it. */
  readonly topSince?: number;
}

export interface Hysteresis {
  /** Pressure at which level i+1 is entered. */
  readonly enter: readonly [number, number, number];
  /** Pressure under which level i+1 may be left (each below its enter value). */
  readonly exit: readonly [number, number, number];
  /** A level is held at least this long before stepping down. */
  readonly holdMs: number;
  /**
   * Operator routes are shed only once pressure has stayed at the top threshold this long: one late sample (a GC
   * pause, a noisy neighbour on the host) must not lock operators out. 0 sheds them at once.
   */
  readonly topSustainMs?: number;
}

export const DEFAULT_HYSTERESIS: Hysteresis = { enter: [0.9, 1.0, 1.3], exit: [0.7, 0.85, 1.1], holdMs: 5_000, topSustainMs: 2_000 };

/** Below half its delay limit (p99 100 ms by default) the loop keeps up: high CPU or utilisation is then throughput, not overload. */
export const LAG_GATE = 0.5;

/**
 * The worst ratio of a reading to its limit. Memory counts alone; CPU and event-loop utilisation count only once
 * the loop also lags (a saturated server answering promptly is working well, not overloaded).
 * @example pressureOf({ cpuPercent: 96, eventLoopDelayMs: 120, … }, { cpuPercent: 80, eventLoopDelayMs: 200, … }) // 1.2
 */
export function pressureOf(s: PressureSample, l: PressureLimits): number {
  const heapRatio = s.heapLimitMb > 0 ? s.heapUsedMb / s.heapLimitMb / 0.9 : 0;
  const lag = s.eventLoopDelayMs / l.eventLoopDelayMs;
  const busy = lag >= LAG_GATE ? Math.max(s.cpuPercent / l.cpuPercent, s.eventLoopUtilization / l.eventLoopUtilization) : 0;
  return Math.max(lag, busy, s.rssMb / l.memoryMb, heapRatio, 0);
}

const shedState = (level: ShedLevel, since: number, topSince: number | undefined): ShedState => (topSince === undefined ? { level, since } : { level, since, topSince });

/**
 * @example nextShedState({ level: 0, since: 0 }, 1.05, 1000) // { level: 2, since: 1000 }
 * @example nextShedState({ level: 2, since: 0 }, 2, 1000) // { level: 2, since: 0, topSince: 1000 } (not yet sustained)
 */
export function nextShedState(state: ShedState, pressure: number, now: number, h: Hysteresis = DEFAULT_HYSTERESIS): ShedState {
  const topSince = pressure >= h.enter[2] ? (state.topSince ?? now) : undefined;
  let target = 0;
  for (let i = 0; i < 3; i++) if (pressure >= h.enter[i]!) target = i + 1;
  if (target === 3 && topSince !== undefined && now - topSince < (h.topSustainMs ?? 0)) target = 2;
  if (target > state.level) return shedState(target as ShedLevel, now, topSince);
  const held = topSince === state.topSince ? state : shedState(state.level, state.since, topSince);
  if (state.level === 0 || now - state.since < h.holdMs) return held;
  // Step down one level at a time, and only below the exit threshold of the current level.
  if (pressure < h.exit[state.level - 1]!) return shedState((state.level - 1) as ShedLevel, now, topSince);
  return held;
}

const SHED_FROM: Readonly<Record<RoutePriority, number>> = { public: 1, integration: 2, operator: 3, health: Number.POSITIVE_INFINITY };

/** @example sheds(1, 'public') === true; sheds(3, 'health') === false */
export const sheds = (level: ShedLevel, priority: RoutePriority): boolean => level >= SHED_FROM[priority];

/** Higher levels ask clients to stay away longer. */
export const shedRetryAfterSeconds = (level: ShedLevel): number => [0, 5, 10, 30][level]!;
