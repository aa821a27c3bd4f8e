import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, read, submit } from '../pipeline/helpers.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { executionsOf, outgoing, settle } from './helpers.js';

const HOUR = 3_600_000;
const trackman = (customer: string, bay: number) => ({ kind: 'message', channel: 'sms', from: customer, location: 'Dartmouth', text: `trackman frozen bay ${bay}` });

/**
 * Shadow mode (`autoExecution` off, the default): the engine records what it would have done and runs nothing
 * by itself, but what an operator decides is carried out — an operator pressing "reset" at 2 a.m. expects the
 * TrackMan to restart whether or not automation is live.
 */
for (const engine of engines) {
  describe(`shadow mode on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '100000' });
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    it("an operator's decision executes through the simulator and the customer gets the reply", async () => {
      expect(rt.flags.get('autoExecution')).toBe(false);
      const { id } = await submit(rt, key, trackman('c-5001', 2));
      await settle(rt);
      expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 2 } })).statusCode).toBe(201);
      await settle(rt);
      const [x, ...more] = await executionsOf(rt, operator, id);
      expect(more).toEqual([]);
      expect(x).toMatchObject({ decision: 'reset_trackman', state: 'succeeded', origin: 'operator' });
      expect(await outgoing(rt, 'c-5001')).toHaveLength(1);
    });

    it('a repeat the engine would automate stays a shadow proposal: nothing runs until an operator answers', async () => {
      for (let i = 0; i < 12; i++) {
        rt.clock.advance(HOUR + 60_000);
        const { id } = await submit(rt, key, trackman(`c-51${String(i).padStart(2, '0')}`, 3));
        await settle(rt);
        expect((await answer(rt, operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } })).statusCode).toBe(201);
        await settle(rt);
      }
      rt.clock.advance(HOUR + 60_000);
      const { id } = await submit(rt, key, trackman('c-5200', 3));
      await settle(rt);
      const e = await read(rt, operator, id);
      expect(e.decision).toMatchObject({ decision: 'reset_trackman', tier: 'auto', shadow: true, wouldExecute: true });
      rt.clock.advance(10 * 60_000);
      await rt.executor.runDue();
      await settle(rt);
      expect(await executionsOf(rt, operator, id)).toEqual([]);
      expect(await outgoing(rt, 'c-5200')).toEqual([]);
    });
  });
}
