import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.js';
import { ADMIN, type OperatorSession, createKey, login, sampleEvent, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, twoInstances } from '../support/runtime.js';

const DAY = 86_400_000;

interface ExpiredEntry {
  resource_id: string;
  actor_type: string;
  actor_id: string;
  body: { prefix: string; expiresAt: string; state: string };
}

async function expiredEntries(rt: Runtime): Promise<ExpiredEntry[]> {
  const rows = await sql<ExpiredEntry>`select resource_id, actor_type, actor_id, body from compliance_log where action = 'key.expired' order by seq`.execute(rt.database.db);
  return rows.rows;
}

for (const engine of engines) {
  describe(`key.expired on ${engine.name}`, () => {
    let rt: TestRuntime;
    let other: Runtime;
    let admin: OperatorSession;
    // A second instance on the same database and clock: both run the task; the key's expiry is recorded once.
    twoInstances(engine, (first, second) => {
      rt = first;
      other = second;
    });
    beforeAll(async () => {
      admin = await setupAdmin(rt);
    });

    it('records a key that passed its expiry once, across instances, and never a revoked one', async () => {
      const expiresAt = new Date(rt.clock.now().getTime() + DAY);
      const expiring = await createKey(rt, admin, ['events:write'], { expiresAt: expiresAt.toISOString() });
      const revoked = await createKey(rt, admin, ['events:write'], { expiresAt: expiresAt.toISOString() });
      const lasting = await createKey(rt, admin, ['events:write'], { expiresAt: new Date(rt.clock.now().getTime() + 30 * DAY).toISOString() });
      expect((await rt.app.inject({ method: 'POST', url: `/v1/keys/${revoked.id}/revoke`, headers: admin.headers, payload: {} })).statusCode).toBe(200);

      expect(await Promise.all([rt.keys.expire(), other.keys.expire()])).toEqual([0, 0]);
      expect(await expiredEntries(rt)).toEqual([]);

      rt.clock.advance(DAY + 1000);
      const claimed = await Promise.all([rt.keys.expire(), other.keys.expire()]);
      expect(claimed.reduce((a, b) => a + b, 0)).toBe(1);
      const entries = await expiredEntries(rt);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ resource_id: expiring.id, actor_type: 'system', actor_id: 'key-manager', body: { expiresAt: expiresAt.toISOString(), state: 'active' } });
      expect(entries[0]!.body.prefix).toBe(expiring.secret.slice(0, entries[0]!.body.prefix.length));

      // Verification refused it from the instant it expired; recording it changes nothing there.
      const refused = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: expiring.headers, payload: sampleEvent });
      expect(expectProblem(refused, 401).type).toBe('/problems/key-expired');

      // Later runs find nothing new: once per key.
      expect(await Promise.all([rt.keys.expire(), other.keys.expire()])).toEqual([0, 0]);
      expect((await expiredEntries(rt)).map((e) => e.resource_id)).toEqual([expiring.id]);
      expect((await expiredEntries(rt)).map((e) => e.resource_id)).not.toContain(lasting.id);
    });

    /** Two keys that expire a day from now, then the clock moved past that. */
    async function twoExpired(): Promise<string[]> {
      admin = await login(rt, ADMIN.username, ADMIN.password);
      const expiresAt = new Date(rt.clock.now().getTime() + DAY).toISOString();
      const keys = [await createKey(rt, admin, ['events:write'], { expiresAt }), await createKey(rt, admin, ['events:write'], { expiresAt })];
      rt.clock.advance(DAY + 1000);
      return keys.map((k) => k.id);
    }
    const entriesFor = async (ids: readonly string[]) => (await expiredEntries(rt)).filter((e) => ids.includes(e.resource_id)).map((e) => e.resource_id);
    const marked = async (ids: readonly string[]) =>
      (await sql<{ id: string }>`select id from api_keys where 0 = any(reminders_sent) and id = any(${[...ids]}::uuid[])`.execute(rt.database.db)).rows.length;

    it('loses no entry when the append fails after the keys were found: the rerun records each once', async () => {
      const ids = await twoExpired();
      await sql`create function refuse_key_expired() returns trigger language plpgsql as $$
        begin raise exception 'audit append refused for the test'; end $$`.execute(rt.database.db);
      await sql`create trigger refuse_key_expired before insert on compliance_log for each row
        when (new.action = 'key.expired') execute function refuse_key_expired()`.execute(rt.database.db);
      try {
        await expect(rt.keys.expire()).rejects.toThrow(/refused for the test/);
        expect(await entriesFor(ids)).toEqual([]);
        expect(await marked(ids)).toBe(0);
      } finally {
        await sql`drop trigger refuse_key_expired on compliance_log`.execute(rt.database.db);
      }
      expect(await rt.keys.expire()).toBe(2);
      expect((await entriesFor(ids)).sort()).toEqual([...ids].sort());
      expect(await marked(ids)).toBe(2);
      expect(await Promise.all([rt.keys.expire(), other.keys.expire()])).toEqual([0, 0]);
      expect((await rt.audit.verify()).ok).toBe(true);
    });

    it('writes no second entry when marking the key fails after its entry was appended: the rerun only marks', async () => {
      const ids = await twoExpired();
      await sql`create function refuse_expiry_mark() returns trigger language plpgsql as $$
        begin raise exception 'key mark refused for the test'; end $$`.execute(rt.database.db);
      await sql`create trigger refuse_expiry_mark before update on api_keys for each row
        when (0 = any(new.reminders_sent) and not (0 = any(old.reminders_sent))) execute function refuse_expiry_mark()`.execute(rt.database.db);
      try {
        await expect(rt.keys.expire()).rejects.toThrow(/refused for the test/);
        const first = await entriesFor(ids);
        expect(first).toHaveLength(1);
        // Failing again, on either instance, still appends nothing for the key already recorded.
        await expect(other.keys.expire()).rejects.toThrow(/refused for the test/);
        expect(await entriesFor(ids)).toEqual(first);
        expect(await marked(ids)).toBe(0);
      } finally {
        await sql`drop trigger refuse_expiry_mark on api_keys`.execute(rt.database.db);
      }
      // Both instances rerun at once: the recorded key is only marked, the other recorded by one of them.
      expect((await Promise.all([rt.keys.expire(), other.keys.expire()])).reduce((a, b) => a + b, 0)).toBe(1);
      expect((await entriesFor(ids)).sort()).toEqual([...ids].sort());
      expect(await marked(ids)).toBe(2);
      expect(await rt.keys.expire()).toBe(0);
      expect((await rt.audit.verify()).ok).toBe(true);
    });

    it('is a scheduled task: the periodic run records the next key that expires', async () => {
      admin = await login(rt, ADMIN.username, ADMIN.password);
      const soon = await createKey(rt, admin, ['events:read'], { expiresAt: new Date(rt.clock.now().getTime() + DAY).toISOString() });
      rt.clock.advance(DAY + 1000);
      await rt.scheduler.runAll();
      expect((await expiredEntries(rt)).filter((e) => e.resource_id === soon.id)).toHaveLength(1);
      await rt.scheduler.runAll();
      expect((await expiredEntries(rt)).filter((e) => e.resource_id === soon.id)).toHaveLength(1);
    });
  });
}
