import type { Kysely } from 'kysely';
import type { KillSwitchKind, KillSwitchStore } from '../../execution/ports.js';
import type { DB } from '../schema.js';

/** Kill switches per action and per location (names compared lower-cased for locations). */
export function killSwitchStore(db: Kysely<DB>): KillSwitchStore {
  const norm = (kind: KillSwitchKind, name: string) => (kind === 'location' ? name.trim().toLowerCase() : name);
  return {
    async list() {
      const rows = await db.selectFrom('kill_switches').selectAll().orderBy('kind').orderBy('name').execute();
      return rows.map((r) => ({ kind: r.kind as KillSwitchKind, name: r.name, setBy: r.set_by, reason: r.reason, at: r.at }));
    },
    async set(k) {
      const row = { kind: k.kind, name: norm(k.kind, k.name), set_by: k.setBy, reason: k.reason, at: k.at };
      await db
        .insertInto('kill_switches')
        .values(row)
        .onConflict((oc) => oc.columns(['kind', 'name']).doUpdateSet({ set_by: row.set_by, reason: row.reason, at: row.at }))
        .execute();
    },
    async remove(kind, name) {
      const r = await db.deleteFrom('kill_switches').where('kind', '=', kind).where('name', '=', norm(kind, name)).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
