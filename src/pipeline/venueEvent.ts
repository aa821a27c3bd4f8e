import type { Booking, LoggedAction, VenueEvent } from '../venue/types.js';
import type { ReceivedEvent } from './ports.js';

interface WireBooking {
  readonly id: string;
  readonly location: string;
  readonly bay: number | null;
  readonly starts_at: string;
  readonly ends_at: string;
}
interface WireAction {
  readonly action: string;
  readonly location: string | null;
  readonly bay: number | null;
  readonly booking_id?: string;
  readonly at: string;
}
interface WireContext {
  readonly booking?: WireBooking | null;
  readonly recent_actions?: readonly WireAction[];
}

const booking = (b: WireBooking): Booking => ({ id: b.id, location: b.location, bay: b.bay, startsAt: new Date(b.starts_at), endsAt: new Date(b.ends_at) });
const action = (a: WireAction): LoggedAction => ({
  action: a.action,
  location: a.location,
  bay: a.bay,
  ...(a.booking_id !== undefined ? { bookingId: a.booking_id } : {}),
  at: new Date(a.at),
});

/**
 * The engine's view of a stored event: the wire context (validated by the intake schema) in domain
 * types, the event's own time as `t`.
 * @example toVenueEvent(stored).context.booking?.startsAt // a Date
 */
export function toVenueEvent(e: ReceivedEvent): VenueEvent {
  const ctx = (e.context ?? {}) as WireContext;
  return {
    id: e.id,
    t: e.occurredAt,
    kind: e.kind,
    channel: e.channel,
    from: e.sender,
    location: e.location,
    bay: e.bay,
    text: e.text,
    context: { booking: ctx.booking ? booking(ctx.booking) : null, recentActions: (ctx.recent_actions ?? []).map(action) },
  };
}
