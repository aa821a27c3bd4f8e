import type { Actor } from '../audit/entry.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { PreparedEntry } from '../audit/ports.js';
import type { Clock } from '../kernel/clock.js';
import type { LiveFeed } from '../live/feed.js';
import type { Outbox, PreparedNotification } from '../notifications/outbox.js';
import type { TicketDesk, TicketOpenInput, TicketRecord } from '../venue/ports.js';
import { BREACH_SEVERITY, SLA_RESPONSE_MINUTES } from '../venue/ticketSla.js';

/** The ticket verbs the desk uses (store/venue/tickets.ts). */
export interface TicketRows {
  openOnce(t: TicketOpenInput): Promise<{ readonly ticket: TicketRecord; readonly created: boolean }>;
  /** Marks the open tickets past their deadline and writes each one's alert and entry in the same transaction. */
  markBreached(now: Date, effects: BreachRecords): Promise<TicketRecord[]>;
}

/** A breach's alert and audit entry, prepared for the transaction that marks it. */
export interface BreachRecords {
  readonly alert: (t: TicketRecord) => PreparedNotification;
  readonly entry: (t: TicketRecord) => PreparedEntry;
}

export interface TicketDeskService extends TicketDesk {
  /** Opens a ticket (once per idempotency key) on behalf of `actor`; audits and publishes a new one. */
  openAs(actor: Actor, t: TicketOpenInput, correlationId?: string): Promise<{ readonly ticket: TicketRecord; readonly created: boolean }>;
  /** The SLA task: marks breached tickets, alerts the team through the outbox and audits each breach, all at once. */
  checkSla(): Promise<number>;
  /** Publishes a ticket change to the console. */
  changed(t: TicketRecord): void;
}

/**
 * Tickets for work a person must do on site. Execution opens them through the TicketDesk port (system
 * actor), operators through the API; a breach of the response SLA escalates: alert + audit, once.
 */
export function createTicketDesk(deps: { tickets: TicketRows; audit: AuditLog; feed: LiveFeed; outbox: Pick<Outbox, 'prepared'>; clock: Clock }): TicketDeskService {
  const changed = (t: TicketRecord) =>
    deps.feed.publish({ topic: 'ticket.updated', location: t.location, data: { ticketId: t.id, state: t.state, priority: t.priority, breached: t.slaBreachedAt !== null } });

  const openAs: TicketDeskService['openAs'] = async (actor, t, correlationId) => {
    const out = await deps.tickets.openOnce(t);
    if (out.created) {
      await deps.audit.record({
        action: 'ticket.opened',
        actor,
        resource: { type: 'ticket', id: out.ticket.id },
        location: out.ticket.location,
        ...(correlationId !== undefined ? { correlationId } : {}),
        body: { kind: t.kind, priority: t.priority, bay: t.bay, threadId: t.threadId, eventId: t.eventId, slaResponseDue: out.ticket.slaResponseDue.toISOString() },
      });
      changed(out.ticket);
    }
    return out;
  };

  return {
    openAs,
    changed,
    async open(t) {
      return { id: (await openAs({ type: 'system', id: 'execution' }, t)).ticket.id };
    },
    async checkSla() {
      const breached = await deps.tickets.markBreached(deps.clock.now(), {
        alert: (t) =>
          deps.outbox.prepared({
            topic: 'ticket.sla_breached',
            severity: BREACH_SEVERITY[t.priority],
            subject: `Ticket waited past its ${SLA_RESPONSE_MINUTES[t.priority]}-minute response SLA: ${t.title}`.slice(0, 200),
            body: { ticketId: t.id, kind: t.kind, priority: t.priority, location: t.location, bay: t.bay, slaResponseDue: t.slaResponseDue.toISOString() },
          }),
        entry: (t) =>
          deps.audit.prepared({
            action: 'ticket.breached',
            actor: { type: 'system', id: 'ticket_sla' },
            resource: { type: 'ticket', id: t.id },
            location: t.location,
            body: { priority: t.priority, slaResponseDue: t.slaResponseDue.toISOString(), breachedAt: t.slaBreachedAt!.toISOString() },
          }),
      });
      for (const t of breached) changed(t);
      return breached.length;
    },
  };
}
