import type { Kysely } from 'kysely';
import type { TicketOpenInput, TicketRecord } from '../../venue/ports.js';

export type { TicketOpenInput, TicketRecord };
import { type TicketState, canMoveTicket, responseDue } from '../../venue/ticketSla.js';
import type { DB } from '../schema.js';
import type { BreachRecords } from '../../pipeline/ticketDesk.js';
import { markBreached } from './markBreached.js';
import { ticketRecordOf } from './ticketRows.js';

export type TicketMove = { readonly kind: 'moved'; readonly ticket: TicketRecord; readonly from: TicketState } | { readonly kind: 'not_found' } | { readonly kind: 'not_allowed'; readonly state: TicketState };

/** Tickets with SLA timers; `open` is the TicketDesk port (once per idempotency key). */
export function ticketStore(db: Kysely<DB>, newId: () => string) {
  const byId = async (id: string): Promise<TicketRecord | null> => {
    const r = await db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? ticketRecordOf(r) : null;
  };
  return {
    byId,
    /** Returns the ticket and whether this call created it (a retry with the same key gets the first one). */
    async openOnce(t: TicketOpenInput): Promise<{ readonly ticket: TicketRecord; readonly created: boolean }> {
      const r = await db
        .insertInto('tickets')
        .values({
          id: newId(),
          kind: t.kind,
          priority: t.priority,
          state: 'open',
          location: t.location,
          bay: t.bay,
          title: t.title,
          body: t.body ?? '',
          thread_id: t.threadId,
          event_id: t.eventId,
          idempotency_key: t.idempotencyKey,
          opened_by: t.openedBy ?? 'system',
          sla_response_due: responseDue(t.priority, t.at),
          sla_breached_at: null,
          responded_at: null,
          created_at: t.at,
          updated_at: t.at,
          resolved_at: null,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (r) return { ticket: ticketRecordOf(r), created: true };
      const existing = await db.selectFrom('tickets').selectAll().where('idempotency_key', '=', t.idempotencyKey).executeTakeFirstOrThrow();
      return { ticket: ticketRecordOf(existing), created: false };
    },
    async list(q: { readonly state?: TicketState; readonly location?: string; readonly locations: readonly string[] | null; readonly limit: number }): Promise<TicketRecord[]> {
      let query = db.selectFrom('tickets').selectAll();
      if (q.state !== undefined) query = query.where('state', '=', q.state);
      if (q.location !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['location']), '=', q.location!.toLowerCase()));
      if (q.locations !== null) {
        if (q.locations.length === 0) return [];
        query = query.where((eb) => eb(eb.fn('lower', ['location']), 'in', q.locations!.map((l) => l.toLowerCase())));
      }
      return (await query.orderBy('created_at', 'desc').orderBy('id').limit(q.limit).execute()).map(ticketRecordOf);
    },
    /** Conditional on the state read, so concurrent moves never both win. The first move off `open` is the response. */
    async move(id: string, to: TicketState, at: Date): Promise<TicketMove> {
      const current = await byId(id);
      if (current === null) return { kind: 'not_found' };
      if (!canMoveTicket(current.state, to)) return { kind: 'not_allowed', state: current.state };
      const r = await db
        .updateTable('tickets')
        .set({
          state: to,
          updated_at: at,
          ...(current.respondedAt === null ? { responded_at: at } : {}),
          resolved_at: to === 'resolved' ? at : null,
        })
        .where('id', '=', id)
        .where('state', '=', current.state)
        .returningAll()
        .executeTakeFirst();
      if (!r) return { kind: 'not_allowed', state: (await byId(id))?.state ?? current.state };
      return { kind: 'moved', ticket: ticketRecordOf(r), from: current.state };
    },
    /** Marks breached tickets, each alerted and audited in the same transaction (`markBreached.ts`). */
    markBreached: (now: Date, effects: BreachRecords) => markBreached(db, now, effects),
  };
}

export type TicketStore = ReturnType<typeof ticketStore>;
