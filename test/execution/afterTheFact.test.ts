import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { answer, read, restartOn, submit } from '../pipeline/helpers.js';
import { AUTO_ON, executionsOf, settle } from './helpers.js';

const HOUR = 3_600_000;
const trackman = (customer: string, bay: number) => ({ kind: 'message', channel: 'sms', from: customer, location: 'Dartmouth', text: `trackman frozen bay ${bay}` });

interface PatternView {
  readonly key: string;
  readonly trackRecord: { readonly overrides: number; readonly humanApproved: number; readonly record: { readonly successes: number; readonly failures: number } };
}

/**
 * An operator who corrects something the system already ran on its own (an automatic reset that should have
 * gone to a technician) takes back the credit the execution earned: through HTTP, on both engines, and the
 * same after a restart rebuilds the engine from the stored history.
 */
for (const engine of engines) {
  describe(`an automatic execution corrected after it ran, on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let key: CreatedKey;
    let n = 0;

    const send = async (bay: number) => {
      rt.clock.advance(HOUR + 60_000); // past the reset guard's hour: each repeat is a fresh incident
      const { id } = await submit(rt, key, trackman(`c-${3000 + n++}`, bay));
      await settle(rt);
      return read(rt, operator, id);
    };
    const reset = async (): Promise<PatternView> => {
      const res = await rt.app.inject({ method: 'GET', url: '/v1/patterns', headers: operator.headers });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { patterns: PatternView[] }).patterns.find((p) => p.key === 'reset_trackman')!;
    };

    beforeAll(async () => {
      rt = await startRuntime(engine, { ...AUTO_ON, SECURITY_RATE_LIMIT_MAX: '100000' });
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
      // Twelve operator decisions teach "trackman frozen" → reset_trackman well enough for the auto tier.
      for (let i = 0; i < 12; i++) {
        const e = await send((i % 4) + 1);
        const res = await answer(rt, operator, e.id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: (i % 4) + 1 } });
        expect(res.statusCode, res.body).toBe(201);
        await settle(rt);
      }
    });
    afterAll(async () => rt.dispose());

    it('the success becomes an override in the pattern record, and a restart rebuilds the same record', async () => {
      const e = await send(2);
      expect(e.decision).toMatchObject({ decision: 'reset_trackman', tier: 'auto' });
      expect(await executionsOf(rt, operator, e.id)).toMatchObject([{ decision: 'reset_trackman', origin: 'auto', state: 'succeeded' }]);
      const credited = await reset();
      expect(credited.trackRecord.overrides).toBe(0);

      // The operator reads the thread and decides it was a case for a technician after all.
      const res = await answer(rt, operator, e.id, { kind: 'decide', decision: 'escalate_tech', params: { location: 'Dartmouth', bay: 2 } });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ outcome: 'decided', agreed: false });
      await settle(rt);

      const corrected = await reset();
      expect(corrected.trackRecord.overrides).toBe(1);
      expect(corrected.trackRecord.record.failures).toBeCloseTo(credited.trackRecord.record.failures + 1, 6);
      expect(corrected.trackRecord.record.successes).toBeCloseTo(credited.trackRecord.record.successes - 1, 6);

      const other: Runtime = await restartOn(rt);
      try {
        const rebuilt = other.decisions.engine.patterns().find((p) => p.key === 'reset_trackman')!;
        expect(rebuilt.overrides).toBe(1);
        expect(rebuilt.record.failures).toBeCloseTo(corrected.trackRecord.record.failures, 6);
        expect(other.decisions.engine.suggestFloor).toBe(rt.decisions.engine.suggestFloor);
      } finally {
        await other.close();
      }
    });
  });
}
