import type { MemoryEvent, Truth } from '../decisionMemory/types.js';
import type { DecisionParams, ExecutionTier, LoggedAction, VenueEvent } from '../venue/types.js';

/**
 * Stream readers for the two replay formats. The engine-facing `event` is built field by field from what
 * production would see; `decision`, `expected` and `source` only ever reach the simulated operator.
 */

/** Ground truth a venue line carries for scoring (never shown to the engine). */
export interface VenueExpectation {
  readonly maxTier: ExecutionTier;
  readonly emergency: boolean;
  readonly unlockAllowed: boolean;
  readonly scenario: string;
}

export interface StreamItem {
  readonly event: MemoryEvent;
  readonly truth: Truth;
  /** Present for venue lines only. */
  readonly venue: VenueExpectation | null;
  /** For per-scenario reporting: the venue scenario, or the generic line's source split. */
  readonly scenario: string;
}

/** Generic lines without a `t` are spaced one minute apart from this instant. */
export const GENERIC_T0 = Date.parse('2025-01-01T00:00:00Z');

type Json = Record<string, unknown>;

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what}: expected a string`);
  return v;
}

function optStr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function optNum(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function paramsOf(raw: unknown): DecisionParams {
  const p = (raw ?? {}) as Json;
  return {
    ...(typeof p.location === 'string' ? { location: p.location } : {}),
    ...(typeof p.bay === 'number' ? { bay: p.bay } : {}),
    ...(typeof p.booking_id === 'string' ? { bookingId: p.booking_id } : {}),
    ...(typeof p.device === 'string' ? { device: p.device } : {}),
    ...(typeof p.category === 'string' ? { category: p.category } : {}),
    ...(typeof p.item === 'string' ? { item: p.item } : {}),
  };
}

function scenarioOfSource(source: string | null): string {
  if (source === null) return 'generic';
  const parts = source.split(':');
  return parts.slice(1).join(':') || parts[0]!;
}

function venueEvent(o: Json): VenueEvent {
  const ctx = (o.context ?? {}) as Json;
  const b = ctx.booking as Json | null | undefined;
  const actions = Array.isArray(ctx.recent_actions) ? (ctx.recent_actions as Json[]) : [];
  return {
    id: str(o.id, 'id'),
    t: new Date(str(o.t, 't')),
    kind: o.kind === 'device_event' ? 'device_event' : 'message',
    channel: o.channel === 'web' ? 'web' : o.channel === 'device' ? 'device' : 'sms',
    from: str(o.from, 'from'),
    location: optStr(o.location),
    bay: optNum(o.bay),
    text: str(o.text, 'text'),
    context: {
      booking:
        b === null || b === undefined
          ? null
          : {
              id: str(b.id, 'booking.id'),
              location: str(b.location, 'booking.location'),
              bay: optNum(b.bay),
              startsAt: new Date(str(b.starts_at, 'booking.starts_at')),
              endsAt: new Date(str(b.ends_at, 'booking.ends_at')),
            },
      recentActions: actions.map(
        (a): LoggedAction => ({
          action: str(a.action, 'action'),
          location: optStr(a.location),
          bay: optNum(a.bay),
          ...(typeof a.booking_id === 'string' ? { bookingId: a.booking_id } : {}),
          at: new Date(str(a.at, 'at')),
        }),
      ),
    },
  };
}

/**
 * Parses one stream line (either format); `index` spaces generic lines in time.
 * @example parseLine('{"id":"a","text":"hi","decision":"greet"}', 0).truth.decision // 'greet'
 */
export function parseLine(line: string, index: number): StreamItem {
  const o = JSON.parse(line) as Json;
  if (typeof o.expected === 'object' && o.expected !== null) {
    const x = o.expected as Json;
    return {
      event: venueEvent(o),
      truth: { decision: str(x.decision, 'expected.decision'), params: paramsOf(x.params) },
      venue: {
        maxTier: str(x.max_tier, 'expected.max_tier') as ExecutionTier,
        emergency: x.emergency === true,
        unlockAllowed: x.unlock_allowed === true,
        scenario: optStr(x.scenario) ?? 'none',
      },
      scenario: optStr(x.scenario) ?? 'none',
    };
  }
  const t = typeof o.t === 'string' ? new Date(o.t) : new Date(GENERIC_T0 + index * 60_000);
  return {
    event: { id: str(o.id, 'id'), t, text: str(o.text, 'text') },
    truth: { decision: str(o.decision, 'decision'), params: {} },
    venue: null,
    scenario: scenarioOfSource(optStr(o.source)),
  };
}

/** Parses a whole JSONL text (blank lines ignored). */
export function parseStream(text: string): StreamItem[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l, i) => parseLine(l, i));
}
