import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/database.js';
import { executionStore } from '../../src/store/execution/executions.js';
import { migrateUp } from '../../src/store/migrate.js';
import { startFakeAgent } from '../integrations/fakes/fakeAgent.js';
import type { FakeServer } from '../integrations/fakes/fakeHttp.js';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';
import { TEST_SECRETS } from '../support/runtime.js';

/**
 * A real `clubos serve` process is killed (SIGKILL) while a vendor call hangs; another process takes over the
 * database. The non-idempotent reboot it was sending ends `unconfirmed` (a human looks) and is never sent again;
 * the idempotent reset it had claimed but not sent is retried once and succeeds.
 */
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SECRET = 'agent-secret-for-tests-0123456789';

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 90_000): Promise<T> {
  // Generous polling on a busy 2-core machine; not a timing assertion.
  for (const end = Date.now() + ms; Date.now() < end; ) {
    const v = await probe();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.runIf(postgresUrl !== undefined)('an instance killed mid-execution', { timeout: 240_000 }, () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let database: Database;
  let agent: FakeServer;
  const children: ChildProcess[] = [];
  const dirs: string[] = [];

  const serve = (port: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'clubos-crash-'));
    dirs.push(dir);
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...process.env,
        ...TEST_SECRETS,
        DATABASE_URL: scratch.url,
        REDIS_URL: '',
        DATA_DIR: dir,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        FEATURE_AUTO_EXECUTION: 'true',
        EXECUTION_DEADLINE_MS: '3000',
        CLUBOS_INTEGRATIONS: JSON.stringify({ locations: { Dartmouth: { agent: { baseUrl: agent.url, secret: SECRET } } } }),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    scratch = await createScratchPostgres(postgresUrl!);
    database = await openDatabase({ kind: 'postgres', url: scratch.url });
    await migrateUp(database);
    agent = await startFakeAgent(SECRET, { reset_trackman: { status: 'succeeded' }, reboot_bay_pc: { status: 'succeeded' } });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await database.close();
    await scratch.drop();
    await agent.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('leaves the reboot unconfirmed and retries the reset once: nothing runs twice', async () => {
    const now = new Date();
    const eventId = randomUUID();
    await sql`insert into events (id, received_at, occurred_at, kind, channel, sender, location, bay, text, context, request_hash, status)
      values (${eventId}, ${now}, ${now}, 'message', 'sms', 'c-9001', 'Dartmouth', 2, 'pc frozen and trackman dead in bay 2', '{}'::jsonb, 'h', 'decided')`.execute(database.db);
    const store = executionStore(database.db);
    const make = (decision: string, offsetMs: number) =>
      store.create({
        id: randomUUID(),
        eventId,
        patternKey: decision,
        decision,
        params: { location: 'Dartmouth', bay: 2 },
        idempotencyKey: `${eventId}:${decision}`,
        tier: 'human',
        origin: 'operator',
        state: 'pending',
        runAt: new Date(now.getTime() + offsetMs),
        approvedBy: 'op-1',
        at: now,
      });
    const reboot = (await make('reboot_bay_pc', 0)).record;
    const reset = (await make('reset_trackman', 1)).record;
    agent.inject('hang');

    const port = 41_000 + Math.floor(Math.random() * 1000);
    const first = serve(port);
    await until('the reboot to reach the vendor', async () => (agent.requests.some((r) => r.method === 'POST') ? true : null));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const mid = await store.forEvent(eventId);
    expect(mid.map((x) => [x.decision, x.state])).toEqual([
      ['reboot_bay_pc', 'running'],
      ['reset_trackman', 'running'],
    ]);

    serve(port + 1);
    const done = await until('both rows to settle', async () => {
      const rows = await store.forEvent(eventId);
      return rows.every((x) => ['succeeded', 'unconfirmed', 'failed', 'timed_out'].includes(x.state)) ? rows : null;
    });
    expect(done.find((x) => x.id === reboot.id)).toMatchObject({ state: 'unconfirmed', outcomeReason: 'lease_expired', attempts: 1 });
    expect(done.find((x) => x.id === reset.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    const posts = agent.requests.filter((r) => r.method === 'POST').map((r) => (JSON.parse(r.body) as { action: string }).action);
    expect(posts.filter((a) => a === 'reboot_bay_pc')).toHaveLength(1);
    expect(posts.filter((a) => a === 'reset_trackman')).toHaveLength(1);
  });
});
