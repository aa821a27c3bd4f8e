import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import { openDatabase } from '../../src/store/database.js';
import { breakerStore } from '../../src/store/execution/breakers.js';
import { startFakeAgent } from '../integrations/fakes/fakeAgent.js';
import type { FakeServer } from '../integrations/fakes/fakeHttp.js';
import { answer, auditActions, submit } from '../pipeline/helpers.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';
import { AUTO_ON, executionsOf, settle } from './helpers.js';

const AGENT_SECRET = 'agent-secret-for-tests-0123456789';
const trackman = (customer: string, bay: number, location = 'Dartmouth') => ({ kind: 'message', channel: 'sms', from: customer, location, text: `trackman frozen bay ${bay}` });

/**
 * A proposal of reset_trackman for a fresh event, at the suggest tier. The suggest band needs a long
 * suggest-band track record before the engine offers it (the gate), so the test takes the engine's real
 * stored proposal and hands it to the execution stage at tier suggest; everything after that is the real path.
 */
async function suggestion(rt: Runtime, key: CreatedKey, operator: OperatorSession, customer: string, bay: number, location = 'Dartmouth') {
  const { id } = await submit(rt, key, trackman(customer, bay, location));
  await settle(rt);
  const item = (await rt.decisions.queue(null, 200)).find((i) => i.event.id === id)!;
  const proposal = { ...item.proposal, decision: 'reset_trackman', patternKey: 'reset_trackman', params: { location, bay }, tier: 'suggest' as const };
  await rt.executor.proposed(proposal);
  const [x] = await executionsOf(rt, operator, id);
  return { id, execution: x! };
}

