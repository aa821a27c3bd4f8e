import type { Kysely } from 'kysely';
import type { FlagOverrideStore } from '../../config/runtimeFlags.js';
import type { DB } from '../schema.js';

export function flagOverrideStore(db: Kysely<DB>): FlagOverrideStore {
  return {
    list: () => db.selectFrom('feature_flags').select(['name', 'enabled']).execute(),
    async set(name, enabled, actor, at) {
      await db
        .insertInto('feature_flags')
        .values({ name, enabled, updated_at: at, updated_by: actor })
        .onConflict((oc) => oc.column('name').doUpdateSet({ enabled, updated_at: at, updated_by: actor }))
        .execute();
    },
  };
}
