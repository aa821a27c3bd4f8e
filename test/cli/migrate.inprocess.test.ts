import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/io.js';
import { migrate } from '../../src/cli/migrate.js';
import { openDatabase } from '../../src/store/database.js';
import { loadMigrations } from '../../src/store/migrate.js';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive: false, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
const lastJson = (io: { stdout: string[] }) => JSON.parse(io.stdout[io.stdout.length - 1]!) as Record<string, unknown>;

const chain = loadMigrations();
const versions = chain.map((m) => m.version);
const last = versions[versions.length - 1]!;

/** Where `clubos migrate` finds its database: DATA_DIR (embedded) or DATABASE_URL, as a shell user sets them. */
interface Target {
  env(): Record<string, string>;
  open(): ReturnType<typeof openDatabase>;
  dispose(): Promise<void>;
}

async function embedded(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'clubos-migrate-cli-'));
  return {
    env: () => ({ DATABASE_URL: '', DATA_DIR: dir }),
    open: () => openDatabase({ kind: 'pglite', dir }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgres(adminUrl: string): Promise<Target> {
  const scratch = await createScratchPostgres(adminUrl);
  return {
    env: () => ({ DATABASE_URL: scratch.url, DATA_DIR: '/nonexistent-clubos-test' }),
    open: () => openDatabase({ kind: 'postgres', url: scratch.url }),
    dispose: scratch.drop,
  };
}

const targets: Array<{ name: string; make: () => Promise<Target> }> = [
  { name: 'the embedded database', make: embedded },
  ...(postgresUrl ? [{ name: 'PostgreSQL', make: () => postgres(postgresUrl!) }] : []),
];

// Each command opens the database the way a shell user would (a file-backed PGlite is slow to open on a busy machine).
describe.each(targets)('clubos migrate in-process on $name', { timeout: 300_000 }, ({ make }) => {
  let target: Target;
  beforeAll(async () => {
    target = await make();
    for (const [k, v] of Object.entries({ LOG_LEVEL: 'silent', REDIS_URL: '', ...target.env() })) vi.stubEnv(k, v);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await target.dispose();
  });

  it('reports every migration pending on a fresh database, applies the chain once, then has nothing to apply', async () => {
    const fresh = capture();
    expect(await migrate(['status', '--json'], fresh)).toBe(0);
    expect(lastJson(fresh)).toEqual({ current: false, migrations: chain.map((m) => ({ version: m.version, name: m.name, state: 'pending' })) });

    const up = capture();
    expect(await migrate(['up'], up)).toBe(0);
    expect(up.stdout).toEqual([`applied ${versions.join(', ')}`]);

    const again = capture();
    expect(await migrate(['up', '--json'], again)).toBe(0);
    expect(lastJson(again)).toEqual({ applied: [] });
    const human = capture();
    expect(await migrate(['up'], human)).toBe(0);
    expect(human.stdout).toEqual(['nothing to apply']);

    const status = capture();
    expect(await migrate(['status'], status)).toBe(0);
    expect(status.stdout).toHaveLength(chain.length);
    expect(status.stdout[0]).toMatch(/^0001 \S+\s+applied$/);
  });

  it('reverts one step by default and N with --steps, newest first; re-applies what it reverted', async () => {
    const one = capture();
    expect(await migrate(['down'], one)).toBe(0);
    expect(one.stdout).toEqual([`reverted ${last}`]);

    const two = capture();
    expect(await migrate(['down', '--steps', '2', '--json'], two)).toBe(0);
    expect(lastJson(two)).toEqual({ reverted: [last - 1, last - 2] });

    const status = capture();
    expect(await migrate(['status', '--json'], status)).toBe(0);
    const states = (lastJson(status).migrations as Array<{ version: number; state: string }>).map((m) => [m.version, m.state]);
    expect(states.slice(-3)).toEqual([
      [last - 2, 'pending'],
      [last - 1, 'pending'],
      [last, 'pending'],
    ]);

    const up = capture();
    expect(await migrate(['up', '--json'], up)).toBe(0);
    expect(lastJson(up)).toEqual({ applied: [last - 2, last - 1, last] });
  });

  it('exits 1 and says so when an applied migration was edited after it ran', async () => {
    const database = await target.open();
    try {
      await sql`update schema_migrations set checksum = 'edited-after-it-ran' where version = 1`.execute(database.db);
    } finally {
      await database.close();
    }
    const status = capture();
    expect(await migrate(['status', '--json'], status)).toBe(1);
    const report = lastJson(status) as { current: boolean; migrations: Array<{ version: number; state: string }> };
    expect(report.current).toBe(false);
    expect(report.migrations.filter((m) => m.state !== 'applied')).toEqual([{ version: 1, name: chain[0]!.name, state: 'modified' }]);
  });

  it('refuses an unknown verb, a missing verb and a non-positive or fractional --steps with a usage error', async () => {
    await expect(migrate([], capture())).rejects.toThrow(UsageError);
    await expect(migrate(['sideways'], capture())).rejects.toThrow(/usage: clubos migrate up\|down\|status/);
    await expect(migrate(['down', '--steps', '0'], capture())).rejects.toThrow(/--steps must be a positive integer/);
    await expect(migrate(['down', '--steps', '1.5'], capture())).rejects.toThrow(/--steps must be a positive integer/);
    // Nothing was reverted by the refused commands.
    const status = capture();
    expect(await migrate(['status', '--json'], status)).toBe(1);
    expect((lastJson(status).migrations as Array<{ state: string }>).filter((m) => m.state === 'pending')).toEqual([]);
  });
});
