import type { Clock } from '../kernel/clock.js';
import { catalogueEntry } from '../venue/catalogue.js';

/**
 * What the execution engine needs from the outside world to turn a decision into an effect.
 * `integrations/` implements these; `main.ts` wires them. Every call gets the time source and an
 * AbortSignal, and returns a named outcome instead of throwing: a vendor failure is a result to
 * record, not an exception to catch.
 */

/** The catalogue actions that touch a device (DOMAIN.md). */
export const DEVICE_ACTIONS = ['reset_trackman', 'reboot_bay_pc', 'projector_power_on', 'power_cycle_tv', 'unlock_door'] as const;
export type DeviceAction = (typeof DEVICE_ACTIONS)[number];

/**
 * - `succeeded` / `failed`: the vendor said so (or the request provably never left).
 * - `unconfirmed`: the request may or may not have taken effect (connection dropped after sending,
 *   accepted but never confirmed, unreadable answer). A human looks; nothing retries it blindly.
 * - `timed_out`: the deadline passed with the outcome unknown on an idempotent action, so the engine
 *   may retry it. A non-idempotent action never gets `timed_out`: its ambiguous timeout is `unconfirmed`.
 */
export const COMMAND_OUTCOMES = ['succeeded', 'failed', 'unconfirmed', 'timed_out'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/** Why a command did not succeed, for dashboards and the circuit breaker (a rejection is not an outage). */
export const FAILURE_REASONS = [
  'unreachable', // connection refused, DNS failure: the request never left
  'auth', // 401/403 or a token the vendor refused
  'rejected', // the vendor understood and said no (bad params, forbidden, device busy)
  'not_found', // unknown device, door or script
  'device_offline', // the vendor reached its side but the device is offline
  'rate_limited',
  'server_error', // 5xx
  'malformed_response', // an answer we cannot read
  'connection_dropped', // the connection closed after the request was sent
  'deadline', // the deadline passed or the caller aborted
  'not_configured', // no integration for this action at this location
  'circuit_open', // the integration's circuit breaker refused the call: nothing was sent
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export type CommandResult =
  | { readonly outcome: 'succeeded'; readonly detail: string; readonly vendorRef?: string }
  | {
      readonly outcome: 'failed' | 'unconfirmed' | 'timed_out';
      readonly detail: string;
      readonly reason: FailureReason;
      readonly vendorRef?: string;
    };

export interface DeviceCommandParams {
  readonly location: string;
  readonly bay?: number;
  readonly bookingId?: string;
  /** Free-form device hint from the decision (e.g. `projector`); routing is by action, location and bay. */
  readonly device?: string;
}

export interface DeviceCommand {
  readonly decision: DeviceAction;
  readonly params: DeviceCommandParams;
  /** The execution row's key: vendors that support idempotency get it, agents dedupe on it. */
  readonly idempotencyKey: string;
  /** The command's outcome must be known by then; the engine records `timed_out`/`unconfirmed` otherwise. */
  readonly deadline: Date;
}

/** Passed to every call: time comes from here, never from `Date.now()`; the signal cancels the call. */
export interface CallContext {
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/** One configured integration that can execute some device actions (a NinjaOne tenant, a door hub…). */
export interface DeviceIntegration {
  /** Stable id, also the circuit breaker key: e.g. `ninjaone:Dartmouth`, `simulator`. */
  readonly id: string;
  execute(command: DeviceCommand, ctx: CallContext): Promise<CommandResult>;
}

export type ReplyChannel = 'sms' | 'web';

export interface OutgoingReply {
  readonly location: string;
  readonly channel: ReplyChannel;
  /** Customer address on that channel: an E.164 phone number for SMS. */
  readonly to: string;
  readonly text: string;
  readonly idempotencyKey: string;
  readonly deadline: Date;
}

export interface ReplySender {
  readonly id: string;
  send(reply: OutgoingReply, ctx: CallContext): Promise<CommandResult>;
}

export interface TeamAlert {
  readonly text: string;
  /** Slack Block Kit blocks, passed through as given. */
  readonly blocks?: readonly unknown[];
  readonly location?: string;
  readonly idempotencyKey: string;
  readonly deadline: Date;
}

export interface TeamAlerter {
  readonly id: string;
  alert(alert: TeamAlert, ctx: CallContext): Promise<CommandResult>;
}

/**
 * Which integration serves what, per location. `undefined` means nothing is configured there: the
 * engine records `failed`/`not_configured` and hands the case to a human.
 */
export interface VenueIntegrations {
  device(action: DeviceAction, location: string, bay: number | undefined): DeviceIntegration | undefined;
  replies(location: string, channel: ReplyChannel): ReplySender | undefined;
  team(location: string | undefined): TeamAlerter | undefined;
}

/** True for the decisions that go through `VenueIntegrations.device`. */
export function isDeviceAction(decision: string): decision is DeviceAction {
  return (DEVICE_ACTIONS as readonly string[]).includes(decision);
}

/**
 * Whether the catalogue allows retrying the action after an ambiguous timeout.
 *
 * @example
 * isIdempotentAction('reset_trackman'); // true
 * isIdempotentAction('unlock_door');    // false
 */
export function isIdempotentAction(action: DeviceAction): boolean {
  return catalogueEntry(action)?.idempotent === true;
}
