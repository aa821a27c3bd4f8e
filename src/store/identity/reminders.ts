import { type Kysely, sql } from 'kysely';
import type { PreparedNotification } from '../../notifications/outbox.js';
import { enqueueInTransaction } from '../notifications/enqueue.js';
import type { DB } from '../schema.js';

/** Adds `days` to the key's `reminders_sent` unless it is there; false if it was (another run or instance marked it). */
export async function markReminder(q: Kysely<DB>, id: string, days: number): Promise<boolean> {
  const res = await q
    .updateTable('api_keys')
    .set({ reminders_sent: sql`array_append(reminders_sent, ${days}::int)` })
    .where('id', '=', id)
    .where(sql<boolean>`not (${days}::int = any(reminders_sent))`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Marks reminder `days` of the key as sent and queues its notification in one transaction: a crash in between rolls
 * the mark back, so the rerun sends it. False, queuing nothing, when it was sent already; an instance racing this one
 * waits on the key's row and then finds the mark.
 */
export async function sendReminder(db: Kysely<DB>, id: string, days: number, notification: PreparedNotification): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if (!(await markReminder(tx, id, days))) return false;
    await enqueueInTransaction(tx, notification);
    return true;
  });
}
