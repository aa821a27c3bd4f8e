import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { migrateUp } from '../../src/store/migrate.js';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';
import { TEST_SECRETS } from '../support/runtime.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const BIN = join(DIST, 'cli/main.js');
const redisUrl = process.env.REDIS_URL;

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs node with `args` and the given environment (nothing of the test's own DATABASE_URL/REDIS_URL leaks in). */
function run(args: readonly string[], env: Record<string, string>, killAfterMs: number): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, [...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  // A hang is the bug under test: kill it so the assertion on the exit code reports it instead of a test timeout.
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

/** `clubos serve` itself. */
const serve = (env: Record<string, string>) => run([BIN, 'serve'], env, 60_000);

/**
 * buildRuntime from the built package, without the CLI's exit guard: the process ends by itself only if the failed
 * start released everything it opened (PGlite's WASM timer, the pg pool, Redis connections).
 */
const buildAndFail = (env: Record<string, string>) =>
  run(
    [
      '--input-type=module',
      '-e',
      `import { parseConfig } from ${JSON.stringify(pathToFileURL(join(DIST, 'config/config.js')).href)};
       import { buildRuntime } from ${JSON.stringify(pathToFileURL(join(DIST, 'main.js')).href)};
       try { await buildRuntime(parseConfig(process.env), { scheduler: true }); console.log('built'); }
       catch (err) { console.log('RESULT ' + JSON.stringify({ name: err.name, step: err.step })); process.exitCode = 3; }`,
    ],
    env,
    60_000,
  );

const stderrLines = (e: Exit) => e.stderr.trim().split('\n');
const result = (e: Exit): unknown => JSON.parse(e.stdout.split('\n').find((l) => l.startsWith('RESULT '))?.slice('RESULT '.length) ?? 'null');

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

describe('clubos serve: a failed start is one stderr line and a prompt non-zero exit', { timeout: 120_000 }, () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'clubos-serve-fail-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const blockPort = async () => {
    const blocker = await occupiedPort();
    cleanups.push(() => new Promise((r) => blocker.server.close(r)));
    return blocker.port;
  };

  it('port in use on the embedded database: exits 1 naming the port (it used to hang with PGlite open)', async () => {
    const port = await blockPort();
    const exit = await serve({ ...TEST_SECRETS, DATA_DIR: tempDir(), PORT: String(port) });
    expect(exit.code).toBe(1);
    expect(stderrLines(exit)).toEqual([`clubos serve: cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT to a free one)`]);
    // Seconds, on a busy 2-core machine including a fresh embedded database; the hang was unbounded.
    expect(exit.ms).toBeLessThan(30_000);
  });

  it('unreachable DATABASE_URL: exits 1 naming the database, without its password', async () => {
    const exit = await serve({ ...TEST_SECRETS, DATA_DIR: tempDir(), PORT: '0', DATABASE_URL: 'postgres://root:hunter2@127.0.0.1:1/x' });
    expect(exit.code).toBe(1);
    expect(stderrLines(exit)).toEqual(['clubos serve: database unreachable: PostgreSQL at postgres://root:***@127.0.0.1:1/x: connect ECONNREFUSED 127.0.0.1:1']);
    expect(exit.ms).toBeLessThan(30_000);
  });

  it('a corrupt secrets file: exits 1 naming the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secrets.json'), '{"apiKeyPeppers": ');
    const exit = await serve({ DATA_DIR: dir, PORT: '0' });
    expect(exit.code).toBe(1);
    expect(stderrLines(exit)).toHaveLength(1);
    expect(exit.stderr).toContain(`clubos serve: bad secrets (configured in the environment, else generated into ${dir}/secrets.json): `);
    expect(exit.ms).toBeLessThan(30_000);
  });

  it('a failed build releases the embedded database it opened: the process ends by itself', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secrets.json'), 'not json');
    const exit = await buildAndFail({ DATA_DIR: dir });
    expect(exit.code).toBe(3);
    expect(result(exit)).toEqual({ name: 'StartupError', step: 'reading secrets' });
  });

  describe.runIf(postgresUrl !== undefined)('on PostgreSQL', () => {
    it('port in use: exits 1 naming the port after closing the pool', async () => {
      const scratch = await createScratchPostgres(postgresUrl as string);
      cleanups.push(() => scratch.drop());
      const port = await blockPort();
      const exit = await serve({ ...TEST_SECRETS, DATA_DIR: tempDir(), PORT: String(port), DATABASE_URL: scratch.url, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) });
      expect(exit.code).toBe(1);
      expect(stderrLines(exit)).toEqual([`clubos serve: cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT to a free one)`]);
      expect(exit.ms).toBeLessThan(30_000);
    });

    it('a failure after Redis and the pool are open releases both: the process ends by itself and leaves no session', async () => {
      const scratch = await createScratchPostgres(postgresUrl as string);
      cleanups.push(() => scratch.drop());
      const database = await openDatabase({ kind: 'postgres', url: scratch.url });
      await migrateUp(database);
      // Migrations are current, but the decision history cannot be read: the decision stage fails to load.
      await database.exclusive((r) => r.exec('alter table shadow_ledger rename to shadow_ledger_moved'));
      await database.close();

      const exit = await buildAndFail({ ...TEST_SECRETS, DATA_DIR: tempDir(), DATABASE_URL: scratch.url, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) });
      expect(exit.code).toBe(3);
      expect(result(exit)).toEqual({ name: 'StartupError', step: 'loading state' });
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      const sessions = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [new URL(scratch.url).pathname.slice(1)]);
      await admin.end();
      expect(sessions.rows[0].n).toBe(0);
    });
  });
});