for (const engine of engines) {
  describe(`suggestions on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine, AUTO_ON);
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
      // Teach the decision once so the next events are proposed as reset_trackman.
      const { id } = await submit(rt, key, trackman('c-0100', 1));
      await settle(rt);
      expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 1 } })).statusCode).toBe(201);
      await settle(rt);
    });
    afterAll(async () => rt.dispose());

    it('a veto before the deadline cancels the suggestion: it never executes', async () => {
      const { id, execution } = await suggestion(rt, key, operator, 'c-0101', 2);
      expect(execution).toMatchObject({ state: 'scheduled', origin: 'suggestion', runAt: new Date(rt.clock.now().getTime() + 120_000).toISOString() });
      expect(await auditActions(rt, execution.id)).toEqual(['suggestion.scheduled']);
      const queue = (await rt.app.inject({ method: 'GET', url: '/v1/queue', headers: operator.headers })).json() as { items: { eventId: string; suggestion: { executionId: string; runAt: string } | null }[] };
      expect(queue.items.find((i) => i.eventId === id)?.suggestion).toEqual({ executionId: execution.id, runAt: execution.runAt });

      rt.clock.advance(60_000);
      expect((await answer(rt, operator, id, { kind: 'veto', reason: 'the customer already left' })).statusCode).toBe(201);
      rt.clock.advance(120_000);
      await rt.executor.runDue();
      await settle(rt);
      expect(await executionsOf(rt, operator, id)).toEqual([expect.objectContaining({ state: 'cancelled', cancelledBy: expect.any(String), attempts: 0 })]);
      expect(rt.simulator.outbox().filter((m) => m.to === 'c-0101')).toEqual([]);
    });

    it('silence executes the suggestion once, at its deadline', async () => {
      rt.clock.advance(2 * 3_600_000);
      const { id } = await suggestion(rt, key, operator, 'c-0102', 3);
      rt.clock.advance(119_000);
      await rt.executor.runDue();
      expect((await executionsOf(rt, operator, id)).map((x) => x.state)).toEqual(['scheduled']);
      rt.clock.advance(2_000);
      await rt.executor.runDue();
      await rt.executor.runDue();
      await settle(rt);
      expect(await executionsOf(rt, operator, id)).toEqual([expect.objectContaining({ state: 'succeeded', origin: 'suggestion', attempts: 1 })]);
      expect(rt.simulator.outbox().filter((m) => m.to === 'c-0102')).toHaveLength(1);
      // Once it ran, a veto can no longer stop it.
      expect((await answer(rt, operator, id, { kind: 'veto' })).statusCode).toBe(409);
    });

    it('an approval executes the suggestion at once', async () => {
      rt.clock.advance(2 * 3_600_000);
      const { id } = await suggestion(rt, key, operator, 'c-0103', 4);
      expect((await answer(rt, operator, id, { kind: 'approve' })).statusCode).toBe(201);
      await settle(rt);
      expect(await executionsOf(rt, operator, id)).toEqual([expect.objectContaining({ state: 'succeeded', origin: 'approval', approvedBy: expect.any(String) })]);
    });
  });
}

// Two instances on one PostgreSQL database, each with its own connection pool, and a vendor that counts calls.
const pg = engines.find((e) => e.name === 'postgres');
describe.runIf(pg !== undefined)('two instances on one PostgreSQL database', () => {
  let rt: TestRuntime;
  let other: Runtime;
  let agent: FakeServer;
  let operator: OperatorSession;
  let key: CreatedKey;
  let env: Record<string, string>;

  beforeAll(async () => {
    agent = await startFakeAgent(AGENT_SECRET, { reset_trackman: { status: 'succeeded' } });
    env = {
      ...AUTO_ON,
      EXECUTION_DEADLINE_MS: '300',
      CLUBOS_INTEGRATIONS: JSON.stringify({ locations: { Dartmouth: { agent: { baseUrl: agent.url, secret: AGENT_SECRET } } } }),
    };
    rt = await startRuntime(pg!, env);
    // The agent checks signature timestamps against real time.
    rt.clock.set(new Date());
    const admin = await setupAdmin(rt);
    operator = await createOperator(rt, admin, 'operator');
    key = await createKey(rt, admin, ['events:write', 'events:read']);
    const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-clubos-test', ...TEST_SECRETS, ...env });
    const db = await openDatabase({ kind: 'postgres', url: rt.testDatabase.url! });
    other = await buildRuntime(config, { database: db, clock: rt.clock, logger: createLogger('silent') });
    const { id } = await submit(rt, key, trackman('c-0200', 1));
    await settle(rt);
    expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 1 } })).statusCode).toBe(201);
    await settle(rt);
  });
  afterAll(async () => {
    await other.close();
    await other.database.close();
    await rt.dispose();
    await agent.close();
  });

  it('racing on due suggestions, each executes exactly once with one vendor call', async () => {
    const ids: string[] = [];
    // At most two resets per bay within the hour (the guard): bays 2 and 3 twice, bay 4 once.
    for (const [i, bay] of [2, 3, 4, 2, 3].entries()) {
      ids.push((await suggestion(rt, key, operator, `c-020${i + 1}`, bay)).id);
    }
    const before = agent.requests.filter((r) => r.method === 'POST').length;
    rt.clock.advance(121_000);
    await Promise.all([rt.executor.runDue(1), other.executor.runDue(1), rt.executor.runDue(1), other.executor.runDue(1)]);
    await Promise.all([rt.executor.settled(), other.executor.settled()]);
    for (const id of ids) expect((await executionsOf(rt, operator, id)).map((x) => [x.state, x.attempts])).toEqual([['succeeded', 1]]);
    const posts = agent.requests.filter((r) => r.method === 'POST').slice(before);
    expect(posts).toHaveLength(ids.length);
    expect(new Set(posts.map((p) => (JSON.parse(p.body) as { id: string }).id)).size).toBe(ids.length);
  });

  it('an integration that hangs opens its circuit (shared by both instances); other integrations are unaffected', async () => {
    rt.clock.advance(2 * 3_600_000);
    rt.clock.set(new Date());
    agent.inject('hang', 'hang', 'hang', 'hang', 'hang', 'hang', 'hang', 'hang');
    const hung: string[] = [];
    for (const [i, bay] of [1, 2, 3].entries()) {
      const { id } = await submit(rt, key, trackman(`c-030${i}`, bay));
      await settle(rt);
      expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay } })).statusCode).toBe(201);
      await settle(rt);
      await rt.executor.runDue(); // the idempotent retry
      await settle(rt);
      hung.push(id);
    }
    const states = (await Promise.all(hung.map((id) => executionsOf(rt, operator, id)))).flat().map((x) => x.state);
    expect(states.every((s) => s === 'timed_out' || s === 'failed')).toBe(true);
    expect(await breakerStore(other.database.db).state('agent:Dartmouth')).toMatchObject({ status: 'open' });

    // The other instance sees the open circuit: nothing reaches the vendor.
    const sent = agent.requests.length;
    const { id } = await submit(other, key, trackman('c-0310', 4));
    await settle(other);
    expect((await answer(other, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 4 } })).statusCode).toBe(201);
    await settle(other);
    expect(await executionsOf(other, operator, id)).toEqual([expect.objectContaining({ state: 'failed', outcome: expect.objectContaining({ reason: 'circuit_open' }) })]);
    expect(agent.requests.length).toBe(sent);

    // Bedford runs on the simulator: its own circuit, unaffected.
    const bedford = await submit(rt, key, trackman('c-0311', 1, 'Bedford'));
    await settle(rt);
    expect((await answer(rt, operator, bedford.id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Bedford', bay: 1 } })).statusCode).toBe(201);
    await settle(rt);
    expect(await executionsOf(rt, operator, bedford.id)).toEqual([expect.objectContaining({ state: 'succeeded', outcome: expect.objectContaining({ integration: 'simulator' }) })]);
  });
});
