import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVenueIntegrations } from '../../src/integrations/registry.js';
import { Secret } from '../../src/integrations/secret.js';
import type { Runtime } from '../../src/main.js';
import { type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { fuzzBody, fuzzHeaders, fuzzString, sendableHeaders } from '../support/fuzz.js';
import { expectProblem } from '../support/problems.js';
import type { TestRuntime } from '../support/runtime.js';
import type { FakeServer } from '../integrations/fakes/fakeHttp.js';
import { messageReceived, openPhoneSignature, startFakeOpenPhone } from '../integrations/fakes/fakeOpenPhone.js';
import { auditRows, secondInstance, startVenueRuntime } from './helpers.js';

const KEY_B64 = Buffer.from('openphone-webhook-key-for-tests!').toString('base64');
const ENV = { OPENPHONE_WEBHOOK_SECRET: KEY_B64 };
const LINE = '+19025550100'; // the `to` of messageReceived
const CUSTOMER = '+19025550123'; // its `from`

interface ThreadList {
  threads: { id: string; customer: string; location: string | null; state: string; automationPaused: boolean }[];
}

for (const engine of engines) {
  describe(`OpenPhone webhook and operator replies on ${engine.name}`, () => {
    let rt: TestRuntime;
    let other: Runtime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let openPhone: FakeServer;
    let n = 0;

    const deliver = (target: Runtime, eventId: string, text: string, opts: { at?: number; key?: string; body?: string } = {}) => {
      const body = opts.body ?? messageReceived(eventId, text);
      return target.app.inject({
        method: 'POST',
        url: '/v1/webhooks/openphone',
        headers: { 'content-type': 'application/json', 'openphone-signature': openPhoneSignature(body, opts.key ?? KEY_B64, opts.at ?? rt.clock.now().getTime()) },
        payload: body,
      });
    };
    const eventCount = async () => Number((await rt.database.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const threadsOf = async (as: OperatorSession) =>
      ((await rt.app.inject({ method: 'GET', url: '/v1/threads?limit=200', headers: as.headers })).json() as ThreadList).threads.filter((t) => t.customer === CUSTOMER);

    beforeAll(async () => {
      openPhone = await startFakeOpenPhone('op-api-key', LINE);
      const integrations = createVenueIntegrations({ locations: { Dartmouth: { openPhone: { id: 'openphone:Dartmouth', baseUrl: openPhone.url, apiKey: new Secret('op-api-key'), from: LINE } } } });
      rt = await startVenueRuntime(engine, ENV, { integrations });
      other = await secondInstance(rt, ENV);
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator', undefined, ['Dartmouth']);
      const res = await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name: 'Dartmouth', code: 'DAR', openphoneNumber: LINE } });
      expect(res.statusCode, res.body).toBe(201);
    });
    afterAll(async () => {
      await other.close();
      await rt.dispose();
      await openPhone.close();
    });

    it('accepts a signed inbound SMS once: it becomes an event at the line\'s location, threaded and decided', async () => {
      const before = await eventCount();
      const res = await deliver(rt, `EV${n++}`, 'trackman frozen bay 3');
      expect(res.statusCode, res.body).toBe(202);
      const { id } = res.json() as { id: string };
      expect(await eventCount()).toBe(before + 1);
      await rt.decisions.handle.settled();
      const event = await rt.app.inject({ method: 'GET', url: `/v1/events/${id}`, headers: operator.headers });
      expect(event.json()).toMatchObject({ kind: 'message', channel: 'sms', from: CUSTOMER, location: 'Dartmouth', text: 'trackman frozen bay 3', status: 'decided' });
      expect(await rt.venue.threads.ofEvent(id)).toMatchObject({ customer: CUSTOMER, location: 'Dartmouth', state: 'open' });
    });

    it('refuses a replay of the same delivery, on this instance and on another one sharing the database', async () => {
      const eventId = `EV${n++}`;
      expect((await deliver(rt, eventId, 'is the bar open')).statusCode).toBe(202);
      const count = await eventCount();
      expectProblem(await deliver(rt, eventId, 'is the bar open'), 409);
      expectProblem(await deliver(other, eventId, 'is the bar open'), 409);
      expect(await eventCount()).toBe(count);
      // And the other way round: first seen by the second instance.
      const second = `EV${n++}`;
      expect((await deliver(other, second, 'hello?')).statusCode).toBe(202);
      expectProblem(await deliver(rt, second, 'hello?'), 409);
    });

    it('refuses a bad signature (401 problem), a stale timestamp and a missing header, storing nothing', async () => {
      const count = await eventCount();
      const wrong = Buffer.from('not-the-openphone-signing-key!!!').toString('base64');
      expect(expectProblem(await deliver(rt, `EV${n++}`, 'x', { key: wrong }), 401).reason).toBe('bad_signature');
      expect(expectProblem(await deliver(rt, `EV${n++}`, 'x', { at: rt.clock.now().getTime() - 6 * 60_000 }), 401).reason).toBe('stale');
      const body = messageReceived(`EV${n++}`, 'x');
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/webhooks/openphone', headers: { 'content-type': 'application/json' }, payload: body }), 401);
      // A signed body that is not a message event is acknowledged and ignored.
      const call = JSON.stringify({ id: `EV${n++}`, type: 'call.completed', data: { object: {} } });
      const ignored = await deliver(rt, 'unused', '', { body: call });
      expect(ignored.statusCode).toBe(200);
      expect(ignored.json()).toEqual({ status: 'ignored', type: 'call.completed' });
      expect(await eventCount()).toBe(count);
    });

    it('is absent (404) on an instance without a signing secret', async () => {
      const bare = await secondInstance(rt);
      try {
        expectProblem(await deliver(bare, `EV${n++}`, 'x'), 404);
      } finally {
        await bare.close();
      }
    });

    it('never answers 5xx to random bodies, headers and signatures, and stores nothing unsigned (property)', async () => {
      const count = await eventCount();
      await fc.assert(
        fc.asyncProperty(fuzzBody, fuzzHeaders, fc.option(fuzzString, { nil: undefined }), async (body, headers, signature) => {
          const res = await rt.app.inject({
            method: 'POST',
            url: '/v1/webhooks/openphone',
            // Its own address: the fuzz earns bans that must not reach the other tests' client.
            remoteAddress: '198.51.100.77',
            headers: { ...sendableHeaders(headers as Record<string, string>), 'content-type': body.type, ...(signature !== undefined ? { 'openphone-signature': signature } : {}) },
            payload: body.payload,
          });
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
          expectProblem(res);
        }),
        { numRuns: 150 },
      );
      expect(await eventCount()).toBe(count);
    });

    it('an operator replies on the thread: sent through OpenPhone, stored as an outgoing message, audited without the phone or text', async () => {
      const [t] = await threadsOf(operator);
      const sent = openPhone.requests.length;
      const res = await rt.app.inject({ method: 'POST', url: `/v1/threads/${t!.id}/reply`, headers: operator.headers, payload: { text: 'Resetting bay 3 now, one minute please.' } });
      expect(res.statusCode, res.body).toBe(201);
      expect(openPhone.requests.length).toBe(sent + 1);
      expect(JSON.parse(openPhone.requests.at(-1)!.body)).toEqual({ content: 'Resetting bay 3 now, one minute please.', from: LINE, to: [CUSTOMER] });
      const detail = (await rt.app.inject({ method: 'GET', url: `/v1/threads/${t!.id}`, headers: operator.headers })).json() as { messages: { direction: string; text: string; operatorId: string | null }[] };
      expect(detail.messages.at(-1)).toMatchObject({ direction: 'out', text: 'Resetting bay 3 now, one minute please.', operatorId: operator.operatorId });
      const [entry] = (await auditRows(rt, { resourceId: t!.id })).filter((a) => a.action === 'reply.sent');
      expect(entry).toMatchObject({ actor_type: 'operator', actor_id: operator.operatorId });
      expect(JSON.stringify(entry!.body)).not.toContain('Resetting');
      expect(JSON.stringify(entry!.body)).not.toContain('9025550123');
    });

    it('a failed send is a 502 problem and nothing is stored as sent', async () => {
      const [t] = await threadsOf(operator);
      const before = (await rt.app.inject({ method: 'GET', url: `/v1/threads/${t!.id}`, headers: operator.headers })).json() as { messages: unknown[] };
      openPhone.inject({ status: 401, body: { message: 'Unauthorized' } });
      const res = await rt.app.inject({ method: 'POST', url: `/v1/threads/${t!.id}/reply`, headers: operator.headers, payload: { text: 'hello' } });
      expect(expectProblem(res, 502).outcome).toBe('failed');
      const after = (await rt.app.inject({ method: 'GET', url: `/v1/threads/${t!.id}`, headers: operator.headers })).json() as { messages: unknown[] };
      expect(after.messages.length).toBe(before.messages.length);
    });

    it('an SMS from a booked customer carries the booking as context; a message to an unknown line takes its location from the sender\'s booking', async () => {
      const platform = await createKey(rt, admin, ['bookings:write']);
      const start = new Date(rt.clock.now().getTime() + 10 * 60_000);
      const booking = { id: 'bk-op-1', location: 'Dartmouth', bay: 2, customer: CUSTOMER, starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3_600_000).toISOString() };
      expect((await rt.app.inject({ method: 'POST', url: '/v1/bookings', headers: platform.headers, payload: booking })).statusCode).toBe(201);
      const res = await deliver(rt, `EV${n++}`, 'code does not work, I am at the door');
      const row = await rt.database.db.selectFrom('events').select(['context', 'location']).where('id', '=', (res.json() as { id: string }).id).executeTakeFirstOrThrow();
      expect(row.context).toMatchObject({ booking: { id: 'bk-op-1', bay: 2, location: 'Dartmouth' } });

      const elsewhere = messageReceived(`EV${n++}`, 'hi').replace(`"to":["${LINE}"]`, '"to":["+19025559999"]');
      const res2 = await deliver(rt, 'unused', '', { body: elsewhere });
      expect(res2.statusCode, res2.body).toBe(202);
      const row2 = await rt.database.db.selectFrom('events').select(['location']).where('id', '=', (res2.json() as { id: string }).id).executeTakeFirstOrThrow();
      // The sender's booking still names the location.
      expect(row2.location).toBe('Dartmouth');
    });
  });
}
