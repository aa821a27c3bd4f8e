import type { Kysely } from 'kysely';
import type { ThresholdStore } from '../../pipeline/decisionThresholds.js';
import type { DB } from '../schema.js';

/** The one row of admin-set confidence thresholds (none = the environment's PATTERN_CONFIDENCE_*). */
export function thresholdStore(db: Kysely<DB>): ThresholdStore {
  return {
    async get() {
      const row = await db.selectFrom('decision_thresholds').selectAll().where('id', '=', 1).executeTakeFirst();
      return row === undefined ? null : { thresholds: { high: row.high, medium: row.medium, low: row.low }, updatedBy: row.updated_by, updatedAt: row.updated_at };
    },
    async set(t, actor, at) {
      const row = { high: t.high, medium: t.medium, low: t.low, updated_by: actor, updated_at: at };
      await db
        .insertInto('decision_thresholds')
        .values({ id: 1, ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    },
    async clear() {
      await db.deleteFrom('decision_thresholds').where('id', '=', 1).execute();
    },
  };
}
