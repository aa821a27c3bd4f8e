import type { Kysely } from 'kysely';
import type { PreparedEntry } from '../../audit/ports.js';
import type { ApiKeyRecord } from '../../security/apiKeys/key.js';
import { appendInTransaction } from '../audit/auditStore.js';
import type { DB } from '../schema.js';
import { keyRecordOf } from './keyRows.js';

/**
 * Revokes every predecessor whose grace window ended and appends each one's audit entry (`entryFor`) in the same
 * transaction, so a key is revoked and audited together or not at all: a crash in between rolls the revocation back
 * and the next run finds the key again. The keys are claimed with `skip locked`, so of several instances each key
 * goes to one, and no claimer waits on another's rows while it waits for the audit lock. Returns the keys revoked.
 */
export async function endGraceWindows(db: Kysely<DB>, now: Date, entryFor: (k: ApiKeyRecord) => PreparedEntry): Promise<ApiKeyRecord[]> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .updateTable('api_keys')
      .set({ state: 'revoked', revoked_reason: 'grace_ended', revoked_at: now })
      .where('id', 'in', (eb) =>
        eb.selectFrom('api_keys').select('id').where('state', '<>', 'revoked').where('grace_ends_at', '<=', now).forUpdate().skipLocked(),
      )
      .returningAll()
      .execute();
    if (rows.length === 0) return [];
    await tx
      .updateTable('api_key_rotation')
      .set({ predecessor_revoked_at: now })
      .where('from_key_id', 'in', rows.map((r) => r.id))
      .execute();
    const ended = rows.map(keyRecordOf);
    for (const k of ended) await appendInTransaction(db, tx, entryFor(k));
    return ended;
  });
}
