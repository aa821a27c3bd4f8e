import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BREAKER_POLICY } from '../../src/actions/circuitBreaker.js';
import { breakerStore } from '../../src/store/execution/breakers.js';
import { type OperatorSession, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const AGENT_SECRET = 'agent-secret-for-routing-0123456789';
const SLACK = 'http://127.0.0.1:9/services/T0/B0/routingHookToken';

interface View {
  locations: { location: string; routes: { action: string; bay: number | null; integration: string | null }[] }[];
  breakers: { integrationId: string; status: string; failures: number; since: string | null }[];
}

/**
 * The admin view of integrations: for every visible location and bay, which integration the executor would
 * call for each action, and each integration's circuit breaker, with no secret in it.
 */
for (const engine of engines) {
  describe(`integration routing view on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    const view = async (who: OperatorSession): Promise<View> => {
      const res = await rt.app.inject({ method: 'GET', url: '/v1/admin/integrations', headers: who.headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain(AGENT_SECRET);
      expect(res.body).not.toContain('routingHookToken');
      return res.json() as View;
    };
    const routeOf = (v: View, location: string, action: string, bay: number | null) =>
      v.locations.find((l) => l.location === location)?.routes.find((r) => r.action === action && r.bay === bay)?.integration;

    beforeAll(async () => {
      rt = await startRuntime(engine, {
        CLUBOS_INTEGRATIONS: JSON.stringify({ locations: { Dartmouth: { agent: { baseUrl: 'http://127.0.0.1:9', secret: AGENT_SECRET } } }, slack: { webhookUrl: SLACK } }),
        CLUBOS_SIMULATOR_LOCATIONS: 'Dartmouth:DAR:2,Bedford:BED:2',
      });
      admin = await setupAdmin(rt);
      for (const [name, code] of [
        ['Dartmouth', 'DAR'],
        ['Halifax', 'HAL'],
      ] as const) {
        const created = await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name, code } });
        expect(created.statusCode, created.body).toBe(201);
        const bays = await rt.app.inject({ method: 'PUT', url: `/v1/locations/${name}/bays`, headers: admin.headers, payload: { bays: [{ number: 1 }, { number: 2 }] } });
        expect(bays.statusCode, bays.body).toBe(200);
      }
    });
    afterAll(async () => rt.dispose());

    it('names the integration for every action and bay: the agent where configured, the simulator as fallback, nothing where neither serves', async () => {
      const v = await view(admin);
      // Recorded locations, then those only the simulator models (Bedford, with its two bays).
      expect(v.locations.map((l) => l.location)).toEqual(['Dartmouth', 'Halifax', 'Bedford']);
      expect(routeOf(v, 'Bedford', 'reset_trackman', 2)).toBe('simulator');
      const dartmouth = v.locations.find((l) => l.location === 'Dartmouth')!;
      // Four bay actions for each of two bays, then the door, replies and team alerts for the location.
      expect(dartmouth.routes).toHaveLength(2 * 4 + 3);
      expect(routeOf(v, 'Dartmouth', 'reset_trackman', 1)).toBe('agent:Dartmouth');
      expect(routeOf(v, 'Dartmouth', 'projector_power_on', 2)).toBe('agent:Dartmouth');
      expect(routeOf(v, 'Dartmouth', 'unlock_door', null)).toBe('agent:Dartmouth');
      expect(routeOf(v, 'Dartmouth', 'sms_reply', null)).toBe('simulator:replies');
      expect(routeOf(v, 'Dartmouth', 'team_alert', null)).toBe('slack');
      // Halifax has no integration and the simulator does not model it: nothing would carry its actions out.
      expect(routeOf(v, 'Halifax', 'reset_trackman', 1)).toBeNull();
      expect(routeOf(v, 'Halifax', 'sms_reply', null)).toBeNull();
      expect(routeOf(v, 'Halifax', 'team_alert', null)).toBe('slack');
      expect(v.breakers).toEqual([]);
    });

    it('shows an open breaker once an integration has failed repeatedly', async () => {
      const breakers = breakerStore(rt.database.db);
      for (let i = 0; i < DEFAULT_BREAKER_POLICY.failureThreshold; i++) {
        await breakers.record('agent:Dartmouth', DEFAULT_BREAKER_POLICY, { outcome: 'timed_out', detail: 'no answer', reason: 'deadline' }, rt.clock.now());
      }
      await breakers.record('simulator:replies', DEFAULT_BREAKER_POLICY, { outcome: 'succeeded', detail: 'sent' }, rt.clock.now());
      const v = await view(admin);
      expect(v.breakers).toEqual([
        { integrationId: 'agent:Dartmouth', status: 'open', failures: 0, since: rt.clock.now().toISOString(), updatedAt: rt.clock.now().toISOString() },
        { integrationId: 'simulator:replies', status: 'closed', failures: 0, since: null, updatedAt: rt.clock.now().toISOString() },
      ]);
    });

    it('shows a supervisor only their locations, and refuses operators', async () => {
      const local = await createOperator(rt, admin, 'supervisor', undefined, ['Halifax']);
      const v = await view(local);
      expect(v.locations.map((l) => l.location)).toEqual(['Halifax']);
      // Halifax calls only Slack, which has no breaker row yet: none of the agent's trouble is shown.
      expect(v.breakers).toEqual([]);
      const operator = await createOperator(rt, admin, 'operator');
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/admin/integrations', headers: operator.headers }), 403);
    });
  });
}
