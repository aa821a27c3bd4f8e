import { Type } from 'typebox';
import { type HttpApp, createHttpApp } from '../../../src/http/app.js';
import { sheddingHooks } from '../../../src/http/shedding.js';
import type { Clock } from '../../../src/kernel/clock.js';
import { createLogger } from '../../../src/logging.js';
import { DEFAULT_LOOP_LIMITS, type Hysteresis } from '../../../src/security/guard/loadShedding.js';
import { type PerformanceGuard, createPerformanceGuard } from '../../../src/security/guard/performanceGuard.js';
import type { Sampler } from '../../../src/security/guard/sampler.js';
import type { Database } from '../../../src/store/database.js';
import { performanceMetricStore } from '../../../src/store/performance/performanceMetrics.js';
import { securityEventStore } from '../../../src/store/security/securityEvents.js';

const OK = Type.Object({ ok: Type.Boolean() });
const NO_QUERY = Type.Object({}, { additionalProperties: false });

/** Busy-waits `ms` of CPU: the handler cost that makes a real overload. */
export function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* spin */
  }
}

export interface GuardApp {
  readonly app: HttpApp;
  readonly guard: PerformanceGuard;
  enabled: boolean;
}

/**
 * An app with the shedding hooks and one route per priority class (plus a slow route that honours its deadline),
 * the same shape the runtime uses, with the guard's sampler chosen by the test.
 */
export async function guardApp(opts: { database: Database; clock: Clock; sampler: Sampler | null; workMs?: number; sampleEveryMs?: number; hysteresis?: Hysteresis }): Promise<GuardApp> {
  const state = { enabled: true };
  const guard = createPerformanceGuard({
    limits: { cpuPercent: 100, memoryMb: 4096, ...DEFAULT_LOOP_LIMITS },
    clock: opts.clock,
    logger: createLogger('silent'),
    metrics: performanceMetricStore(opts.database.db),
    events: securityEventStore(opts.database.db),
    sampler: opts.sampler,
    instance: 'test:1',
    ...(opts.sampleEveryMs ? { sampleEveryMs: opts.sampleEveryMs } : {}),
    ...(opts.hysteresis ? { hysteresis: opts.hysteresis } : {}),
    enabled: () => state.enabled,
  });
  const work = opts.workMs ?? 0;
  const handler = async () => {
    burn(work);
    return { ok: true };
  };
  const schema = { querystring: NO_QUERY, response: { 200: OK } };
  const app = await createHttpApp({
    logger: createLogger('silent'),
    devErrors: false,
    setup: { isComplete: async () => true },
    hooks: [sheddingHooks({ guard, enabled: () => state.enabled })],
    routes: [
      (a) => {
        a.get('/health', { config: { auth: { public: 'health' } }, schema }, handler);
        a.get('/public', { config: { auth: { public: 'login' } }, schema }, handler);
        a.get('/integration', { config: { auth: { scopes: ['events:read'] } }, schema }, handler);
        a.get('/operator', { config: { auth: { operator: 'viewer' } }, schema }, handler);
        a.get('/slow', { config: { auth: { operator: 'viewer' }, timeoutMs: 50 }, schema }, async (request) => {
          await new Promise((resolve, reject) => {
            const t = setTimeout(resolve, 5_000);
            request.deadline.addEventListener('abort', () => {
              clearTimeout(t);
              reject(request.deadline.reason);
            });
          });
          return { ok: true };
        });
      },
    ],
  });
  return Object.defineProperty({ app, guard } as GuardApp, 'enabled', {
    get: () => state.enabled,
    set: (v: boolean) => {
      state.enabled = v;
    },
  });
}
