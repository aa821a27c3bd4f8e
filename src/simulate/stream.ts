/**
 * A venue stream (the `shared/data/venue` line format) as the live demo sends it: the intake body the
 * HTTP API accepts, the operator's label that `--operator auto` answers with, and the gap to wait
 * before sending. Pure: parsing never touches the network.
 */

export interface IntakeBody {
  readonly kind: 'message' | 'device_event';
  readonly channel: 'sms' | 'web' | 'device';
  readonly from: string;
  readonly location?: string | null;
  readonly bay?: number | null;
  readonly text: string;
  readonly t: string;
  readonly context?: unknown;
}

export interface Label {
  readonly decision: string;
  readonly params: Readonly<Record<string, string | number>>;
}

export interface StreamLine {
  readonly id: string;
  readonly body: IntakeBody;
  /** The operator's answer, from `expected` (null when the line carries no label). */
  readonly label: Label | null;
  readonly at: number;
}

export type ParsedLine = { readonly ok: true; readonly line: StreamLine } | { readonly ok: false; readonly lineNo: number; readonly error: string };

type Json = Record<string, unknown>;

/** Stream label parameters (snake_case) → the decision API's parameter names; others are not sent. */
const LABEL_PARAMS: Readonly<Record<string, string>> = {
  location: 'location',
  bay: 'bay',
  booking_id: 'bookingId',
  device: 'device',
  category: 'category',
  item: 'item',
  template: 'template',
};
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one JSONL line; errors name the line and the field, never echo the text. */
export function parseLine(raw: string, lineNo: number): ParsedLine {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { ok: false, lineNo, error: 'not JSON' };
  }
  if (!isObj(v)) return { ok: false, lineNo, error: 'not an object' };
  const { id, t, kind, channel, from, location, bay, text, context, expected } = v;
  if (typeof id !== 'string' || id === '') return { ok: false, lineNo, error: 'id: expected a string' };
  if (kind !== 'message' && kind !== 'device_event') return { ok: false, lineNo, error: 'kind: expected message or device_event' };
  if (channel !== 'sms' && channel !== 'web' && channel !== 'device') return { ok: false, lineNo, error: 'channel: expected sms, web or device' };
  if (typeof from !== 'string' || from === '') return { ok: false, lineNo, error: 'from: expected a string' };
  if (typeof text !== 'string' || text === '') return { ok: false, lineNo, error: 'text: expected a string' };
  const at = typeof t === 'string' ? Date.parse(t) : Number.NaN;
  if (!Number.isFinite(at)) return { ok: false, lineNo, error: 't: expected an ISO-8601 time' };
  if (location !== undefined && location !== null && typeof location !== 'string') return { ok: false, lineNo, error: 'location: expected a string or null' };
  if (bay !== undefined && bay !== null && !Number.isInteger(bay)) return { ok: false, lineNo, error: 'bay: expected an integer or null' };
  let label: Label | null = null;
  if (isObj(expected) && typeof expected.decision === 'string') {
    const params = isObj(expected.params) ? expected.params : {};
    label = {
      decision: expected.decision,
      params: Object.fromEntries(
        Object.entries(params).flatMap(([k, v]) => {
          const name = LABEL_PARAMS[k];
          return name !== undefined && (typeof v === 'string' || typeof v === 'number') ? [[name, v]] : [];
        }),
      ),
    };
  }
  const body: IntakeBody = {
    kind,
    channel,
    from,
    text,
    t: new Date(at).toISOString(),
    ...(location === undefined ? {} : { location: location as string | null }),
    ...(bay === undefined ? {} : { bay: bay as number | null }),
    ...(context === undefined ? {} : { context: venueContext(context) }),
  };
  return { ok: true, line: { id, body, label, at } };
}

/** The intake schema accepts the venue context keys only (booking, recent_actions). */
function venueContext(context: unknown): unknown {
  if (!isObj(context)) return undefined;
  const out: Json = {};
  if (context.booking !== undefined) out.booking = context.booking;
  if (context.recent_actions !== undefined) out.recent_actions = context.recent_actions;
  return out;
}

/**
 * How long to wait before sending `next` after `prev` at `speed`× real time (Infinity = no wait),
 * capped so a quiet night in the stream does not stall the demo.
 * @example gapMs(0, 60_000, 60, 5_000) // 1000
 */
export function gapMs(prevAt: number, nextAt: number, speed: number, capMs: number): number {
  if (!Number.isFinite(speed)) return 0;
  return Math.min(capMs, Math.max(0, (nextAt - prevAt) / speed));
}
