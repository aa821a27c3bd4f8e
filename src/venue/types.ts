/**
 * The venue's vocabulary, shared by intake, decision memory, actions and replay.
 * Times are ISO-8601 strings on the wire and `Date` inside logic.
 */

/** How much an action may be automated, loosest first. `escalate` only ever routes to a human. */
export const TIERS = ['auto', 'suggest', 'queue', 'human', 'escalate'] as const;
export type Tier = (typeof TIERS)[number];

/** The tiers an action may actually *execute* at, loosest first (`human` = an operator decided it). */
export const EXECUTION_TIERS = ['auto', 'suggest', 'queue', 'human'] as const;
export type ExecutionTier = (typeof EXECUTION_TIERS)[number];

export type EventKind = 'message' | 'device_event';
export type Channel = 'sms' | 'web' | 'device';

export interface Booking {
  readonly id: string;
  readonly location: string;
  readonly bay: number | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

/** One entry of the venue's action log: what was actually done. */
export interface LoggedAction {
  readonly action: string;
  readonly location: string | null;
  readonly bay: number | null;
  readonly bookingId?: string;
  readonly at: Date;
}

export interface EventContext {
  readonly booking: Booking | null;
  readonly recentActions: readonly LoggedAction[];
}

/** A customer message or a device event, exactly as received (text is never rewritten). */
export interface VenueEvent {
  readonly id: string;
  readonly t: Date;
  readonly kind: EventKind;
  readonly channel: Channel;
  /** Customer id for messages, device id for device events. */
  readonly from: string;
  readonly location: string | null;
  readonly bay: number | null;
  readonly text: string;
  readonly context: EventContext;
}

/** Decision parameters. Only location, bay and bookingId drive execution; the rest is informative. */
export interface DecisionParams {
  readonly location?: string;
  readonly bay?: number;
  readonly bookingId?: string;
  readonly device?: string;
  readonly category?: string;
  readonly item?: string;
  readonly template?: string;
}

export const UNKNOWN_DECISION = '__unknown__';

/**
 * A venue location as the intake detectors see it: the canonical name (as in `event.location` and
 * bookings), optionally the short code its device ids start with (`DAR` in `DAR-B3-TPS`), extra
 * names customers use for it, and its bay count when known.
 */
export interface VenueLocation {
  readonly name: string;
  readonly code?: string;
  readonly aliases?: readonly string[];
  readonly bays?: number;
}

/** What a device log line reports (intake/deviceLine.ts classifies lines into these). */
export const DEVICE_LINE_TYPES = [
  'trackman_fault',
  'pc_hung',
  'pc_agent_offline',
  'projector_off',
  'projector_warning',
  'tv_no_signal',
  'door_controller_offline',
  'door_alarm',
  'ups_on_battery',
  'wan_down',
  'recovery',
  'other',
] as const;
export type DeviceLineType = (typeof DEVICE_LINE_TYPES)[number];
