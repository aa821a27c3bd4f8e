import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../logging.js';
import type { PerformanceMetricStore } from '../../store/performance/performanceMetrics.js';
import type { SecurityEventStore } from '../../store/security/securityEvents.js';
import {
  DEFAULT_HYSTERESIS,
  type Hysteresis,
  type PressureLimits,
  type PressureSample,
  type ShedLevel,
  type ShedState,
  nextShedState,
  pressureOf,
  shedRetryAfterSeconds,
  sheds,
} from './loadShedding.js';
import type { RoutePriority } from './routeContract.js';
import type { Sampler } from './sampler.js';

export type Admission = { readonly kind: 'admit' } | { readonly kind: 'shed'; readonly level: ShedLevel; readonly retryAfterSeconds: number };

/**
 * The PerformanceGuard: a sampler feeds it on an interval (never per request), each reading moves the shed level
 * through the hysteresis, and requests are admitted or shed by their priority class in O(1). Samples and shed
 * counts reach the database at most every `recordEveryMs`.
 */
export interface PerformanceGuard {
  /** The pressure port: the sampler's timer calls it; tests call it with a simulated reading. */
  observe(sample: PressureSample): ShedState;
  admit(priority: RoutePriority): Admission;
  state(): ShedState & { readonly pressure: number };
  /** Writes the latest sample and the shed counts since the last write; false when the last write is too recent. */
  record(): Promise<boolean>;
  start(): void;
  stop(): void;
}

export interface GuardDeps {
  readonly limits: PressureLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: PerformanceMetricStore;
  readonly events: SecurityEventStore;
  /** Null when readings only come through observe (tests). */
  readonly sampler: Sampler | null;
  readonly instance: string;
  readonly sampleEveryMs?: number;
  readonly recordEveryMs?: number;
  readonly hysteresis?: Hysteresis;
  /** The performanceGuard flag. */
  readonly enabled: () => boolean;
}

const ZERO: PressureSample = { eventLoopDelayMs: 0, eventLoopUtilization: 0, cpuPercent: 0, rssMb: 0, heapUsedMb: 0, heapLimitMb: 0 };

export function createPerformanceGuard(deps: GuardDeps): PerformanceGuard {
  const recordEveryMs = deps.recordEveryMs ?? 10_000;
  let shed: ShedState = { level: 0, since: deps.clock.now().getTime() };
  let last = ZERO;
  let pressure = 0;
  let lastRecordAt = Number.NEGATIVE_INFINITY;
  const counts: Record<RoutePriority, number> = { public: 0, integration: 0, operator: 0, health: 0 };
  let timer: NodeJS.Timeout | null = null;

  const transition = (from: ShedLevel, to: ShedLevel) => {
    deps.logger.warn({ from, to, pressure: round(pressure) }, 'load shedding level changed');
    void deps.events
      .record({
        at: deps.clock.now(),
        kind: 'guard.shed_level',
        severity: to >= 2 ? 'high' : 'medium',
        route: null,
        method: null,
        ip: null,
        principal: null,
        correlationId: null,
        action: 'shed',
        detail: { instance: deps.instance, from, to, pressure: round(pressure), sample: roundAll(last) },
      })
      .catch((err: unknown) => deps.logger.error({ err }, 'security event not recorded'));
  };

  const guard: PerformanceGuard = {
    observe(sample) {
      last = sample;
      pressure = pressureOf(sample, deps.limits);
      const next = nextShedState(shed, pressure, deps.clock.now().getTime(), deps.hysteresis ?? DEFAULT_HYSTERESIS);
      if (next.level !== shed.level) transition(shed.level, next.level);
      shed = next;
      return shed;
    },
    admit(priority) {
      if (shed.level === 0 || !sheds(shed.level, priority)) return { kind: 'admit' };
      counts[priority]++;
      return { kind: 'shed', level: shed.level, retryAfterSeconds: shedRetryAfterSeconds(shed.level) };
    },
    state: () => ({ ...shed, pressure }),
    async record() {
      const now = deps.clock.now();
      if (now.getTime() - lastRecordAt < recordEveryMs) return false;
      lastRecordAt = now.getTime();
      const shedRequests = counts.public + counts.integration + counts.operator;
      const byClass = { ...counts };
      counts.public = counts.integration = counts.operator = 0;
      await deps.metrics.record({ at: now, instance: deps.instance, ...last, pressure, shedLevel: shed.level, shedRequests });
      if (shedRequests > 0) {
        await deps.events.record({
          at: now,
          kind: 'guard.shed',
          severity: 'medium',
          route: null,
          method: null,
          ip: null,
          principal: null,
          correlationId: null,
          action: 'shed',
          detail: { instance: deps.instance, level: shed.level, requests: byClass, pressure: round(pressure) },
        });
      }
      return true;
    },
    start() {
      const sampler = deps.sampler;
      if (timer !== null || sampler === null) return;
      // Start the first interval now: start-up stalls (migrations, JIT) are not load.
      sampler.sample();
      timer = setInterval(() => {
        const s = sampler.sample();
        if (deps.enabled()) guard.observe(s);
      }, deps.sampleEveryMs ?? 1_000);
      timer.unref();
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      deps.sampler?.close();
    },
  };
  return guard;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const roundAll = (s: PressureSample) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v)]));
