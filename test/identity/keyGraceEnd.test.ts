import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/audit/entry.js';
import type { Runtime } from '../../src/main.js';
import { engines } from '../support/databases.js';
import { FAULT_MESSAGE, withFault } from '../support/faults.js';
import { type TestRuntime, twoInstances } from '../support/runtime.js';

const DAY = 86_400_000;
const OPERATOR: Actor = { type: 'operator', id: 'op_grace' };

interface RevokedEntry {
  resource_id: string;
  actor_id: string;
  body: { reason: string; successorId: string };
}

for (const engine of engines) {
  describe(`grace windows ending on ${engine.name}`, () => {
    let rt: TestRuntime;
    let other: Runtime;
    // A second instance on the same database and clock: both run the task; each key is revoked and audited once.
    twoInstances(engine, (first, second) => {
      rt = first;
      other = second;
    });

    /** `n` keys rotated now, then the clock moved past their 7-day grace windows: the predecessors and their successors. */
    async function graceEnded(n: number): Promise<{ ids: string[]; successors: Map<string, string> }> {
      const successors = new Map<string, string>();
      for (let i = 0; i < n; i++) {
        const { record } = await rt.keys.create({ name: `grace-${i}`, scopes: ['events:read'], ownerId: null }, OPERATOR);
        const next = await rt.keys.rotate(record, OPERATOR);
        expect(next).not.toBeNull();
        successors.set(record.id, next!.record.id);
      }
      rt.clock.advance(7 * DAY + 1000);
      return { ids: [...successors.keys()], successors };
    }
    const entriesFor = async (ids: readonly string[]) =>
      (
        await sql<RevokedEntry>`select resource_id, actor_id, body from compliance_log
          where action = 'key.revoked' and resource_id = any(${[...ids]}::text[]) order by resource_id`.execute(rt.database.db)
      ).rows;
    const revoked = async (ids: readonly string[]) =>
      (await sql<{ id: string }>`select id from api_keys where state = 'revoked' and id = any(${[...ids]}::uuid[])`.execute(rt.database.db)).rows.length;
    const rotationsClosed = async (ids: readonly string[]) =>
      (await sql<{ id: string }>`select from_key_id as id from api_key_rotation where predecessor_revoked_at is not null and from_key_id = any(${[...ids]}::uuid[])`.execute(rt.database.db))
        .rows.length;
    /** Every key revoked once, by grace end, its rotation closed, one entry each naming its successor; the chain verifies. */
    async function expectEachRevokedOnce(ids: readonly string[], successors: ReadonlyMap<string, string>) {
      const entries = await entriesFor(ids);
      expect(entries.map((e) => e.resource_id)).toEqual([...ids].sort());
      for (const e of entries) expect(e).toMatchObject({ actor_id: 'key-manager', body: { reason: 'grace_ended', successorId: successors.get(e.resource_id) } });
      expect(await revoked(ids)).toBe(ids.length);
      expect(await rotationsClosed(ids)).toBe(ids.length);
      expect(await rt.audit.verify()).toMatchObject({ ok: true });
    }

    it('revokes and audits each key once when two instances end grace windows at once', async () => {
      const { ids, successors } = await graceEnded(4);
      const counts = await Promise.all([rt.keys.endGrace(), other.keys.endGrace()]);
      expect(counts[0] + counts[1]).toBe(4);
      await expectEachRevokedOnce(ids, successors);
      expect(await Promise.all([rt.keys.endGrace(), other.keys.endGrace()])).toEqual([0, 0]);
      expect(await entriesFor(ids)).toHaveLength(4);
    });

    it('loses no key.revoked entry when the append fails after a key was revoked: the keys stay unrevoked and the rerun records each once', async () => {
      const { ids, successors } = await graceEnded(2);
      // One key's entry is refused: whichever key the run revoked first, nothing of the run stays.
      await withFault(rt.database.db, { name: 'refuse_grace_entry', table: 'compliance_log', on: 'insert', when: `new.action = 'key.revoked' and new.resource_id = '${ids[1]}'`, at: 'statement' }, async () => {
        await expect(rt.keys.endGrace()).rejects.toThrow(FAULT_MESSAGE);
        await expect(other.keys.endGrace()).rejects.toThrow(FAULT_MESSAGE);
        expect(await entriesFor(ids)).toEqual([]);
        expect(await revoked(ids)).toBe(0);
        expect(await rotationsClosed(ids)).toBe(0);
      });
      // Both instances rerun at once: each key revoked and recorded by one of them.
      const counts = await Promise.all([rt.keys.endGrace(), other.keys.endGrace()]);
      expect(counts[0] + counts[1]).toBe(2);
      await expectEachRevokedOnce(ids, successors);
    });

    it('keeps nothing when the commit fails after the revocations and their entries were written: the rerun does both once', async () => {
      const { ids, successors } = await graceEnded(2);
      await withFault(rt.database.db, { name: 'refuse_grace_commit', table: 'compliance_log', on: 'insert', when: `new.action = 'key.revoked'`, at: 'commit' }, async () => {
        await expect(rt.keys.endGrace()).rejects.toThrow(FAULT_MESSAGE);
        expect(await entriesFor(ids)).toEqual([]);
        expect(await revoked(ids)).toBe(0);
      });
      expect(await rt.keys.endGrace()).toBe(2);
      await expectEachRevokedOnce(ids, successors);
      expect(await other.keys.endGrace()).toBe(0);
    });

    it('is a scheduled task: the periodic run revokes and audits the next key whose grace ends', async () => {
      const { ids, successors } = await graceEnded(1);
      await rt.scheduler.runAll();
      await expectEachRevokedOnce(ids, successors);
      await rt.scheduler.runAll();
      expect(await entriesFor(ids)).toHaveLength(1);
    });
  });
}
