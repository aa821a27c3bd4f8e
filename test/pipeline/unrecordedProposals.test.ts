import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { floodCount, read, refuseDecided, submit } from './helpers.js';

/**
 * A proposal the database does not record never reaches the shared history. The catch-up's marks (steps this
 * instance applied itself, waiting to show up there) must not pile up: a decision whose transaction rolls back
 * takes its mark back, and a committed one's mark is settled by the next catch-up run. The engine withdraws the
 * proposal. The sweeper decides a backlog in one transaction, and an event the database refuses must not take the
 * rest of the batch with it: it alone rolls back and waits, and the events behind it are decided.
 */
for (const engine of engines) {
  describe(`proposals the database does not record, on ${engine.name}`, () => {
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

    it('decides the events behind one the database refuses, and leaves that one waiting, withdrawn from the engine', async () => {
      // First the database refuses every decision, so both events wait for the sweeper, the refused one oldest.
      await refuseDecided(rt, '%');
      const refused = await submit(rt, key, { kind: 'message', channel: 'sms', from: 'c-0200', location: 'Dartmouth', text: 'refuse this one please' });
      await rt.decisions.handle.settled();
      rt.clock.advance(1_000);
      const behind = await submit(rt, key, { kind: 'message', channel: 'sms', from: 'c-0201', location: 'Dartmouth', text: 'projector is off in bay 2' });
      await rt.decisions.handle.settled();
      expect((await read(rt, operator, refused.id)).status).toBe('received');
      expect((await read(rt, operator, behind.id)).status).toBe('received');

      // Then it refuses only the first: the sweep decides the one behind it.
      await refuseDecided(rt, 'refuse this%');
      rt.clock.advance(60_000);
      expect(await rt.decisions.handle.sweep()).toBe(1);
      expect((await read(rt, operator, behind.id)).status).toBe('decided');
      expect((await read(rt, operator, refused.id)).status).toBe('received');
      // The refused proposal is withdrawn from the engine; the recorded one waits for its truth.
      expect(rt.decisions.engine.pending.has(refused.id)).toBe(false);
      expect(floodCount(rt, 'c-0200')).toBe(0);
      expect(rt.decisions.engine.pending.has(behind.id)).toBe(true);
      expect(floodCount(rt, 'c-0201')).toBe(1);
      expect(rt.decisions.catchUp.pendingMarks).toBe(1);

      // Once the database accepts it, the next sweep decides the waiting event too.
      await refuseDecided(rt, null);
      rt.clock.advance(60_000);
      expect(await rt.decisions.handle.sweep()).toBe(1);
      expect((await read(rt, operator, refused.id)).status).toBe('decided');
      expect(floodCount(rt, 'c-0200')).toBe(1);
    });
  });
}
