import { catalogueEntry } from '../venue/catalogue.js';
import {
  type Booking,
  type DecisionParams,
  EXECUTION_TIERS,
  type ExecutionTier,
  type LoggedAction,
  UNKNOWN_DECISION,
  type VenueEvent,
} from '../venue/types.js';

/**
 * Parses one venue-stream JSON line into a `VenueEvent` and, separately, its ground truth, so that
 * the engine is handed only `event` and can never read a label. Validation is strict and lists every
 * problem with its JSON path: a malformed stream must fail loudly, not replay half-understood.
 */

/** The labelled answer of one line (`expected`), kept apart from the event. */
export interface VenueTruth {
  readonly decision: string;
  readonly params: DecisionParams;
  readonly maxTier: ExecutionTier;
  readonly emergency: boolean;
  readonly reason: string;
  readonly unlockAllowed: boolean;
  readonly scenario: string;
  readonly guard?: 'reset_limit' | 'reboot_limit' | 'unlock_cap';
}

export type ParsedLine =
  | { readonly ok: true; readonly event: VenueEvent; readonly truth: VenueTruth | null }
  | { readonly ok: false; readonly errors: readonly string[] };

type Json = Record<string, unknown>;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const LINE_KEYS = new Set(['id', 't', 'kind', 'channel', 'from', 'location', 'bay', 'text', 'context', 'expected']);
const GUARDS = ['reset_limit', 'reboot_limit', 'unlock_cap'] as const;

class Checker {
  readonly errors: string[] = [];
  fail(path: string, problem: string): void {
    this.errors.push(`${path}: ${problem}`);
  }
  object(value: unknown, path: string): Json | null {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    this.fail(path, 'expected an object');
    return null;
  }
  string(value: unknown, path: string): string {
    if (typeof value === 'string') return value;
    this.fail(path, 'expected a string');
    return '';
  }
  nullableString(value: unknown, path: string): string | null {
    return value === null ? null : this.string(value, path);
  }
  boolean(value: unknown, path: string): boolean {
    if (typeof value === 'boolean') return value;
    this.fail(path, 'expected true or false');
    return false;
  }
  bay(value: unknown, path: string): number | null {
    if (value === null) return null;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
    this.fail(path, 'expected a positive integer bay or null');
    return null;
  }
  time(value: unknown, path: string): Date {
    const s = this.string(value, path);
    const d = new Date(s);
    if (!ISO_WITH_OFFSET.test(s) || Number.isNaN(d.getTime())) this.fail(path, `expected an ISO-8601 time with offset, got ${JSON.stringify(s)}`);
    return d;
  }
  oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.fail(path, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return allowed[0]!;
  }
}

function parseBooking(c: Checker, value: unknown, path: string): Booking | null {
  if (value === null) return null;
  const o = c.object(value, path);
  if (o === null) return null;
  const booking: Booking = {
    id: c.string(o.id, `${path}.id`),
    location: c.string(o.location, `${path}.location`),
    bay: c.bay(o.bay, `${path}.bay`),
    startsAt: c.time(o.starts_at, `${path}.starts_at`),
    endsAt: c.time(o.ends_at, `${path}.ends_at`),
  };
  if (booking.endsAt.getTime() < booking.startsAt.getTime()) c.fail(path, 'ends_at is before starts_at');
  return booking;
}

function parseAction(c: Checker, value: unknown, path: string, t: Date): LoggedAction | null {
  const o = c.object(value, path);
  if (o === null) return null;
  const at = c.time(o.at, `${path}.at`);
  if (at.getTime() > t.getTime()) c.fail(`${path}.at`, 'is after the event time');
  const base = { action: c.string(o.action, `${path}.action`), location: c.nullableString(o.location, `${path}.location`), bay: c.bay(o.bay, `${path}.bay`), at };
  return o.booking_id === undefined ? base : { ...base, bookingId: c.string(o.booking_id, `${path}.booking_id`) };
}

