import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/audit/entry.js';
import type { Runtime } from '../../src/main.js';
import { engines } from '../support/databases.js';
import { FAULT_MESSAGE, withFault } from '../support/faults.js';
import { type TestRuntime, twoInstances } from '../support/runtime.js';

const DAY = 86_400_000;
const OPERATOR: Actor = { type: 'operator', id: 'op_reminders' };

for (const engine of engines) {
  describe(`expiry reminders on ${engine.name}`, () => {
    let rt: TestRuntime;
    let other: Runtime;
    // A second instance on the same database and clock: both run the task; each reminder goes out once.
    twoInstances(engine, (first, second) => {
      rt = first;
      other = second;
    });

    /** `n` keys expiring in 10 days: each one's 14-day reminder is due now (the clock never moves in this file). */
    async function dueIn10Days(n: number): Promise<string[]> {
      const expiresAt = new Date(rt.clock.now().getTime() + 10 * DAY);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await rt.keys.create({ name: `remind-${i}`, scopes: ['events:read'], ownerId: null, expiresAt }, OPERATOR)).record.id);
      return ids;
    }
    /** The key.expiring notifications about these keys (key id, subject), with their pending deliveries. */
    const remindersFor = async (ids: readonly string[]) =>
      (
        await sql<{ key_id: string; subject: string; deliveries: number }>`select n.body->>'keyId' as key_id, n.subject,
          (select count(*)::int from notification_deliveries d where d.notification_id = n.id and d.state = 'pending') as deliveries
          from notifications n where n.topic = 'key.expiring' and n.body->>'keyId' = any(${[...ids]}::text[]) order by key_id`.execute(rt.database.db)
      ).rows;
    const marked = async (ids: readonly string[]) =>
      (await sql<{ id: string }>`select id from api_keys where 14 = any(reminders_sent) and id = any(${[...ids]}::uuid[])`.execute(rt.database.db)).rows.length;
    /** One 14-day reminder per key, queued for the log sink, and each key marked. */
    async function expectEachRemindedOnce(ids: readonly string[]) {
      expect(await remindersFor(ids)).toEqual([...ids].sort().map((id) => ({ key_id: id, subject: expect.stringMatching(/expires in 14 days$/), deliveries: 1 })));
      expect(await marked(ids)).toBe(ids.length);
    }

    it('sends each due reminder once when two instances run the task at once', async () => {
      const ids = await dueIn10Days(4);
      const counts = await Promise.all([rt.keys.remind(), other.keys.remind()]);
      expect(counts[0] + counts[1]).toBe(4);
      await expectEachRemindedOnce(ids);
      expect(await Promise.all([rt.keys.remind(), other.keys.remind()])).toEqual([0, 0]);
      await expectEachRemindedOnce(ids);
    });

    it('loses no reminder when queuing it fails after the key was marked: the mark is undone and the rerun sends each once', async () => {
      const ids = await dueIn10Days(2);
      await withFault(rt.database.db, { name: 'refuse_reminder', table: 'notifications', on: 'insert', when: `new.topic = 'key.expiring'`, at: 'statement' }, async () => {
        await expect(rt.keys.remind()).rejects.toThrow(FAULT_MESSAGE);
        await expect(other.keys.remind()).rejects.toThrow(FAULT_MESSAGE);
        expect(await remindersFor(ids)).toEqual([]);
        expect(await marked(ids)).toBe(0);
      });
      // Both instances rerun at once: each reminder queued by one of them.
      const counts = await Promise.all([rt.keys.remind(), other.keys.remind()]);
      expect(counts[0] + counts[1]).toBe(2);
      await expectEachRemindedOnce(ids);
    });

    it('keeps neither the mark nor the notification when the commit fails after both were written: the rerun sends it once', async () => {
      const ids = await dueIn10Days(1);
      await withFault(rt.database.db, { name: 'refuse_reminder_commit', table: 'notifications', on: 'insert', when: `new.topic = 'key.expiring'`, at: 'commit' }, async () => {
        await expect(rt.keys.remind()).rejects.toThrow(FAULT_MESSAGE);
        expect(await remindersFor(ids)).toEqual([]);
        expect(await marked(ids)).toBe(0);
      });
      expect(await rt.keys.remind()).toBe(1);
      await expectEachRemindedOnce(ids);
      expect(await other.keys.remind()).toBe(0);
    });
  });
}
