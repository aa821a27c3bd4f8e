import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageReceived, openPhoneSignature } from '../integrations/fakes/fakeOpenPhone.js';
import { answer } from '../pipeline/helpers.js';
import { type OperatorSession, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { AUTO_ON, auditBodies, executionsOf, outgoing, settle } from './helpers.js';

const KEY_B64 = Buffer.from('openphone-webhook-key-for-tests!').toString('base64');
const LINE = '+19025550100'; // the line messageReceived is addressed to
const CUSTOMER = '+19025550123'; // its sender
const HOUR = 3_600_000;

/**
 * Issue #5's first acceptance story end to end, entering the way a customer's text really does: a signed
 * OpenPhone webhook "trackman frozen bay 3" opens a thread, an operator decides reset_trackman, the simulator
 * resets the TrackMan and the customer gets the reply; after enough repeats the same text is reset
 * automatically (autoExecution on) and audited as approved by nobody.
 */
for (const engine of engines) {
  describe(`an SMS through the OpenPhone webhook, decided and executed, on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let n = 0;

    const sms = async (text: string): Promise<string> => {
      const body = messageReceived(`EVsms${n++}`, text);
      const res = await rt.app.inject({
        method: 'POST',
        url: '/v1/webhooks/openphone',
        headers: { 'content-type': 'application/json', 'openphone-signature': openPhoneSignature(body, KEY_B64, rt.clock.now().getTime()) },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(202);
      await settle(rt);
      return (res.json() as { id: string }).id;
    };

    beforeAll(async () => {
      rt = await startRuntime(engine, { ...AUTO_ON, OPENPHONE_WEBHOOK_SECRET: KEY_B64, SECURITY_RATE_LIMIT_MAX: '100000' });
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      const res = await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name: 'Dartmouth', code: 'DAR', openphoneNumber: LINE } });
      expect(res.statusCode, res.body).toBe(201);
    });
    afterAll(async () => rt.dispose());

    it('the first text waits for a human; the operator decides, the simulator executes, the reply goes out on the thread', async () => {
      const id = await sms('trackman frozen bay 3');
      expect(await rt.venue.threads.ofEvent(id)).toMatchObject({ customer: CUSTOMER, location: 'Dartmouth' });
      expect(await executionsOf(rt, operator, id)).toEqual([]);
      expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } })).statusCode).toBe(201);
      await settle(rt);
      const [x, ...more] = await executionsOf(rt, operator, id);
      expect(more).toEqual([]);
      expect(x).toMatchObject({ decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 }, state: 'succeeded', origin: 'operator' });
      const replies = await outgoing(rt, CUSTOMER);
      expect(replies).toHaveLength(1);
      expect(rt.simulator.outbox().filter((m) => m.to === CUSTOMER).map((m) => m.text)).toEqual(replies);
    });

    it('after enough repeats the same text is reset automatically, and the audit says nobody approved it', async () => {
      let auto: string | null = null;
      for (let i = 0; i < 15 && auto === null; i++) {
        rt.clock.advance(HOUR + 60_000);
        const id = await sms('trackman frozen bay 3');
        const rows = await executionsOf(rt, operator, id);
        if (rows.some((r) => r.origin === 'auto')) auto = id;
        else expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } })).statusCode).toBe(201);
        await settle(rt);
      }
      expect(auto).not.toBeNull();
      const [x] = await executionsOf(rt, operator, auto!);
      expect(x).toMatchObject({ decision: 'reset_trackman', origin: 'auto', state: 'succeeded', approvedBy: null });
      expect((await auditBodies(rt, 'decision.executed')).at(-1)).toMatchObject({ eventId: auto, origin: 'auto', approvedBy: 'auto' });
      expect((await outgoing(rt, CUSTOMER)).length).toBeGreaterThan(1);
    });
  });
}
