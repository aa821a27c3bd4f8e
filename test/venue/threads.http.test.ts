import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type CreatedKey, type OperatorSession, createKey, createOperator, login, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { auditRows } from './helpers.js';

const MIN = 60_000;

interface ThreadBody {
  thread: { id: string; state: string; automationPaused: boolean; customer: string; location: string | null; bay: number | null; mergedInto: string | null };
  messages: { direction: string; text: string; eventId: string | null; channel: string }[];
  events: { id: string; kind: string; decision: unknown }[];
}

for (const engine of engines) {
  describe(`threads over HTTP on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let key: CreatedKey;
    let n = 0;

    const send = async (body: Record<string, unknown>) => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: key.headers, payload: { kind: 'message', channel: 'sms', location: 'Dartmouth', ...body } });
      expect(res.statusCode, res.body).toBe(202);
      return (res.json() as { id: string }).id;
    };
    const threadsOf = async (customer: string, as: OperatorSession = operator) => {
      const res = await rt.app.inject({ method: 'GET', url: '/v1/threads?limit=200', headers: as.headers });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { threads: ThreadBody['thread'][] }).threads.filter((t) => t.customer === customer);
    };
    const read = async (id: string, as: OperatorSession = operator) => {
      const res = await rt.app.inject({ method: 'GET', url: `/v1/threads/${id}`, headers: as.headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as ThreadBody;
    };
    const customer = () => `+1555010${String(1000 + n++)}`;

    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    it('a customer message opens a thread holding the text verbatim; a device event opens none', async () => {
      const c = customer();
      const text = '  TrackMan frozen in bay 3!!  <b>help</b> ';
      const eventId = await send({ from: c, text });
      const [t, ...others] = await threadsOf(c);
      expect(others).toEqual([]);
      expect(t).toMatchObject({ state: 'open', automationPaused: false, location: 'Dartmouth', bay: 3 });
      const body = await read(t!.id);
      expect(body.messages).toEqual([{ direction: 'in', text, eventId, channel: 'sms', executionId: null, operatorId: null, at: rt.clock.now().toISOString() }]);
      expect(body.events.map((e) => e.id)).toEqual([eventId]);
      expect(await rt.venue.threads.ofEvent(eventId)).toMatchObject({ id: t!.id, state: 'open', customer: c, automationPaused: false });

      const device = await send({ kind: 'device_event', channel: 'device', from: 'DAR-B3-TPS', text: 'TrackMan service not responding' });
      expect(await rt.venue.threads.ofEvent(device)).toBeNull();
      expect(await threadsOf('DAR-B3-TPS')).toEqual([]);
    });

    it('publishes event.received and thread.updated on the live feed, with ids and states only', async () => {
      const seen: { topic: string; location: string | null; data: Record<string, unknown> }[] = [];
      // The decision stage publishes too (decision.proposed, asynchronously): this test is about intake's messages.
      const stop = rt.feed.subscribe((m) => (m.topic === 'event.received' || m.topic === 'thread.updated' ? seen.push(m) : undefined));
      const c = customer();
      const eventId = await send({ from: c, text: 'my card was charged twice' });
      stop();
      const thread = await rt.venue.threads.ofEvent(eventId);
      expect(seen).toEqual([
        { topic: 'event.received', location: 'Dartmouth', data: { eventId, kind: 'message' } },
        { topic: 'thread.updated', location: 'Dartmouth', data: { threadId: thread!.id, state: 'open', automationPaused: false } },
      ]);
    });

    it('the ports execution uses: an outgoing message and a transition reach the thread, the feed and (escalation) the audit', async () => {
      const c = customer();
      const eventId = await send({ from: c, text: 'door code not working' });
      const t = (await rt.venue.threads.ofEvent(eventId))!;
      const seen: string[] = [];
      const stop = rt.feed.subscribe((m) => (m.topic === 'thread.updated' ? seen.push(`${m.topic}:${m.data.state}`) : undefined));
      await rt.venue.threads.recordOutgoing(t.id, { text: 'You can book a bay here: https://book.example.com', channel: 'sms', executionId: 'ex-1', operatorId: null, at: rt.clock.now() });
      expect(await rt.venue.threads.transition(t.id, 'awaiting_operator', rt.clock.now())).toBe(true);
      expect(await rt.venue.threads.transition(t.id, 'escalated', rt.clock.now())).toBe(true);
      expect(await rt.venue.threads.transition(t.id, 'awaiting_system', rt.clock.now())).toBe(false);
      stop();
      expect(seen).toEqual(['thread.updated:open', 'thread.updated:awaiting_operator', 'thread.updated:escalated']);
      expect(await rt.venue.threads.ofEvent(eventId)).toMatchObject({ state: 'escalated', automationPaused: true });
      expect((await read(t.id)).messages.map((m) => [m.direction, m.text])).toEqual([
        ['in', 'door code not working'],
        ['out', 'You can book a bay here: https://book.example.com'],
      ]);
      expect((await auditRows(rt, { resourceId: t.id })).map((a) => [a.action, a.actor_id])).toEqual([['thread.escalated', 'execution']]);
    });

    it('a repeat within 30 minutes joins the thread; after 30 quiet minutes a new thread opens', async () => {
      const c = customer();
      await send({ from: c, text: 'trackman frozen bay 2' });
      rt.clock.advance(10 * MIN);
      await send({ from: c, text: 'still frozen, please reset it' });
      const [t] = await threadsOf(c);
      expect((await threadsOf(c)).length).toBe(1);
      expect((await read(t!.id)).messages.map((m) => m.text)).toEqual(['trackman frozen bay 2', 'still frozen, please reset it']);

      rt.clock.advance(31 * MIN);
      await send({ from: c, text: 'trackman frozen bay 2' });
      const after = await threadsOf(c);
      expect(after.length).toBe(2);
      expect(after[0]!.id).not.toBe(t!.id);
    });

    it('messages of one customer arriving at once share one thread (per-customer lock)', async () => {
      const c = customer();
      const ids = await Promise.all(['bay 2 frozen', 'trackman stuck', 'help it is frozen', 'still nothing', 'hello?'].map((text) => send({ from: c, text })));
      const list = await threadsOf(c);
      expect(list.length).toBe(1);
      expect((await read(list[0]!.id)).events.map((e) => e.id).sort()).toEqual([...ids].sort());
    });

    it('a message about another bay of the same customer opens its own thread', async () => {
      const c = customer();
      await send({ from: c, text: 'projector off in bay 1' });
      await send({ from: c, text: 'and bay 4 has no ball tracking' });
      const list = await threadsOf(c);
      expect(list.map((t) => t.bay).sort()).toEqual([1, 4]);
    });

    it('an emergency text escalates the thread and pauses automation on it, audited', async () => {
      const c = customer();
      await send({ from: c, text: 'screen is flickering in bay 2' });
      const eventId = await send({ from: c, text: 'there is smoke coming out of the projector, my friend is bleeding' });
      const [t] = await threadsOf(c);
      expect(t).toMatchObject({ state: 'escalated', automationPaused: true });
      expect(await rt.venue.threads.ofEvent(eventId)).toMatchObject({ state: 'escalated', automationPaused: true });
      await rt.venue.settled();
      const entries = await auditRows(rt, { resourceId: t!.id });
      expect(entries.map((e) => [e.action, e.actor_id])).toEqual([['thread.escalated', 'emergency_fast_path']]);
    });

    it('operators resolve and escalate threads; a closed thread refuses further moves with a 409 problem', async () => {
      const c = customer();
      await send({ from: c, text: 'no balls in bay 1' });
      const [t] = await threadsOf(c);
      const esc = await rt.app.inject({ method: 'POST', url: `/v1/threads/${t!.id}/escalate`, headers: operator.headers, payload: { reason: 'needs a look on site' } });
      expect(esc.statusCode, esc.body).toBe(200);
      expect(esc.json()).toMatchObject({ thread: { state: 'escalated', automationPaused: true } });
      const res = await rt.app.inject({ method: 'POST', url: `/v1/threads/${t!.id}/resolve`, headers: operator.headers, payload: {} });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ thread: { state: 'resolved' } });
      expectProblem(await rt.app.inject({ method: 'POST', url: `/v1/threads/${t!.id}/escalate`, headers: operator.headers, payload: {} }), 409);
      const actions = (await auditRows(rt, { resourceId: t!.id })).map((e) => e.action);
      expect(actions).toEqual(['thread.escalated', 'thread.resolved']);
      // A message after resolution is a new issue.
      await send({ from: c, text: 'no balls in bay 1' });
      expect((await threadsOf(c)).map((x) => x.state).sort()).toEqual(['open', 'resolved']);
    });

    it('an operator of another location sees neither the thread nor its detail', async () => {
      const c = customer();
      await send({ from: c, text: 'tv has no signal bay 2' });
      const [t] = await threadsOf(c);
      const bedford = await createOperator(rt, admin, 'operator', undefined, ['Bedford']);
      expect(await threadsOf(c, bedford)).toEqual([]);
      expectProblem(await rt.app.inject({ method: 'GET', url: `/v1/threads/${t!.id}`, headers: bedford.headers }), 404);
      expectProblem(await rt.app.inject({ method: 'POST', url: `/v1/threads/${t!.id}/resolve`, headers: bedford.headers, payload: {} }), 404);
      const dartmouth = await createOperator(rt, admin, 'viewer', undefined, ['Dartmouth']);
      expect((await threadsOf(c, dartmouth)).map((x) => x.id)).toEqual([t!.id]);
    });

    it('an operator reply goes out through the default (simulated) sender and is stored; a thread without a location has no line to reply from', async () => {
      const c = customer();
      await send({ from: c, text: 'what are your hours' });
      const [t] = await threadsOf(c);
      const res = await rt.app.inject({ method: 'POST', url: `/v1/threads/${t!.id}/reply`, headers: operator.headers, payload: { text: 'We are open 24/7.' } });
      expect(res.statusCode, res.body).toBe(201);
      expect(rt.simulator.outbox().filter((m) => m.to === c).map((m) => [m.location, m.channel, m.text])).toEqual([['Dartmouth', 'sms', 'We are open 24/7.']]);
      expect((await read(t!.id)).messages.map((m) => [m.direction, m.text])).toEqual([
        ['in', 'what are your hours'],
        ['out', 'We are open 24/7.'],
      ]);

      const nowhere = customer();
      await send({ from: nowhere, location: null, text: 'hello?' });
      const [u] = await threadsOf(nowhere);
      expectProblem(await rt.app.inject({ method: 'POST', url: `/v1/threads/${u!.id}/reply`, headers: operator.headers, payload: { text: 'Hi!' } }), 503);
      expect((await read(u!.id)).messages.map((m) => m.direction)).toEqual(['in']);
    });

    it('bad input is a 4xx problem: unknown state, bad id, unknown body field, viewer replying', async () => {
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/threads?state=closed', headers: operator.headers }), 400);
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/threads/not-a-uuid', headers: operator.headers }), 400);
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/threads/00000000-0000-4000-8000-000000000000', headers: operator.headers }), 404);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/threads/00000000-0000-4000-8000-000000000000/resolve', headers: operator.headers, payload: { force: true } }), 400);
      const viewer = await createOperator(rt, admin, 'viewer');
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/threads/00000000-0000-4000-8000-000000000000/reply', headers: viewer.headers, payload: { text: 'hi' } }), 403);
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/threads', headers: key.headers }), 403);
    });

    it('the inactivity sweep times out quiet live threads but leaves escalated ones to a human', async () => {
      const quiet = customer();
      const urgent = customer();
      await send({ from: quiet, text: 'where do I park' });
      await send({ from: urgent, text: 'someone collapsed and is not breathing' });
      rt.clock.advance(13 * 60 * MIN);
      await rt.scheduler.runAll();
      const again = await login(rt, ADMIN.username, ADMIN.password); // sessions idle out after 12 h too
      expect((await threadsOf(quiet, again))[0]).toMatchObject({ state: 'timeout' });
      expect((await threadsOf(urgent, again))[0]).toMatchObject({ state: 'escalated' });
    });
  });
}