function parseParams(c: Checker, value: unknown, path: string): DecisionParams {
  const o = c.object(value, path) ?? {};
  const out: { -readonly [K in keyof DecisionParams]: DecisionParams[K] } = {};
  for (const [key, v] of Object.entries(o)) {
    const p = `${path}.${key}`;
    if (key === 'bay') out.bay = c.bay(v, p) ?? undefined;
    else if (key === 'location') out.location = c.string(v, p);
    else if (key === 'booking_id') out.bookingId = c.string(v, p);
    else if (key === 'device' || key === 'category' || key === 'item' || key === 'template') out[key] = c.string(v, p);
    else c.fail(p, 'unknown parameter');
  }
  return out;
}

function parseTruth(c: Checker, value: unknown): VenueTruth | null {
  const o = c.object(value, 'expected');
  if (o === null) return null;
  const decision = c.string(o.decision, 'expected.decision');
  if (decision !== UNKNOWN_DECISION && catalogueEntry(decision) === undefined) c.fail('expected.decision', `not in the catalogue: ${decision}`);
  const truth: VenueTruth = {
    decision,
    params: parseParams(c, o.params, 'expected.params'),
    maxTier: c.oneOf(o.max_tier, EXECUTION_TIERS, 'expected.max_tier'),
    emergency: c.boolean(o.emergency, 'expected.emergency'),
    reason: c.string(o.reason, 'expected.reason'),
    unlockAllowed: c.boolean(o.unlock_allowed, 'expected.unlock_allowed'),
    scenario: c.string(o.scenario, 'expected.scenario'),
  };
  return o.guard === undefined ? truth : { ...truth, guard: c.oneOf(o.guard, GUARDS, 'expected.guard') };
}

/**
 * Parse one JSON line of a venue stream. `truth` is null when the line carries no `expected`
 * (a live event, or a stream with the labels stripped).
 *
 * @example
 * const parsed = parseVenueLine(line);
 * if (parsed.ok) engine.handle(parsed.event); // the truth stays with the scorer
 */
export function parseVenueLine(line: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return { ok: false, errors: [`not JSON: ${(error as Error).message}`] };
  }
  const c = new Checker();
  const o = c.object(raw, '$');
  if (o === null) return { ok: false, errors: c.errors };
  for (const key of Object.keys(o)) if (!LINE_KEYS.has(key)) c.fail(key, 'unknown field');
  const kind = c.oneOf(o.kind, ['message', 'device_event'] as const, 'kind');
  const channel = c.oneOf(o.channel, ['sms', 'web', 'device'] as const, 'channel');
  if ((kind === 'device_event') !== (channel === 'device')) c.fail('channel', `${channel} does not fit kind ${kind}`);
  const t = c.time(o.t, 't');
  const id = c.string(o.id, 'id');
  if (id === '') c.fail('id', 'is empty');
  const from = c.string(o.from, 'from');
  if (from === '') c.fail('from', 'is empty');
  const context = c.object(o.context, 'context') ?? {};
  if (!('booking' in context)) c.fail('context.booking', 'is missing (null when there is none)');
  const actionsRaw = context.recent_actions;
  if (!Array.isArray(actionsRaw)) c.fail('context.recent_actions', 'expected an array');
  const recentActions = (Array.isArray(actionsRaw) ? actionsRaw : [])
    .map((a, i) => parseAction(c, a, `context.recent_actions[${i}]`, t))
    .filter((a): a is LoggedAction => a !== null);
  const event: VenueEvent = {
    id,
    t,
    kind,
    channel,
    from,
    location: c.nullableString(o.location, 'location'),
    bay: c.bay(o.bay, 'bay'),
    text: c.string(o.text, 'text'),
    context: { booking: parseBooking(c, context.booking ?? null, 'context.booking'), recentActions },
  };
  const truth = o.expected === undefined ? null : parseTruth(c, o.expected);
  return c.errors.length > 0 ? { ok: false, errors: c.errors } : { ok: true, event, truth };
}
