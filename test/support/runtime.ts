import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { type ManualClock, manualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import type { TestDatabase, TestEngine } from './databases.js';

export interface TestRuntime extends Runtime {
  readonly clock: ManualClock;
  readonly testDatabase: TestDatabase;
  dispose(): Promise<void>;
}

export const T0 = new Date('2026-03-02T12:00:00Z');

/** Fixed test secrets, so no test writes a secrets file. */
export const TEST_SECRETS = {
  API_KEY_PEPPERS: `1:${Buffer.alloc(32, 1).toString('base64')}`,
  AUDIT_SIGNING_KEY: Buffer.alloc(32, 2).toString('base64'),
  AUDIT_HMAC_KEY: Buffer.alloc(32, 3).toString('base64'),
  LEAK_REPORT_SECRET: Buffer.alloc(32, 4).toString('base64'),
};

/** A whole ClubOS built by the real composition root, on a scratch database of the given engine. */
export async function startRuntime(engine: TestEngine, env: Record<string, string> = {}): Promise<TestRuntime> {
  const testDatabase = await engine.open();
  const clock = manualClock(T0);
  // Load shedding reacts to the real process (CPU, event loop, RSS): a busy test machine must not turn a
  // functional test into a 503. Tests of shedding switch the guard on explicitly.
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', FEATURE_PERFORMANCE_GUARD: 'off', ...TEST_SECRETS, ...env });
  const runtime = await buildRuntime(config, { database: testDatabase, clock, logger: createLogger('silent') });
  return {
    ...runtime,
    clock,
    testDatabase,
    async dispose() {
      await runtime.close();
      await testDatabase.dispose();
    },
  };
}

/** A second instance (or the same one after a restart) on the runtime's database and clock: its own HTTP app, caches and scheduler. */
export async function secondInstance(rt: TestRuntime, env: Record<string, string> = {}): Promise<Runtime> {
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', ...TEST_SECRETS, ...env });
  return buildRuntime(config, { database: rt.testDatabase, clock: rt.clock, logger: createLogger('silent') });
}

/**
 * Two instances on one scratch database and clock for the enclosing describe block, started before its tests and
 * closed after them: what several ClubOS processes that run the same periodic tasks look like. `use` receives both.
 */
export function twoInstances(engine: TestEngine, use: (first: TestRuntime, second: Runtime) => void): void {
  let first: TestRuntime | undefined;
  let second: Runtime | undefined;
  beforeAll(async () => {
    first = await startRuntime(engine);
    second = await secondInstance(first);
    use(first, second);
  });
  afterAll(async () => {
    await second?.close();
    await first?.dispose();
  });
}
