import type { Kysely } from 'kysely';
import type { BreachRecords } from '../../pipeline/ticketDesk.js';
import type { TicketRecord } from '../../venue/ports.js';
import { appendInTransaction } from '../audit/auditStore.js';
import { enqueueInTransaction } from '../notifications/enqueue.js';
import type { DB } from '../schema.js';
import { ticketRecordOf } from './ticketRows.js';

/**
 * Marks every open ticket past its response deadline as breached, and queues its alert and appends its audit entry,
 * all in one transaction: a crash anywhere in between rolls the mark back and the next run finds the ticket again,
 * so no breach is left unalerted or unaudited, nor alerted twice. The tickets are claimed with `skip locked`: of
 * several instances each breach goes to one. Returns the tickets marked.
 */
export async function markBreached(db: Kysely<DB>, now: Date, effects: BreachRecords): Promise<TicketRecord[]> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .updateTable('tickets')
      .set({ sla_breached_at: now, updated_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('tickets')
          .select('id')
          .where('state', '=', 'open')
          .where('sla_breached_at', 'is', null)
          .where('sla_response_due', '<', now)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    const breached = rows.map(ticketRecordOf);
    for (const t of breached) {
      await enqueueInTransaction(tx, effects.alert(t));
      await appendInTransaction(db, tx, effects.entry(t));
    }
    return breached;
  });
}
