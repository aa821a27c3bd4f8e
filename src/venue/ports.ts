import type { TicketState } from './ticketSla.js';
import type { Booking } from './types.js';

/**
 * What decisions and execution need to know about the venue's own records (bookings, threads).
 * `store/venue/` implements these; the Access and Booking modules and the execution guards read
 * through them, never through SQL.
 */

export const BOOKING_STATUSES = ['confirmed', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** A booking as the venue stores it (created by the booking platform through the API, or imported). */
export interface StoredBooking extends Booking {
  /** The customer's address as intake sees it (`from` of their messages: an E.164 number for SMS). */
  readonly customer: string | null;
  readonly status: BookingStatus;
}

export interface BookingDirectory {
  byId(id: string): Promise<StoredBooking | null>;
  /** The customer's confirmed booking at the location whose window (with the venue's early-arrival grace) contains `at`. */
  activeFor(customer: string, location: string | null, at: Date): Promise<StoredBooking | null>;
  /** The confirmed booking holding that bay at `at`. */
  onBay(location: string, bay: number, at: Date): Promise<StoredBooking | null>;
}

/** DOMAIN.md: `open → awaiting_system → awaiting_operator → resolved`, with escalated, merged and timeout. */
export const THREAD_STATES = ['open', 'awaiting_system', 'awaiting_operator', 'resolved', 'escalated', 'merged', 'timeout'] as const;
export type ThreadState = (typeof THREAD_STATES)[number];

export interface ThreadSummary {
  readonly id: string;
  readonly state: ThreadState;
  readonly customer: string;
  readonly location: string | null;
  /** An emergency was reported on the thread, or an operator escalated it: nothing runs by itself on it. */
  readonly automationPaused: boolean;
}

export interface ThreadDirectory {
  /** The thread an accepted event was attached to at intake (null for device events). */
  ofEvent(eventId: string): Promise<ThreadSummary | null>;
}

export interface ThreadMessages {
  /** Stores an outgoing message verbatim on the thread (a reply the system or an operator sent). */
  recordOutgoing(threadId: string, message: { readonly text: string; readonly channel: 'sms' | 'web'; readonly executionId: string | null; readonly operatorId: string | null; readonly at: Date }): Promise<void>;
  /** Moves a thread to a new state (validated against the transition rules); false when the move is not allowed. */
  transition(threadId: string, to: ThreadState, at: Date): Promise<boolean>;
}

/** Approved reply templates per location (hours, guests, food, clubs, gift cards, TrackMan account, …). */
export interface ReplyTemplates {
  /** The approved text for a template key at a location (falling back to the venue-wide default), or null. */
  render(location: string | null, key: string, values: Readonly<Record<string, string>>): Promise<string | null>;
}

export const TICKET_KINDS = ['tech', 'facilities', 'lost_and_found'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export interface TicketDesk {
  /** Opens a ticket once per idempotency key (a retried execution returns the same ticket id). */
  open(ticket: {
    readonly kind: TicketKind;
    readonly priority: TicketPriority;
    readonly location: string | null;
    readonly bay: number | null;
    readonly title: string;
    readonly threadId: string | null;
    readonly eventId: string | null;
    readonly idempotencyKey: string;
    readonly at: Date;
  }): Promise<{ readonly id: string }>;
}

/** A ticket as stored: its SLA clock and who opened it. */
export interface TicketRecord {
  readonly id: string;
  readonly kind: TicketKind;
  readonly priority: TicketPriority;
  readonly state: TicketState;
  readonly location: string | null;
  readonly bay: number | null;
  readonly title: string;
  readonly body: string;
  readonly threadId: string | null;
  readonly eventId: string | null;
  readonly idempotencyKey: string;
  readonly openedBy: string;
  readonly slaResponseDue: Date;
  readonly slaBreachedAt: Date | null;
  readonly respondedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly resolvedAt: Date | null;
}

export type TicketOpenInput = Parameters<TicketDesk['open']>[0] & { readonly body?: string; readonly openedBy?: string };
