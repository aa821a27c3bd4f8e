import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeyOf } from '../../src/execution/executor.js';
import { answer, auditActions, submit } from '../pipeline/helpers.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { AUTO_ON, auditBodies, executionsOf, outgoing, settle } from './helpers.js';

const HOUR = 3_600_000;

for (const engine of engines) {
  describe(`execution paths on ${engine.name} (venue simulator)`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let key: CreatedKey;
    let n = 0;

    beforeAll(async () => {
      rt = await startRuntime(engine, { ...AUTO_ON, SECURITY_RATE_LIMIT_MAX: '100000' });
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    const event = async (body: Record<string, unknown>) => {
      const { id } = await submit(rt, key, { kind: 'message', channel: 'sms', from: `c-9${String(n++).padStart(3, '0')}`, location: 'Dartmouth', ...body });
      await settle(rt);
      return id;
    };
    const decide = async (id: string, decision: string, params: Record<string, unknown>) => {
      const res = await answer(rt, operator, id, { kind: 'decide', decision, params });
      expect(res.statusCode, res.body).toBe(201);
      await settle(rt);
      return executionsOf(rt, operator, id);
    };
    /** The engine's stored proposal for the event, handed to the execution stage as `decision` at `tier`. */
    const proposalOf = async (id: string, decision: string, params: Record<string, unknown>, tier: 'auto' | 'suggest') => {
      const item = (await rt.decisions.queue(null, 200)).find((i) => i.event.id === id)!;
      return { ...item.proposal, decision, patternKey: decision, params, tier };
    };

    it('an operator decision without a location runs at the location of the event', async () => {
      const id = await event({ text: 'trackman frozen bay 2' });
      const rows = await decide(id, 'reset_trackman', { bay: 2 });
      expect(rows).toEqual([expect.objectContaining({ params: { bay: 2, location: 'Dartmouth' }, state: 'succeeded' })]);
    });

    it('a reply to a device event has nobody to go to: the execution fails as rejected and nothing is sent', async () => {
      const { id } = await submit(rt, key, { kind: 'device_event', channel: 'device', from: 'DAR-BAY1-TM', location: 'Dartmouth', text: 'TrackMan offline bay 1' });
      await settle(rt);
      const sent = rt.simulator.outbox().length;
      const rows = await decide(id, 'send_booking_link', { location: 'Dartmouth' });
      expect(rows).toEqual([expect.objectContaining({ state: 'failed', outcome: expect.objectContaining({ reason: 'rejected', detail: 'the event is not a customer message: nobody to reply to' }) })]);
      expect(rt.simulator.outbox()).toHaveLength(sent);
    });

    it('at a location no integration serves, device commands and replies fail as not configured (nothing is sent)', async () => {
      const id = await event({ location: 'Halifax', text: 'trackman frozen bay 1' });
      const device = await decide(id, 'reset_trackman', { location: 'Halifax', bay: 1 });
      expect(device).toEqual([expect.objectContaining({ state: 'failed', outcome: expect.objectContaining({ reason: 'not_configured', detail: 'no integration runs reset_trackman at Halifax', integration: null }) })]);
      const other = await event({ location: 'Halifax', text: 'what time do you open' });
      const reply = await decide(other, 'reply_faq_hours', { location: 'Halifax' });
      expect(reply).toEqual([expect.objectContaining({ state: 'failed', outcome: expect.objectContaining({ reason: 'not_configured', detail: 'no sms sender for Halifax' }) })]);
      expect(rt.simulator.outbox().filter((m) => m.location === 'Halifax')).toEqual([]);
    });

    it('a proposal handed over twice (a redelivery) creates one suggestion, audited once, and one automatic execution that runs once', async () => {
      rt.clock.advance(2 * HOUR);
      const suggested = await event({ text: 'trackman frozen bay 4' });
      const p = await proposalOf(suggested, 'reset_trackman', { location: 'Dartmouth', bay: 4 }, 'suggest');
      await rt.executor.proposed(p);
      await rt.executor.proposed(p);
      const rows = await executionsOf(rt, operator, suggested);
      expect(rows.map((r) => [r.state, r.origin])).toEqual([['scheduled', 'suggestion']]);
      expect(await auditActions(rt, rows[0]!.id)).toEqual(['suggestion.scheduled']);

      const auto = await event({ text: 'trackman frozen bay 1' });
      const q = await proposalOf(auto, 'reset_trackman', { location: 'Dartmouth', bay: 1 }, 'auto');
      await Promise.all([rt.executor.proposed(q), rt.executor.proposed(q)]);
      await settle(rt);
      expect((await executionsOf(rt, operator, auto)).map((r) => [r.state, r.origin, r.attempts])).toEqual([['succeeded', 'auto', 1]]);
    });

    it('an operator who decides otherwise after an automatic execution counts as a false positive in the live figures', async () => {
      rt.clock.advance(2 * HOUR);
      // Whatever was due by now (the suggestion above) runs first, so the figures below move only by this event.
      await rt.executor.runDue();
      await settle(rt);
      const before = (await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: admin.headers })).json() as { live: { falsePositiveRate: number; interventionsSaved: number } };
      const id = await event({ text: 'trackman frozen bay 3' });
      await rt.executor.proposed(await proposalOf(id, 'reset_trackman', { location: 'Dartmouth', bay: 3 }, 'auto'));
      await settle(rt);
      rt.clock.advance(60_000);
      const rows = await decide(id, 'reboot_bay_pc', { location: 'Dartmouth', bay: 3 });
      expect(rows.map((r) => [r.decision, r.origin, r.state])).toEqual([
        ['reset_trackman', 'auto', 'succeeded'],
        ['reboot_bay_pc', 'operator', 'succeeded'],
      ]);
      const after = (await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: admin.headers })).json() as { live: { falsePositiveRate: number; interventionsSaved: number } };
      expect(after.live.interventionsSaved).toBe(before.live.interventionsSaved);
      expect(after.live.falsePositiveRate).toBeGreaterThan(before.live.falsePositiveRate);
    });

    it('an operator limited to Bedford sees only Bedford executions and figures; one limited to no location sees none', async () => {
      const bedford = await createOperator(rt, admin, 'operator', 'bedford_only', ['Bedford']);
      const nowhere = await createOperator(rt, admin, 'operator', 'no_location', []);
      const { id } = await submit(rt, key, { kind: 'message', channel: 'sms', from: 'c-8001', location: 'Bedford', text: 'trackman frozen bay 1' });
      await settle(rt);
      await decide(id, 'reset_trackman', { location: 'Bedford', bay: 1 });
      const seen = async (who: OperatorSession) => {
        const res = await rt.app.inject({ method: 'GET', url: '/v1/executions?limit=200', headers: who.headers });
        expect(res.statusCode, res.body).toBe(200);
        return (res.json() as { executions: { location: string | null }[] }).executions.map((x) => x.location);
      };
      const figures = async (who: OperatorSession) => ((await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: who.headers })).json() as { live: { executions: number } }).live.executions;
      expect(await seen(bedford)).toEqual(['Bedford']);
      expect(await figures(bedford)).toBe(1);
      expect(await seen(nowhere)).toEqual([]);
      expect(await figures(nowhere)).toBe(0);
      expect((await seen(admin)).length).toBeGreaterThan(1);
      const filtered = await rt.app.inject({ method: 'GET', url: '/v1/executions?location=bedford&limit=200', headers: admin.headers });
      expect((filtered.json() as { executions: { location: string | null }[] }).executions.map((x) => x.location)).toEqual(['Bedford']);
    });

    it('a row whose decision left the catalogue (written by an older version) is cancelled as not executable and audited', async () => {
      const id = await event({ text: 'please polish the clubs in bay 2' });
      const now = rt.clock.now();
      const params = { location: 'Dartmouth', bay: 2 };
      const { record } = await rt.executions.create({ id: randomUUID(), eventId: id, patternKey: 'polish_clubs', decision: 'polish_clubs', params, idempotencyKey: idempotencyKeyOf(id, 'polish_clubs', params), tier: 'human', origin: 'operator', state: 'pending', runAt: now, approvedBy: operator.operatorId, at: now });
      await rt.executor.runDue();
      expect(await rt.executions.byId(record.id)).toMatchObject({ state: 'cancelled', cancelReason: 'not_executable', cancelledBy: 'system' });
      expect((await auditBodies(rt, 'action.outcome')).at(-1)).toEqual({ eventId: id, decision: 'polish_clubs', state: 'cancelled', reason: 'not_executable', origin: 'operator' });
    });

    it('work claimed by an instance that died: an idempotent reset is retried, a reboot becomes unconfirmed and goes to a human', async () => {
      rt.clock.advance(2 * HOUR);
      const resetEvent = await event({ text: 'trackman frozen bay 1' });
      const rebootEvent = await event({ text: 'the computer in bay 2 froze' });
      const now = rt.clock.now();
      const row = (eventId: string, decision: string, bay: number) => {
        const params = { location: 'Dartmouth', bay };
        return { id: randomUUID(), eventId, patternKey: decision, decision, params, idempotencyKey: idempotencyKeyOf(eventId, decision, params), tier: 'human' as const, origin: 'operator' as const, state: 'pending' as const, runAt: now, approvedBy: operator.operatorId, at: now };
      };
      const reset = (await rt.executions.create(row(resetEvent, 'reset_trackman', 1))).record;
      const reboot = (await rt.executions.create(row(rebootEvent, 'reboot_bay_pc', 2))).record;
      // Another instance claims both, then dies before it records anything.
      expect((await rt.executions.claimDue(now, 'dead-instance', 60_000, 10)).map((r) => r.id).sort()).toEqual([reset.id, reboot.id].sort());
      await rt.executor.runDue();
      expect((await rt.executions.byId(reset.id))?.state).toBe('running');

      rt.clock.advance(61_000);
      await rt.executor.runDue();
      await settle(rt);
      expect(await rt.executions.byId(reset.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
      expect(await rt.executions.byId(reboot.id)).toMatchObject({ state: 'unconfirmed', attempts: 1, outcomeReason: 'lease_expired', outcomeDetail: 'lease expired: the instance running it stopped; the effect is unknown', finishedAt: rt.clock.now() });
      expect(await auditActions(rt, reboot.id)).toEqual(['action.outcome']);
      expect((await auditBodies(rt, 'action.outcome')).filter((b) => b.eventId === rebootEvent)).toEqual([{ eventId: rebootEvent, decision: 'reboot_bay_pc', state: 'unconfirmed', reason: 'lease_expired', attempts: 1 }]);
      expect(await rt.venue.threads.ofEvent(rebootEvent)).toMatchObject({ state: 'escalated' });
      // The reboot never reached the venue; the reset did, once, and the customer was told.
      expect(await outgoing(rt, (await rt.venue.threads.ofEvent(resetEvent))!.customer)).toEqual([expect.stringMatching(/restarted TrackMan in bay 1/)]);
    });
  });
}
