import type { Kysely } from 'kysely';
import type { DueDelivery, Notification, OutboxStore } from '../../notifications/outbox.js';
import type { DB } from '../schema.js';
import { enqueueInTransaction } from './enqueue.js';

export function outboxStore(db: Kysely<DB>): OutboxStore {
  return {
    enqueue(n, sinks, at) {
      return db.transaction().execute((tx) => enqueueInTransaction(tx, { notification: n, sinks, at }));
    },
    async claimDue(now, limit, leaseMs) {
      return db.transaction().execute(async (tx) => {
        const due = await tx
          .selectFrom('notification_deliveries as d')
          .innerJoin('notifications as n', 'n.id', 'd.notification_id')
          .select(['d.notification_id', 'd.sink', 'd.attempts', 'n.topic', 'n.severity', 'n.subject', 'n.body', 'n.recipient_id', 'n.created_at'])
          .where('d.state', '=', 'pending')
          .where('d.next_attempt_at', '<=', now)
          .orderBy('d.next_attempt_at')
          .limit(limit)
          .forUpdate('d')
          .skipLocked()
          .execute();
        for (const d of due) {
          await tx
            .updateTable('notification_deliveries')
            .set({ next_attempt_at: new Date(now.getTime() + leaseMs) })
            .where('notification_id', '=', d.notification_id)
            .where('sink', '=', d.sink)
            .execute();
        }
        return due.map(
          (d): DueDelivery => ({
            notificationId: Number(d.notification_id),
            sink: d.sink,
            attempts: d.attempts,
            notification: {
              topic: d.topic,
              severity: d.severity as Notification['severity'],
              subject: d.subject,
              body: d.body as Record<string, unknown>,
              recipientId: d.recipient_id,
              createdAt: d.created_at,
            },
          }),
        );
      });
    },
    async delivered(d, at, status) {
      await db
        .updateTable('notification_deliveries')
        .set({ state: 'delivered', delivered_at: at, attempts: d.attempts + 1, last_error: null })
        .where('notification_id', '=', d.notificationId)
        .where('sink', '=', d.sink)
        .execute();
      await db.insertInto('notification_attempts').values({ notification_id: d.notificationId, sink: d.sink, at, ok: true, status, error: null }).execute();
    },
    async failed(d, at, error, status, retryAt) {
      await db
        .updateTable('notification_deliveries')
        .set({ state: retryAt === null ? 'failed' : 'pending', attempts: d.attempts + 1, last_error: error, next_attempt_at: retryAt ?? at })
        .where('notification_id', '=', d.notificationId)
        .where('sink', '=', d.sink)
        .execute();
      await db.insertInto('notification_attempts').values({ notification_id: d.notificationId, sink: d.sink, at, ok: false, status, error }).execute();
    },
  };
}
