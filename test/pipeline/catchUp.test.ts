import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import { openDatabase } from '../../src/store/database.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';

/**
 * Two instances on one database, each with its own engine: what an operator teaches through one is known to
 * the other after a catch-up run, once, and a pattern locked through one is locked on the other.
 */
const pg = engines.find((e) => e.name === 'postgres');

describe.runIf(pg !== undefined)('cross-instance learning catch-up on one PostgreSQL database', () => {
  let a: TestRuntime;
  let b: Runtime;
  let operator: OperatorSession;
  let key: CreatedKey;
  let n = 0;

  const submit = async (rt: Runtime, text: string): Promise<string> => {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...key.headers, 'idempotency-key': `catch-up-${n}` },
      payload: { kind: 'message', channel: 'sms', from: `c-${1000 + n++}`, location: 'Dartmouth', text },
    });
    expect(res.statusCode, res.body).toBe(202);
    const { id } = res.json() as { id: string };
    await rt.decisions.handle.settled();
    return id;
  };
  const decide = async (rt: Runtime, id: string, decision: string, bay: number): Promise<void> => {
    const res = await rt.app.inject({ method: 'POST', url: `/v1/events/${id}/decision`, headers: operator.headers, payload: { kind: 'decide', decision, params: { location: 'Dartmouth', bay } } });
    expect(res.statusCode, res.body).toBe(201);
  };
  const proposalOf = async (rt: Runtime, id: string): Promise<{ decision: string | null; tier: string }> => {
    const res = await rt.app.inject({ method: 'GET', url: `/v1/events/${id}`, headers: key.headers });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { decision: { decision: string | null; tier: string } }).decision;
  };

  beforeAll(async () => {
    a = await startRuntime(pg!, { SECURITY_RATE_LIMIT_MAX: '100000' });
    const admin = await setupAdmin(a);
    operator = await createOperator(a, admin, 'supervisor');
    key = await createKey(a, admin, ['events:write', 'events:read']);
    const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', FEATURE_PERFORMANCE_GUARD: 'off', SECURITY_RATE_LIMIT_MAX: '100000', ...TEST_SECRETS });
    b = await buildRuntime(config, { database: await openDatabase({ kind: 'postgres', url: a.testDatabase.url! }), clock: a.clock, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await b.close();
    await b.database.close();
    await a.dispose();
  });

  it('an instance that never saw the decisions learns them from the shared history, and applies each step once', async () => {
    // Instance A learns "trackman frozen" → reset_trackman from an operator, twelve times.
    // An hour apart: the operator's resets really run (shadow mode carries out operator decisions), and the
    // reset guard allows two per bay per hour.
    for (let i = 0; i < 12; i++) {
      a.clock.advance(61 * 60_000);
      const id = await submit(a, `trackman frozen in bay ${(i % 4) + 1}`);
      await decide(a, id, 'reset_trackman', (i % 4) + 1);
      await a.executor.settled();
    }
    const before = b.decisions.engine.rememberedExamples;
    expect(before).toBe(0);
    const applied = await b.decisions.catchUp.run();
    // 12 proposals, 12 operator answers and 12 execution outcomes written by A.
    expect(applied).toBe(36);
    expect(b.decisions.engine.rememberedExamples).toBe(12);
    // A second run finds nothing new: nothing is learned twice.
    expect(await b.decisions.catchUp.run()).toBe(0);
    expect(b.decisions.engine.rememberedExamples).toBe(12);
    // A's own steps were marked as applied when it made them: its catch-up adds nothing.
    expect(await a.decisions.catchUp.run()).toBe(0);
    expect(a.decisions.engine.rememberedExamples).toBe(12);

    a.clock.advance(61 * 60_000);
    const fresh = await submit(b, 'trackman frozen in bay 2');
    expect((await proposalOf(b, fresh)).decision).toBe('reset_trackman');
  });

  it('a pattern locked through one instance is locked on the other after catch-up', async () => {
    const res = await a.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman/lock', headers: operator.headers, payload: { reason: 'tech on site' } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await b.decisions.catchUp.run();
    a.clock.advance(61 * 60_000);
    const id = await submit(b, 'trackman frozen in bay 3');
    expect(await proposalOf(b, id)).toMatchObject({ decision: 'reset_trackman', tier: 'human' });
  });

  it('a lock survives an instance that learns before it catches up, and a release reaches the other instance', async () => {
    const holdOn = (rt: Runtime) => rt.decisions.engine.patterns().find((p) => p.key === 'reset_trackman')!.hold;
    const hold = async (kind: 'lock' | 'release') =>
      (await a.app.inject({ method: 'POST', url: `/v1/patterns/reset_trackman/${kind}`, headers: operator.headers, payload: {} })).json() as { hold: string };
    const stored = async () =>
      ((await a.app.inject({ method: 'GET', url: '/v1/patterns', headers: operator.headers })).json() as { patterns: { key: string; hold: string; state: string }[] }).patterns.find(
        (p) => p.key === 'reset_trackman',
      );

    // Released through A: B's engine lets go at its next catch-up.
    expect(await hold('release')).toEqual({ key: 'reset_trackman', hold: 'none' });
    expect(holdOn(b)).toBe('locked');
    await b.decisions.catchUp.run();
    expect(holdOn(b)).toBe('none');

    // Locked through A while B, not caught up, learns the same pattern from an operator and saves it.
    expect(await hold('lock')).toEqual({ key: 'reset_trackman', hold: 'locked' });
    a.clock.advance(61 * 60_000);
    const id = await submit(b, 'trackman frozen in bay 4');
    expect(holdOn(b)).toBe('none');
    await decide(b, id, 'reset_trackman', 4);
    await b.executor.settled();
    // The stored lock is still the operators': B's learning did not write it back.
    expect(await stored()).toMatchObject({ hold: 'locked', state: 'locked' });
    await b.decisions.catchUp.run();
    expect(holdOn(b)).toBe('locked');
  });
});
