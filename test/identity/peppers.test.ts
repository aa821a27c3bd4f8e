import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { manualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import { createKey, type OperatorSession, sampleEvent, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';

const pepper = (version: number, fill: number, bytes = 32) => `${version}:${Buffer.alloc(bytes, fill).toString('base64')}`;

/** Another instance on the same database, configured with other peppers (a restart after a pepper change). */
async function restartedWith(first: TestRuntime, peppers: string): Promise<Runtime> {
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', FEATURE_PERFORMANCE_GUARD: 'off', ...TEST_SECRETS, API_KEY_PEPPERS: peppers });
  return buildRuntime(config, { database: first.testDatabase, clock: manualClock(first.clock.now()), logger: createLogger('silent'), scheduler: false });
}

for (const engine of engines) {
  describe(`API key peppers on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
    });
    afterAll(async () => rt.dispose());

    it('keeps accepting keys hashed under the old pepper after a new one is added, and hashes new keys under the newest', async () => {
      const old = await createKey(rt, admin, ['events:write']);
      const next = await restartedWith(rt, `${pepper(1, 1)},${pepper(2, 9)}`);
      try {
        const accepted = await next.app.inject({ method: 'POST', url: '/v1/events', headers: old.headers, payload: sampleEvent });
        expect(accepted.statusCode, accepted.body).toBe(202);
        const fresh = await createKey(next as unknown as TestRuntime, admin, ['events:write']);
        const versions = await sql<{ id: string; pepper_version: number }>`select id, pepper_version from api_keys where id in (${old.id}, ${fresh.id})`.execute(rt.database.db);
        expect(Object.fromEntries(versions.rows.map((r) => [r.id, Number(r.pepper_version)]))).toEqual({ [old.id]: 1, [fresh.id]: 2 });
        expect((await next.app.inject({ method: 'POST', url: '/v1/events', headers: fresh.headers, payload: { ...sampleEvent, text: 'door will not open' } })).statusCode).toBe(202);
        // The instance still on pepper 1 alone cannot verify a key hashed under pepper 2.
        expect(expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/events', headers: fresh.headers, payload: sampleEvent }), 401).type).toBe('/problems/key-invalid');
      } finally {
        await next.close();
      }
    });

    it('refuses to start with a malformed, short or duplicated pepper list', async () => {
      await expect(restartedWith(rt, 'not a pepper')).rejects.toThrow('each pepper must look like <version>:<base64 secret>');
      await expect(restartedWith(rt, pepper(3, 1, 31))).rejects.toThrow('pepper version 3 must be at least 32 bytes');
      await expect(restartedWith(rt, `${pepper(1, 1)},${pepper(1, 2)}`)).rejects.toThrow('pepper versions must be unique');
    });
  });
}
