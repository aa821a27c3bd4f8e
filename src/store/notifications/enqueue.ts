import type { Transaction } from 'kysely';
import type { PreparedNotification } from '../../notifications/outbox.js';
import type { DB } from '../schema.js';

/**
 * Queues a notification and one pending delivery per sink inside the caller's transaction, so whatever the caller
 * changes in it and the notification reporting that change commit together. Returns the notification's id.
 */
export async function enqueueInTransaction(tx: Transaction<DB>, p: PreparedNotification): Promise<number> {
  const n = p.notification;
  const row = await tx
    .insertInto('notifications')
    .values({ topic: n.topic, severity: n.severity, subject: n.subject, body: JSON.stringify(n.body), recipient_id: n.recipientId ?? null, created_at: p.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (p.sinks.length > 0) {
    await tx
      .insertInto('notification_deliveries')
      .values(p.sinks.map((sink) => ({ notification_id: id, sink, state: 'pending', attempts: 0, next_attempt_at: p.at, last_error: null, delivered_at: null })))
      .execute();
  }
  return id;
}
