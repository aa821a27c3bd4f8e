import type { Kysely } from 'kysely';
import type { SeenEvents } from '../../integrations/openPhone/webhook.js';
import type { DB } from '../schema.js';

/**
 * Delivered webhook ids, shared by every instance: the insert either creates the row (first delivery) or
 * hits the primary key (a replay, on this instance or another), in one statement.
 */
export function webhookReceipts(db: Kysely<DB>, provider: string): SeenEvents & { forget(id: string): Promise<void>; prune(before: Date): Promise<number> } {
  return {
    async firstSeen(id, now) {
      const r = await db
        .insertInto('webhook_receipts')
        .values({ provider, external_id: id, received_at: now })
        .onConflict((oc) => oc.columns(['provider', 'external_id']).doNothing())
        .returning('external_id')
        .executeTakeFirst();
      return r !== undefined;
    },
    async forget(id) {
      await db.deleteFrom('webhook_receipts').where('provider', '=', provider).where('external_id', '=', id).execute();
    },
    /** Receipts older than the signature tolerance guard nothing (a replay that old is stale): they may go. */
    async prune(before) {
      const r = await db.deleteFrom('webhook_receipts').where('provider', '=', provider).where('received_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
