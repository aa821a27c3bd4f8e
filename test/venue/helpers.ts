import { sql } from 'kysely';

import { parseConfig } from '../../src/config/config.js';
import { manualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, type RuntimeOverrides, buildRuntime } from '../../src/main.js';
import type { TestEngine } from '../support/databases.js';
import { T0, TEST_SECRETS, type TestRuntime } from '../support/runtime.js';

export interface AuditRow {
  readonly action: string;
  readonly actor_type: string;
  readonly actor_id: string;
  readonly resource_type: string | null;
  readonly resource_id: string | null;
  readonly body: Record<string, unknown>;
}

/** The audit entries about one resource (or with one action), oldest first, as stored. */
export async function auditRows(rt: Runtime, by: { resourceId?: string; action?: string }): Promise<AuditRow[]> {
  const q =
    by.resourceId !== undefined
      ? sql<AuditRow>`select action, actor_type, actor_id, resource_type, resource_id, body from compliance_log where resource_id = ${by.resourceId} order by seq`
      : sql<AuditRow>`select action, actor_type, actor_id, resource_type, resource_id, body from compliance_log where action = ${by.action ?? ''} order by seq`;
  return (await q.execute(rt.database.db)).rows;
}


/** Like startRuntime, with extra overrides (vendor integrations pointed at fake servers). */
export async function startVenueRuntime(engine: TestEngine, env: Record<string, string> = {}, overrides: RuntimeOverrides = {}): Promise<TestRuntime> {
  const testDatabase = await engine.open();
  const clock = manualClock(T0);
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', ...TEST_SECRETS, ...env });
  const runtime = await buildRuntime(config, { database: testDatabase, clock, logger: createLogger('silent'), ...overrides });
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

export { secondInstance } from '../support/runtime.js';
