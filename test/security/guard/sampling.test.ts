import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/kernel/clock.js';
import { createLogger } from '../../../src/logging.js';
import { DEFAULT_LOOP_LIMITS } from '../../../src/security/guard/loadShedding.js';
import { createPerformanceGuard } from '../../../src/security/guard/performanceGuard.js';
import { processSampler } from '../../../src/security/guard/sampler.js';
import { performanceMetricStore } from '../../../src/store/performance/performanceMetrics.js';
import { securityEventStore } from '../../../src/store/security/securityEvents.js';
import { engines } from '../../support/databases.js';
import type { TestDatabase } from '../../support/databases.js';

const engine = engines[0]!;

/** Polls until `ok()` or the deadline; the sampler runs on a real timer. */
async function eventually(ok: () => boolean, ms = 2_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return ok();
}

describe(`the performance guard sampling this process (${engine.name})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => database.dispose());

  const guardWith = (enabled: () => boolean) =>
    createPerformanceGuard({
      limits: { cpuPercent: 100, memoryMb: 1_000_000, ...DEFAULT_LOOP_LIMITS },
      clock: systemClock,
      logger: createLogger('silent'),
      metrics: performanceMetricStore(database.db),
      events: securityEventStore(database.db),
      sampler: processSampler(),
      instance: 'test:1',
      sampleEveryMs: 10,
      enabled,
    });

  it('reads the process on its timer while enabled, and stops reading when stopped', async () => {
    const guard = guardWith(() => true);
    expect(guard.state().pressure).toBe(0);
    guard.start();
    guard.start();
    expect(await eventually(() => guard.state().pressure > 0)).toBe(true);
    guard.stop();
    const frozen = guard.state().pressure;
    await new Promise((r) => setTimeout(r, 60));
    expect(guard.state().pressure).toBe(frozen);
    expect(guard.state().level).toBe(0);
  });

  it('samples but does not act while the flag is off', async () => {
    const guard = guardWith(() => false);
    guard.start();
    await new Promise((r) => setTimeout(r, 60));
    guard.stop();
    expect(guard.state()).toMatchObject({ level: 0, pressure: 0 });
  });
});
