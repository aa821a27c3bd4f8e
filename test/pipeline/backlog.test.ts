import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { floodCount, read, refuseDecided, submit } from './helpers.js';

/**
 * The sweeper decides a backlog in one transaction. An event whose proposal the database refuses must not take the
 * rest of the batch with it: it alone rolls back and waits, and the events behind it are decided.
 */
for (const engine of engines) {
  describe(`the sweeper's backlog on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine);
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

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
