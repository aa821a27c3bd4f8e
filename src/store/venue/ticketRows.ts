import type { Selectable } from 'kysely';
import type { TicketKind, TicketPriority, TicketRecord } from '../../venue/ports.js';
import type { TicketState } from '../../venue/ticketSla.js';
import type { TicketsTable } from '../schema.js';

/** A stored row as the ticket record the desk and the API use. */
export const ticketRecordOf = (r: Selectable<TicketsTable>): TicketRecord => ({
  id: r.id,
  kind: r.kind as TicketKind,
  priority: r.priority as TicketPriority,
  state: r.state as TicketState,
  location: r.location,
  bay: r.bay,
  title: r.title,
  body: r.body,
  threadId: r.thread_id,
  eventId: r.event_id,
  idempotencyKey: r.idempotency_key,
  openedBy: r.opened_by,
  slaResponseDue: r.sla_response_due,
  slaBreachedAt: r.sla_breached_at,
  respondedAt: r.responded_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  resolvedAt: r.resolved_at,
});
