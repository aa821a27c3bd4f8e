import type { TicketPriority } from './ports.js';

/**
 * Ticket SLA: how long a ticket may wait for its first response (moving it to `in_progress`) by priority.
 * A ticket still `open` past its deadline is breached: marked once, alerted and audited (escalation).
 */
export const SLA_RESPONSE_MINUTES: Readonly<Record<TicketPriority, number>> = {
  critical: 15,
  high: 60,
  medium: 4 * 60,
  low: 24 * 60,
};

export const TICKET_STATES = ['open', 'in_progress', 'resolved'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** Allowed moves: work starts, work ends, or a resolved ticket reopens when the fix did not hold. */
export const TICKET_TRANSITIONS: Readonly<Record<TicketState, readonly TicketState[]>> = {
  open: ['in_progress', 'resolved'],
  in_progress: ['open', 'resolved'],
  resolved: ['open'],
};

/**
 * @example
 * responseDue('critical', new Date('2026-03-02T12:00:00Z')); // 2026-03-02T12:15:00Z
 */
export function responseDue(priority: TicketPriority, openedAt: Date): Date {
  return new Date(openedAt.getTime() + SLA_RESPONSE_MINUTES[priority] * 60_000);
}

/**
 * True when the ticket has waited past its response deadline and was not yet marked breached.
 *
 * @example
 * isBreached({ state: 'open', slaResponseDue: due, slaBreachedAt: null }, new Date(due.getTime() + 1)); // true
 */
export function isBreached(t: { readonly state: TicketState; readonly slaResponseDue: Date; readonly slaBreachedAt: Date | null }, now: Date): boolean {
  return t.state === 'open' && t.slaBreachedAt === null && now.getTime() > t.slaResponseDue.getTime();
}

/**
 * @example
 * canMoveTicket('open', 'in_progress'); // true
 * canMoveTicket('resolved', 'in_progress'); // false
 */
export function canMoveTicket(from: TicketState, to: TicketState): boolean {
  return TICKET_TRANSITIONS[from].includes(to);
}

/** The outbox severity of a breach: the more urgent the ticket, the louder the alert. */
export const BREACH_SEVERITY: Readonly<Record<TicketPriority, 'critical' | 'warning' | 'info'>> = {
  critical: 'critical',
  high: 'critical',
  medium: 'warning',
  low: 'info',
};
