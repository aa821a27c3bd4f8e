import type { Kysely } from 'kysely';
import type { SetupTokenStore } from '../../setup/ports.js';
import type { DB } from '../schema.js';

export function setupTokenStore(db: Kysely<DB>): SetupTokenStore {
  return {
    async save(tokenHash, createdAt, expiresAt) {
      await db
        .insertInto('setup_tokens')
        .values({ id: 1, token_hash: tokenHash, created_at: createdAt, expires_at: expiresAt, used_at: null })
        .onConflict((oc) => oc.column('id').doUpdateSet({ token_hash: tokenHash, created_at: createdAt, expires_at: expiresAt, used_at: null }))
        .execute();
    },
    async load() {
      const row = await db.selectFrom('setup_tokens').selectAll().where('id', '=', 1).executeTakeFirst();
      return row ? { tokenHash: row.token_hash, expiresAt: row.expires_at, usedAt: row.used_at } : null;
    },
    async markUsed(at) {
      const res = await db.updateTable('setup_tokens').set({ used_at: at }).where('id', '=', 1).where('used_at', 'is', null).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async isSetupComplete() {
      const row = await db.selectFrom('setup_tokens').select('used_at').where('id', '=', 1).executeTakeFirst();
      return row?.used_at != null;
    },
  };
}
