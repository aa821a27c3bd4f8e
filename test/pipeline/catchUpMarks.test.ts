import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { floodCount, read, refuseDecided, submit } from './helpers.js';

/**
 * The catch-up's marks (steps this instance applied itself, waiting to show up in the shared history) must
 * not pile up: a decision whose transaction rolls back takes its mark back, and a committed one's mark is
 * settled by the next catch-up run.
 */
for (const engine of engines) {
  describe(`catch-up marks on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine);
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
      // A real rollback: the database refuses to mark this one event decided, after the engine has proposed.
      await refuseDecided(rt, '%roll this back%');
    });
    afterAll(async () => rt.dispose());

    it('takes back the mark and the engine proposal of a transaction that rolled back, and keeps the event for the sweeper', async () => {
      await rt.decisions.catchUp.run();
      expect(rt.decisions.catchUp.pendingMarks).toBe(0);

      const failed = await submit(rt, key, { kind: 'message', channel: 'sms', from: 'c-0100', location: 'Dartmouth', text: 'please roll this back' });
      await rt.decisions.handle.settled();
      expect(rt.decisions.catchUp.pendingMarks).toBe(0);
      // The engine withdrew the proposal too: nothing waits for a truth, and the sender's flood count is untouched.
      expect(rt.decisions.engine.pending.has(failed.id)).toBe(false);
      expect(floodCount(rt, 'c-0100')).toBe(0);
      // Accepted data is never lost: the event waits, undecided, for the sweeper.
      expect((await read(rt, operator, failed.id)).status).toBe('received');

      const ok = await submit(rt, key, { kind: 'message', channel: 'sms', from: 'c-0101', location: 'Dartmouth', text: 'projector is off in bay 2' });
      await rt.decisions.handle.settled();
      expect((await read(rt, operator, ok.id)).status).toBe('decided');
      // Committed but not yet seen in the history: one mark, settled by the next run (which applies nothing).
      expect(rt.decisions.catchUp.pendingMarks).toBe(1);
      expect(await rt.decisions.catchUp.run()).toBe(0);
      expect(rt.decisions.catchUp.pendingMarks).toBe(0);

      // Once the database accepts it again, the sweeper decides the waiting event and its mark settles too.
      await refuseDecided(rt, null);
      rt.clock.advance(60_000);
      expect(await rt.decisions.handle.sweep()).toBe(1);
      expect((await read(rt, operator, failed.id)).status).toBe('decided');
      // Proposed twice, committed once: it counts once towards its sender's flood, as the history says.
      expect(rt.decisions.engine.pending.has(failed.id)).toBe(true);
      expect(floodCount(rt, 'c-0100')).toBe(1);
      expect(await rt.decisions.catchUp.run()).toBe(0);
      expect(rt.decisions.catchUp.pendingMarks).toBe(0);
    });
  });
}
