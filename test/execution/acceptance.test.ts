import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { answer, auditActions, read, submit } from '../pipeline/helpers.js';
import { AUTO_ON, auditBodies, executionsOf, outgoing, settle } from './helpers.js';

const HOUR = 3_600_000;
const trackman = (customer: string, bay: number) => ({ kind: 'message', channel: 'sms', from: customer, location: 'Dartmouth', text: `trackman frozen bay ${bay}` });

for (const engine of engines) {
  describe(`execution acceptance on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine, AUTO_ON);
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    const send = async (body: Record<string, unknown>) => {
      const { id } = await submit(rt, key, body);
      await settle(rt);
      return read(rt, operator, id);
    };

    it('an SMS "trackman frozen bay 3": the operator decides reset_trackman, the simulator executes it, the customer gets the reply', async () => {
      const e = await send(trackman('c-1001', 3));
      expect(e.decision).toMatchObject({ decision: null, tier: 'escalate', shadow: false });
      expect(await executionsOf(rt, operator, e.id)).toEqual([]);

      const res = await answer(rt, operator, e.id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } });
      expect(res.statusCode, res.body).toBe(201);
      await settle(rt);

      const [x] = await executionsOf(rt, operator, e.id);
      expect(x).toMatchObject({ decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 }, state: 'succeeded', origin: 'operator', tier: 'human', attempts: 1, outcome: { integration: 'simulator' } });
      const sent = rt.simulator.outbox().filter((m) => m.to === 'c-1001');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).toMatch(/TrackMan/);
      expect(await outgoing(rt, 'c-1001')).toEqual([sent[0]!.text]);
      expect(await auditActions(rt, x!.id)).toEqual(['decision.executed', 'action.outcome']);
      const one = await rt.app.inject({ method: 'GET', url: `/v1/executions/${x!.id}`, headers: operator.headers });
      expect(one.json()).toMatchObject({ id: x!.id, state: 'succeeded' });
    });

    it('after enough repeats the same text executes automatically, audited as approved by nobody (auto)', async () => {
      let automatic: string | null = null;
      for (let i = 0; i < 12 && automatic === null; i++) {
        rt.clock.advance(HOUR + 60_000); // past the reset guard's hour: each repeat is a fresh incident
        const e = await send(trackman(`c-20${String(i).padStart(2, '0')}`, 3));
        const rows = await executionsOf(rt, operator, e.id);
        if (rows.some((r) => r.origin === 'auto')) {
          automatic = e.id;
          break;
        }
        // A suggestion or a queue item: the operator approves it; nothing offered: the operator decides.
        const body = e.decision?.decision === 'reset_trackman' ? { kind: 'approve' } : { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } };
        expect((await answer(rt, operator, e.id, body)).statusCode).toBe(201);
        await settle(rt);
      }
      expect(automatic).not.toBeNull();
      const [x] = await executionsOf(rt, operator, automatic!);
      expect(x).toMatchObject({ decision: 'reset_trackman', origin: 'auto', tier: 'auto', state: 'succeeded', approvedBy: null });
      const executed = await auditBodies(rt, 'decision.executed');
      expect(executed.at(-1)).toMatchObject({ eventId: automatic, origin: 'auto', approvedBy: 'auto' });
      // It left the queue: nobody has to answer it.
      const queue = (await rt.app.inject({ method: 'GET', url: '/v1/queue', headers: operator.headers })).json() as { items: { eventId: string }[] };
      expect(queue.items.map((i) => i.eventId)).not.toContain(automatic);
      const metrics = (await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: operator.headers })).json() as { mode: string; live: { automated: number; interventionsSaved: number } };
      expect(metrics.mode).toBe('live');
      expect(metrics.live.automated).toBeGreaterThanOrEqual(1);
      expect(metrics.live.interventionsSaved).toBeGreaterThanOrEqual(1);
    });

    it('a veto after the automatic execution ran is a 409 problem and records nothing', async () => {
      const rows = (await rt.app.inject({ method: 'GET', url: '/v1/executions?state=succeeded', headers: operator.headers })).json() as { executions: { eventId: string; origin: string }[] };
      const ran = rows.executions.find((r) => r.origin === 'auto')!;
      const res = await answer(rt, operator, ran.eventId, { kind: 'veto', reason: 'too late' });
      expectProblem(res, 409);
      expect(res.json()).toMatchObject({ type: expect.stringContaining('execution-already-ran') });
      expect(await auditActions(rt, ran.eventId)).not.toContain('decision.vetoed');
    });

    it('an emergency text reaches a human at once with the safety reply, and nothing runs automatically on its thread', async () => {
      const e = await send({ kind: 'message', channel: 'sms', from: 'c-3001', location: 'Dartmouth', text: 'there is smoke coming from bay 2 projector, fire!' });
      expect(e.decision).toMatchObject({ decision: 'escalate_emergency', tier: 'escalate', emergency: true, automationPaused: true });
      const sent = rt.simulator.outbox().filter((m) => m.to === 'c-3001');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).toMatch(/911/);
      expect(await executionsOf(rt, operator, e.id)).toEqual([]);
      // The same customer's next message joins the paused thread: even a confident reset does not run by itself.
      const next = await send(trackman('c-3001', 2));
      const rows = await executionsOf(rt, operator, next.id);
      expect(rows.filter((r) => ['running', 'succeeded', 'unconfirmed'].includes(r.state))).toEqual([]);
      expect(rt.simulator.outbox().filter((m) => m.to === 'c-3001')).toHaveLength(1);
    });
  });

  describe(`guards at execution time on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine, AUTO_ON);
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    const decideReset = async (customer: string) => {
      const { id } = await submit(rt, key, trackman(customer, 4));
      await settle(rt);
      expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 4 } })).statusCode).toBe(201);
      await settle(rt);
      return (await executionsOf(rt, operator, id))[0]!;
    };

    it('the guard stops a third TrackMan reset of a bay within an hour, even when an operator decides it', async () => {
      expect((await decideReset('c-4001')).state).toBe('succeeded');
      rt.clock.advance(10 * 60_000);
      expect((await decideReset('c-4002')).state).toBe('succeeded');
      rt.clock.advance(10 * 60_000);
      const third = await decideReset('c-4003');
      expect(third).toMatchObject({ state: 'cancelled', cancelReason: 'reset_limit' });
      expect(rt.simulator.outbox().filter((m) => m.to === 'c-4003')).toEqual([]);
      expect(await auditActions(rt, third.id)).toEqual(['action.outcome']);
      rt.clock.advance(45 * 60_000); // the first reset left the hour
      expect((await decideReset('c-4004')).state).toBe('succeeded');
    });

    it('a kill switch on the location stops execution until an admin clears it (audited)', async () => {
      const admin = await setupAdminAgain(rt);
      const put = await rt.app.inject({ method: 'PUT', url: '/v1/admin/kill-switches/location/Dartmouth', headers: admin.headers, payload: { reason: 'maintenance' } });
      expect(put.statusCode, put.body).toBe(200);
      rt.clock.advance(2 * HOUR);
      expect(await decideReset('c-5001')).toMatchObject({ state: 'cancelled', cancelReason: 'kill_switch_location' });
      const list = (await rt.app.inject({ method: 'GET', url: '/v1/admin/kill-switches', headers: admin.headers })).json() as { killSwitches: { kind: string; name: string }[] };
      expect(list.killSwitches).toEqual([expect.objectContaining({ kind: 'location', name: 'dartmouth' })]);
      expectProblem(await rt.app.inject({ method: 'PUT', url: '/v1/admin/kill-switches/location/Dartmouth', headers: operator.headers, payload: {} }), 403);
      expectProblem(await rt.app.inject({ method: 'PUT', url: '/v1/admin/kill-switches/planet/Mars', headers: admin.headers, payload: {} }), 400);
      expect((await rt.app.inject({ method: 'DELETE', url: '/v1/admin/kill-switches/location/Dartmouth', headers: admin.headers })).statusCode).toBe(204);
      expectProblem(await rt.app.inject({ method: 'DELETE', url: '/v1/admin/kill-switches/location/Dartmouth', headers: admin.headers }), 404);
      expect((await auditBodies(rt, 'killswitch.changed')).map((b) => b.on)).toEqual([true, false]);
      expect((await decideReset('c-5002')).state).toBe('succeeded');
    });

    it('an unlock without a booking is refused and the booking link is sent instead; inside the booking window it opens, a third time goes to a human', async () => {
      rt.clock.advance(2 * HOUR);
      const door = (customer: string) => ({ kind: 'message', channel: 'sms', from: customer, location: 'Dartmouth', text: 'the door is locked, cant get in' });
      const { id } = await submit(rt, key, door('c-6001'));
      await settle(rt);
      expect((await answer(rt, operator, id, { kind: 'decide', decision: 'unlock_door', params: { location: 'Dartmouth' } })).statusCode).toBe(201);
      await settle(rt);
      const rows = (await executionsOf(rt, operator, id)).map((x) => [x.decision, x.state, x.cancelReason]);
      expect(rows.sort()).toEqual([
        ['send_booking_link', 'succeeded', null],
        ['unlock_door', 'cancelled', 'no_valid_booking'],
      ]);
      const sent = rt.simulator.outbox().filter((m) => m.to === 'c-6001');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).toMatch(/book a bay at Dartmouth/);
      expect(await outgoing(rt, 'c-6001')).toEqual([sent[0]!.text]);

      const platform = await createKey(rt, await setupAdminAgain(rt), ['bookings:write']);
      const starts = new Date(rt.clock.now().getTime() + 10 * 60_000);
      const booked = await rt.app.inject({
        method: 'POST',
        url: '/v1/bookings',
        headers: platform.headers,
        payload: { id: 'bk-e2e-1', location: 'Dartmouth', bay: 2, customer: 'c-6002', starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 3 * HOUR).toISOString() },
      });
      expect(booked.statusCode, booked.body).toBeLessThan(300);
      const first = await submit(rt, key, door('c-6002'));
      await settle(rt);
      expect((await answer(rt, operator, first.id, { kind: 'decide', decision: 'unlock_door', params: { location: 'Dartmouth' } })).statusCode).toBe(201);
      await settle(rt);
      expect((await executionsOf(rt, operator, first.id)).map((x) => x.state)).toEqual(['succeeded']);
      expect(rt.simulator.outbox().filter((m) => m.to === 'c-6002').map((m) => m.text)).toEqual([expect.stringMatching(/door is unlocked/)]);
      // "Still locked": a second unlock for the booking runs; a third goes to a human (DOMAIN.md).
      const unlockAgain = async () => {
        rt.clock.advance(20 * 60_000);
        const again = await submit(rt, key, { ...door('c-6002'), text: `still locked ${rt.clock.now().getTime()}` });
        await settle(rt);
        expect((await answer(rt, operator, again.id, { kind: 'decide', decision: 'unlock_door', params: { location: 'Dartmouth' } })).statusCode).toBe(201);
        await settle(rt);
        return (await executionsOf(rt, operator, again.id)).map((x) => [x.state, x.cancelReason]);
      };
      expect(await unlockAgain()).toEqual([['succeeded', null]]);
      expect(await unlockAgain()).toEqual([['cancelled', 'unlock_cap']]);
    });

    it('a ticket decision opens a ticket through the ticket desk', async () => {
      const { id } = await submit(rt, key, { kind: 'message', channel: 'sms', from: 'c-7001', location: 'Dartmouth', text: 'the toilet in the hallway is leaking' });
      await settle(rt);
      expect((await answer(rt, operator, id, { kind: 'decide', decision: 'create_facilities_ticket', params: { location: 'Dartmouth', category: 'plumbing' } })).statusCode).toBe(201);
      await settle(rt);
      const [x] = await executionsOf(rt, operator, id);
      expect(x).toMatchObject({ state: 'succeeded', outcome: { integration: 'tickets' } });
      const tickets = await sql<{ kind: string; event_id: string }>`select kind, event_id from tickets where event_id = ${id}`.execute(rt.database.db);
      expect(tickets.rows).toEqual([{ kind: 'facilities', event_id: id }]);
    });

    it('refuses bad filters with a problem and hides other locations', async () => {
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/executions?state=exploded', headers: operator.headers }), 400);
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/executions/00000000-0000-4000-8000-000000000000', headers: operator.headers }), 404);
    });
  });
}

// The admin session of the guards suite is created once per runtime; a second login reuses the setup admin.
async function setupAdminAgain(rt: TestRuntime): Promise<OperatorSession> {
  const { login, ADMIN } = await import('../support/auth.js');
  return login(rt, ADMIN.username, ADMIN.password);
}
