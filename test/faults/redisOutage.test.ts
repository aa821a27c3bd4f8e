import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';
import { type Credentials, type ServerProcess, freePort, setUp, startServer, waitFor } from './support.js';

/**
 * Redis (rate-limit counters, bans, revocation broadcast) stopped under a running server — a private
 * redis-server on its own port, never the machine's shared one. Requests keep being served (no 429 storm, no
 * 5xx), the in-process insurance limiter still enforces the limits, and the server carries on when Redis is back.
 */
describe.skipIf(!process.env.REDIS_URL)('Redis outage (private redis-server)', () => {
  let redis: ChildProcess;
  let redisPort: number;
  let server: ServerProcess;
  let creds: Credentials;
  let scratch: { url: string; drop: () => Promise<void> } | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'clubos-redis-fault-'));

  const startRedis = async () => {
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
  };
  const stopRedis = async () => {
    const gone = new Promise((r) => redis.once('exit', r));
    redis.kill('SIGKILL');
    await gone;
  };

  beforeAll(async () => {
    redisPort = await freePort();
    await startRedis();
    // A scratch PostgreSQL database when there is one, else PGlite in a temp dir; a limit small enough to reach.
    scratch = postgresUrl ? await createScratchPostgres(postgresUrl) : null;
    server = await startServer({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, SECURITY_RATE_LIMIT_MAX: '60', DATA_DIR: dataDir, ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
    creds = await setUp(server.base, server.setupToken!, ['events:write', 'events:read']);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    if (redis && redis.exitCode === null) redis.kill('SIGKILL');
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (i: number) =>
    fetch(`${server.base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${creds.key}`, 'content-type': 'application/json', 'idempotency-key': `redis-${i}` },
      body: JSON.stringify({ kind: 'message', channel: 'sms', from: 'c-0002', location: 'Bedford', text: `projector off in bay ${1 + (i % 4)} (${i})` }),
    });

  it('serves under the limit without Redis, still limits above it, and carries on when Redis is back', async () => {
    await stopRedis();
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i)));
    expect(first.map((r) => r.status)).toEqual(Array(20).fill(202));
    const burst: number[] = [];
    const types: string[] = [];
    for (let i = 20; i < 140; i++) {
      const r = await post(i);
      burst.push(r.status);
      if (r.status !== 202) types.push(`${r.status} ${((await r.json()) as { type: string }).type}`);
    }
    // No 5xx; the insurance limiter refuses what exceeds the limit, and repeated refusals earn the ban they
    // would earn with Redis (kept in process meanwhile).
    expect(burst.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(types)).toEqual(new Set(['429 /problems/rate-limited', '403 /problems/banned']));
    expect(burst.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(burst.filter((s) => s === 202).length).toBeGreaterThan(0);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);

    await startRedis();
    await waitFor('an answer from the server with Redis back', async () => (await post(1000)).status < 500, 15_000);
    expect(server.proc.exitCode).toBeNull();
  });
});
