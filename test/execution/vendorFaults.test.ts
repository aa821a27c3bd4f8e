import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakerStore } from '../../src/store/execution/breakers.js';
import { startFakeAgent } from '../integrations/fakes/fakeAgent.js';
import type { FakeServer } from '../integrations/fakes/fakeHttp.js';
import { startFakeOpenPhone } from '../integrations/fakes/fakeOpenPhone.js';
import { answer, auditActions, submit } from '../pipeline/helpers.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { executionsOf, outgoing, settle } from './helpers.js';

const AGENT_SECRET = 'agent-secret-for-tests-0123456789';
const OPENPHONE_KEY = 'opk-test-key';
const LINE = '+19025550100';
const MINUTE = 60_000;

/**
 * Dartmouth's devices answer through an on-site agent and its texts go out through OpenPhone (both local fakes
 * speaking the vendors' protocols, with injectable faults); every other location runs on the simulator. An
 * operator decides, so everything here runs in shadow mode too.
 */
for (const engine of engines) {
  describe(`execution against failing vendors on ${engine.name}`, () => {
    let rt: TestRuntime;
    let agent: FakeServer;
    let openPhone: FakeServer;
    let operator: OperatorSession;
    let key: CreatedKey;
    let customer = 0;

    beforeAll(async () => {
      agent = await startFakeAgent(AGENT_SECRET, { reset_trackman: { status: 'succeeded' }, reboot_bay_pc: { status: 'succeeded' } });
      openPhone = await startFakeOpenPhone(OPENPHONE_KEY, LINE);
      rt = await startRuntime(engine, {
        EXECUTION_DEADLINE_MS: '300',
        SECURITY_RATE_LIMIT_MAX: '100000',
        CLUBOS_INTEGRATIONS: JSON.stringify({
          locations: { Dartmouth: { agent: { baseUrl: agent.url, secret: AGENT_SECRET }, openPhone: { baseUrl: openPhone.url, apiKey: OPENPHONE_KEY, from: LINE } } },
        }),
      });
      // The agent checks its signatures' timestamps against real time (5 minutes' tolerance): the clock stays near it.
      rt.clock.set(new Date());
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => {
      await rt.dispose();
      await agent.close();
      await openPhone.close();
    });

    /** A customer's text, and the operator's decision on it; returns the event and its executions once settled. */
    const decided = async (text: string, decision: string, params: Record<string, unknown>, location = 'Dartmouth', kind: 'message' | 'device_event' = 'message') => {
      const from = kind === 'message' ? `+1902555${String(2000 + customer++).padStart(4, '0')}` : 'DAR-BAY3-PC';
      const { id } = await submit(rt, key, { kind, channel: kind === 'message' ? 'sms' : 'device', from, location, text });
      await settle(rt);
      const res = await answer(rt, operator, id, { kind: 'decide', decision, params });
      expect(res.statusCode, res.body).toBe(201);
      await settle(rt);
      return { id, from, rows: await executionsOf(rt, operator, id) };
    };
    const posts = () => agent.requests.filter((r) => r.method === 'POST').length;

    it('an idempotent TrackMan reset that got no answer in time is retried once with the same key and succeeds; the customer is told once', async () => {
      agent.inject('hang');
      const before = agent.requests.length;
      const { from, rows } = await decided('trackman frozen bay 3', 'reset_trackman', { location: 'Dartmouth', bay: 3 });
      expect(rows).toEqual([expect.objectContaining({ decision: 'reset_trackman', state: 'succeeded', attempts: 2, outcome: expect.objectContaining({ integration: 'agent:Dartmouth' }) })]);
      const sent = agent.requests.slice(before).filter((r) => r.method === 'POST');
      expect(sent).toHaveLength(2);
      expect(new Set(sent.map((r) => (JSON.parse(r.body) as { id: string }).id)).size).toBe(1);
      // Each attempt that acts is audited; the outcome once.
      expect(await auditActions(rt, rows[0]!.id)).toEqual(['decision.executed', 'decision.executed', 'action.outcome']);
      expect(openPhone.requests.filter((r) => JSON.parse(r.body).to[0] === from)).toHaveLength(1);
      expect(await outgoing(rt, from)).toEqual([expect.stringMatching(/restarted TrackMan in bay 3/)]);
    });

    it('a bay PC reboot that got no answer is never sent again: unconfirmed, and the thread goes to a human', async () => {
      agent.inject('hang');
      const before = posts();
      const { id, rows } = await decided('the computer in bay 2 is frozen', 'reboot_bay_pc', { location: 'Dartmouth', bay: 2 });
      expect(rows).toEqual([expect.objectContaining({ decision: 'reboot_bay_pc', state: 'unconfirmed', attempts: 1, outcome: expect.objectContaining({ reason: 'deadline' }) })]);
      expect(posts() - before).toBe(1);
      const thread = await rt.venue.threads.ofEvent(id);
      expect(thread).toMatchObject({ state: 'escalated', automationPaused: true });
    });

    it('a text OpenPhone refuses is a failed execution and is not shown on the thread as sent', async () => {
      openPhone.inject({ status: 400, body: { message: 'Bad Request' } });
      const { from, rows } = await decided('what time do you open', 'reply_faq_hours', { location: 'Dartmouth' });
      expect(rows).toEqual([expect.objectContaining({ state: 'failed', outcome: expect.objectContaining({ reason: 'rejected', integration: 'openphone:Dartmouth' }) })]);
      expect(await outgoing(rt, from)).toEqual([]);
    });

    it('an agent that keeps failing opens its circuit: the next command is not sent; after the cool-down one probe closes it again', async () => {
      const breakers = breakerStore(rt.database.db);
      // A success closes the circuit whatever the earlier timeouts counted.
      expect((await decided('trackman frozen bay 1', 'reset_trackman', { location: 'Dartmouth', bay: 1 })).rows.map((r) => r.state)).toEqual(['succeeded']);
      expect(await breakers.state('agent:Dartmouth')).toEqual({ status: 'closed', failures: 0, firstFailureAt: null });
      const firstFailureAt = rt.clock.now().getTime();
      agent.inject(...Array.from({ length: 5 }, () => ({ status: 500, body: { error: 'agent crashed' } })));
      const failing = async (bay: number) => {
        const { rows } = await decided(`trackman frozen bay ${bay}`, 'reset_trackman', { location: 'Dartmouth', bay });
        expect(rows.map((r) => [r.state, r.outcome.reason])).toEqual([['failed', 'server_error']]);
      };
      for (const bay of [1, 2, 3, 4]) await failing(bay);
      expect(await breakers.state('agent:Dartmouth')).toEqual({ status: 'closed', failures: 4, firstFailureAt });
      await failing(1);
      expect(await breakers.state('agent:Dartmouth')).toEqual({ status: 'open', openedAt: rt.clock.now().getTime() });

      const before = posts();
      const refused = await decided('trackman frozen bay 2', 'reset_trackman', { location: 'Dartmouth', bay: 2 });
      expect(refused.rows).toEqual([expect.objectContaining({ state: 'failed', outcome: expect.objectContaining({ reason: 'circuit_open', integration: 'agent:Dartmouth' }) })]);
      expect(posts()).toBe(before);
      // Other integrations are unaffected: Bedford's devices run on the simulator.
      const bedford = await decided('trackman frozen bay 1', 'reset_trackman', { location: 'Bedford', bay: 1 }, 'Bedford');
      expect(bedford.rows.map((r) => [r.state, r.outcome.integration])).toEqual([['succeeded', 'simulator']]);

      rt.clock.advance(MINUTE + 1_000);
      const probe = await decided('trackman frozen bay 4', 'reset_trackman', { location: 'Dartmouth', bay: 4 });
      expect(probe.rows.map((r) => r.state)).toEqual(['succeeded']);
      expect(posts()).toBe(before + 1);
      expect(await breakers.state('agent:Dartmouth')).toEqual({ status: 'closed', failures: 0, firstFailureAt: null });
    });

    it('a failed probe opens the circuit again for another cool-down', async () => {
      const breakers = breakerStore(rt.database.db);
      agent.inject(...Array.from({ length: 5 }, () => ({ status: 503, body: 'maintenance' })));
      for (const bay of [1, 2, 3, 4, 1]) {
        const { rows } = await decided(`trackman frozen bay ${bay}`, 'reset_trackman', { location: 'Dartmouth', bay });
        expect(rows.map((r) => r.outcome.reason)).toEqual(['server_error']);
      }
      expect((await breakers.state('agent:Dartmouth')).status).toBe('open');
      rt.clock.advance(MINUTE + 1_000);
      agent.inject({ status: 502, body: 'bad gateway' });
      const probe = await decided('trackman frozen bay 2', 'reset_trackman', { location: 'Dartmouth', bay: 2 });
      expect(probe.rows.map((r) => [r.state, r.outcome.reason])).toEqual([['failed', 'server_error']]);
      expect(await breakers.state('agent:Dartmouth')).toEqual({ status: 'open', openedAt: rt.clock.now().getTime() });
      rt.clock.advance(MINUTE + 1_000);
      expect((await decided('trackman frozen bay 3', 'reset_trackman', { location: 'Dartmouth', bay: 3 })).rows.map((r) => r.state)).toEqual(['succeeded']);
    });
  });
}
