import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAdmin } from '../../support/auth.js';
import { engines } from '../../support/databases.js';
import { type TestRuntime, startRuntime } from '../../support/runtime.js';

const REDIS_SERVER = '/usr/bin/redis-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForRedis(port: number): Promise<void> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('redis-server did not start');
}

// A private redis-server the test starts and kills, so losing Redis mid-test is real.
describe.runIf(existsSync(REDIS_SERVER))('rate limiting shared through Redis, two instances', () => {
  let server: ChildProcess;
  let a: TestRuntime;
  let b: TestRuntime;
  const get = (rt: TestRuntime, url: string, remoteAddress: string) => rt.app.inject({ method: 'GET', url, remoteAddress });

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForRedis(port);
    const env = { REDIS_URL: `redis://127.0.0.1:${port}`, SECURITY_RATE_LIMIT_MAX: '20', SECURITY_RATE_LIMIT_WINDOW: '60000' };
    [a, b] = await Promise.all([startRuntime(engines[0]!, env), startRuntime(engines[0]!, env)]);
    // Until an instance's Redis connection is ready its requests count in the in-process insurance limiter (by
    // design); the shared counting asserted below starts once both are connected (a loaded machine can take a while).
    await Promise.all([a, b].map((rt) => (rt.redis!.status === 'ready' ? undefined : new Promise((r) => rt.redis!.once('ready', r)))));
    await Promise.all([setupAdmin(a), setupAdmin(b)]);
  });
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
    if (server.exitCode === null) server.kill('SIGKILL');
  });

  it('counts one address across both instances', async () => {
    for (let i = 0; i < 30; i++) expect((await get(a, '/nope', '203.0.113.70')).statusCode).toBe(404);
    for (let i = 0; i < 30; i++) expect((await get(b, '/nope', '203.0.113.70')).statusCode).toBe(404);
    const res = await get(b, '/nope', '203.0.113.70');
    expect(res.statusCode).toBe(429);
    expect(res.headers.ratelimit).toMatch(/^"ip";r=0;t=\d+$/);
  });

  it('bans on one instance and refuses on the other', async () => {
    const statuses = [];
    for (let i = 0; i < 72; i++) statuses.push((await get(a, '/nope', '203.0.113.71')).statusCode);
    expect(statuses.filter((s) => s === 404)).toHaveLength(60);
    let refused = await get(b, '/nope', '203.0.113.71');
    for (let i = 0; i < 50 && refused.statusCode !== 403; i++) {
      await new Promise((r) => setTimeout(r, 20));
      refused = await get(b, '/nope', '203.0.113.71');
    }
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ type: '/problems/banned' });
    expect(Number(refused.headers['retry-after'])).toBe(15 * 60);
  });

  it('keeps limiting with the lower in-process ceiling when Redis dies, without a storm of 429s', async () => {
    expect((await get(a, '/nope', '203.0.113.72')).statusCode).toBe(404);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    await new Promise((r) => setTimeout(r, 100));
    const statuses = [];
    for (let i = 0; i < 60; i++) statuses.push((await get(a, '/nope', '203.0.113.73')).statusCode);
    // Insurance ceiling: half the store's ceiling of 60 × 1.5, i.e. 45 of the nominal 60.
    expect(statuses.slice(0, 45).every((s) => s === 404)).toBe(true);
    // …then 429s, and once the strikes add up, a ban held in process until Redis is back.
    expect(statuses[45]).toBe(429);
    expect(statuses.slice(45).every((s) => s === 429 || s === 403)).toBe(true);
    // The ban recorded while Redis was up still holds on the instance that saw it.
    expect((await get(b, '/nope', '203.0.113.71')).statusCode).toBe(403);
    // Health stays exempt throughout.
    expect((await get(a, '/health', '203.0.113.73')).statusCode).toBe(200);
  });
});
