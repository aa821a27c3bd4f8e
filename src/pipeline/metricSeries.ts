import { type ExecutionSummaryRow, type LiveFigures, liveFigures, savedIntervention } from '../execution/liveFigures.js';
import type { LedgerRow } from './ports.js';
import { type ShadowFigures, shadowFigures } from './shadowFigures.js';

/**
 * The seed's success metrics over time (the console's Metrics page): the shadow figures and the live figures
 * per UTC time bucket, overall and per location, plus the time to resolution. Each bucket's figures are
 * `shadowFigures` and `liveFigures` of the rows that fall in it — the same functions as the totals, so a
 * bucket never disagrees with the totals about what a figure means. A rate whose denominator is 0 in a
 * bucket is null (nothing to measure), not 0.
 *
 * Every figure of a bucket is about the proposals made in it: a ledger row counts in the bucket of its
 * proposal (`shadow_ledger.created_at`), an execution in the bucket of its event's proposal (an operator's
 * decision hours later still counts for the proposal it answered).
 *
 * Time to resolution: for each proposal, the seconds from the event's arrival (`events.received_at`) to the
 * first of (a) the operator's answer (`shadow_ledger.resolved_at`) and (b) the finish of an automatic
 * execution of that event that succeeded and nobody overrode (what the live figures count as an intervention
 * saved). Proposals with neither are still open and not in it. Median and p90 are nearest-rank (always an
 * observed duration), in seconds with millisecond precision.
 */

/** Bucket widths, UTC-aligned (days start at midnight UTC). */
export const SERIES_BUCKETS = { hour: 3_600_000, day: 86_400_000 } as const;
export type SeriesBucket = keyof typeof SERIES_BUCKETS;

/** At most a month of hours or a year of days per request: bounded queries and answers. */
export const MAX_BUCKETS = { hour: 744, day: 366 } as const satisfies Record<SeriesBucket, number>;

/** The period when none is asked for: the last day of hours, or the last 30 days. */
export const DEFAULT_BUCKETS = { hour: 24, day: 30 } as const satisfies Record<SeriesBucket, number>;

/** A period widened to whole buckets: `buckets` buckets from `from` (inclusive) to `to` (exclusive). */
export interface PlannedSeries {
  readonly from: Date;
  readonly to: Date;
  readonly bucket: SeriesBucket;
  readonly buckets: number;
}

export type SeriesPlan =
  | ({ readonly kind: 'ok' } & PlannedSeries)
  /** `from` is not before `to` (or either is not a time). */
  | { readonly kind: 'empty_period' }
  | { readonly kind: 'too_many_buckets'; readonly buckets: number; readonly max: number };

const alignDown = (t: number, ms: number): number => Math.floor(t / ms) * ms;
const alignUp = (t: number, ms: number): number => Math.ceil(t / ms) * ms;

/**
 * The buckets covering [from, to): `from` aligned down, `to` aligned up to a bucket edge.
 * @example planSeries(new Date('2026-03-02T10:30:00Z'), new Date('2026-03-02T12:10:00Z'), 'hour') // ok, 10:00 → 13:00, 3 buckets
 */
export function planSeries(from: Date, to: Date, bucket: SeriesBucket): SeriesPlan {
  const ms = SERIES_BUCKETS[bucket];
  if (!(from.getTime() < to.getTime())) return { kind: 'empty_period' };
  const start = alignDown(from.getTime(), ms);
  const end = alignUp(to.getTime(), ms);
  const buckets = (end - start) / ms;
  if (buckets > MAX_BUCKETS[bucket]) return { kind: 'too_many_buckets', buckets, max: MAX_BUCKETS[bucket] };
  return { kind: 'ok', from: new Date(start), to: new Date(end), bucket, buckets };
}

/**
 * The default period: the last `DEFAULT_BUCKETS[bucket]` buckets, the one `now` falls in last.
 * @example defaultPeriod(new Date('2026-03-02T12:10:00Z'), 'hour') // { from: 2026-03-01T13:00Z, to: 2026-03-02T13:00Z }
 */
export function defaultPeriod(now: Date, bucket: SeriesBucket): { readonly from: Date; readonly to: Date } {
  const ms = SERIES_BUCKETS[bucket];
  const to = alignDown(now.getTime(), ms) + ms;
  return { from: new Date(to - DEFAULT_BUCKETS[bucket] * ms), to: new Date(to) };
}

/** A shadow-ledger row with the times the series needs. */
export interface SeriesLedgerRow extends LedgerRow {
  readonly eventId: string;
  /** The autoExecution flag when the proposal was made: such proposals are the live figures' proposals. */
  readonly autoExecution: boolean;
  /** When the event arrived: time to resolution starts here. */
  readonly receivedAt: Date;
  /** When the proposal was made: the bucket the row counts in. */
  readonly proposedAt: Date;
  /** When an operator answered; null while nobody has. */
  readonly answeredAt: Date | null;
}

/** An execution with its event and the time of its event's proposal. */
export interface SeriesExecutionRow extends ExecutionSummaryRow {
  readonly eventId: string;
  readonly location: string | null;
  /** When its event's proposal was made: the bucket the row counts in. */
  readonly proposedAt: Date;
  readonly finishedAt: Date | null;
}

/**
 * Ledger rows of one bucket and location that are alike in everything the figures read, and how many there are.
 * A month is tens of thousands of rows but only a few thousand tallies: the store counts them where they are.
 */
export interface LedgerTally {
  /** The bucket's start, milliseconds since the epoch. */
  readonly start: number;
  readonly location: string | null;
  readonly wouldExecute: boolean;
  readonly autoExecution: boolean;
  readonly agreed: boolean | null;
  readonly count: number;
}

/** Executions of one bucket (their event's proposal's) and location alike in everything the live figures read. */
export interface ExecutionTally extends ExecutionSummaryRow {
  readonly start: number;
  readonly location: string | null;
  readonly count: number;
}

/** The time to resolution of one bucket's resolved proposals at one location, or at all of them (`total`). */
export interface ResolutionTally {
  readonly start: number;
  readonly location: string | null;
  readonly total: boolean;
  readonly figures: ResolutionFigures;
}

/** Everything the series needs of a period's rows; buckets and locations without rows are simply absent. */
export interface SeriesTallies {
  readonly ledger: readonly LedgerTally[];
  readonly executions: readonly ExecutionTally[];
  readonly resolution: readonly ResolutionTally[];
}

/**
 * What the series reads: the tallies of the rows whose proposal was made in the planned period, for these
 * locations (null = all), exactly as `tallyRows` would count those rows.
 */
export interface MetricRowsReader {
  tallies(plan: PlannedSeries, locations: readonly string[] | null): Promise<SeriesTallies>;
}

/** Each rate of the figures and the count it is divided by. */
const SHADOW_RATES = {
  wouldAutomateRate: 'proposals',
  accuracy: 'answered',
  agreement: 'answeredWouldAutomate',
  falsePositiveRate: 'answeredWouldAutomate',
  interventionsSavedRate: 'answered',
} as const satisfies Partial<Record<keyof ShadowFigures, keyof ShadowFigures>>;
const LIVE_RATES = { automationRate: 'proposals', accuracy: 'finished', falsePositiveRate: 'automatedFinished' } as const satisfies Partial<Record<keyof LiveFigures, keyof LiveFigures>>;

type WithNullRates<T, K extends keyof T> = { readonly [P in keyof T]: P extends K ? number | null : T[P] };
export type ShadowPoint = WithNullRates<ShadowFigures, keyof typeof SHADOW_RATES>;
export type LivePoint = WithNullRates<LiveFigures, keyof typeof LIVE_RATES>;

export interface ResolutionFigures {
  /** Proposals of the bucket that were resolved (see the module's definition). */
  readonly resolved: number;
  readonly medianSeconds: number | null;
  readonly p90Seconds: number | null;
}

export interface SeriesPoint {
  /** The bucket's start; it ends one bucket width later. */
  readonly start: Date;
  readonly shadow: ShadowPoint;
  readonly live: LivePoint;
  readonly resolution: ResolutionFigures;
}

export interface MetricSeries {
  readonly total: readonly SeriesPoint[];
  /** Per location present in the rows (null: events without a location), sorted by name; every bucket present. */
  readonly locations: readonly { readonly location: string | null; readonly points: readonly SeriesPoint[] }[];
}

function withNullRates<T extends object, K extends keyof T>(figures: T, rates: { readonly [P in K]: keyof T }): WithNullRates<T, K> {
  const out: Record<string, unknown> = { ...(figures as Record<string, unknown>) };
  for (const rate of Object.keys(rates) as K[]) {
    if (figures[rates[rate]] === 0) out[rate as string] = null;
  }
  return out as WithNullRates<T, K>;
}

/** Nearest rank: the smallest observed value with at least q of the values at or below it. */
const nearestRank = (sorted: readonly number[], q: number): number | null => (sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!);

/**
 * @example resolutionOf([3, 1, 2]) // { resolved: 3, medianSeconds: 2, p90Seconds: 3 }
 */
export function resolutionOf(seconds: readonly number[]): ResolutionFigures {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { resolved: sorted.length, medianSeconds: nearestRank(sorted, 0.5), p90Seconds: nearestRank(sorted, 0.9) };
}

/** A bucket at one location (or all): its rows, each tally repeated `count` times, and its time to resolution. */
interface Slot {
  readonly ledger: LedgerTally[];
  readonly executions: ExecutionTally[];
  resolution: ResolutionFigures;
}

const emptySlots = (n: number): Slot[] => Array.from({ length: n }, () => ({ ledger: [], executions: [], resolution: resolutionOf([]) }));

function pointOf(start: Date, slot: Slot): SeriesPoint {
  const proposals = slot.ledger.filter((r) => r.autoExecution).length;
  return {
    start,
    shadow: withNullRates(shadowFigures(slot.ledger), SHADOW_RATES),
    live: withNullRates(liveFigures(slot.executions, proposals), LIVE_RATES),
    resolution: slot.resolution,
  };
}

/**
 * The seconds from arrival to resolution of each resolved proposal, by event id (see the module's definition).
 * @example resolutionSeconds([{ ...row, eventId: 'e', receivedAt: t, answeredAt: t + 5 min }], []).get('e') // 300
 */
export function resolutionSeconds(ledger: readonly SeriesLedgerRow[], executions: readonly SeriesExecutionRow[]): Map<string, number> {
  const automatic = new Map<string, number>();
  for (const x of executions) {
    if (x.finishedAt === null || !savedIntervention(x)) continue;
    const t = x.finishedAt.getTime();
    automatic.set(x.eventId, Math.min(t, automatic.get(x.eventId) ?? t));
  }
  const out = new Map<string, number>();
  for (const r of ledger) {
    const ends = [r.answeredAt?.getTime(), automatic.get(r.eventId)].filter((t): t is number => t !== undefined);
    if (ends.length === 0) continue;
    // Clocks of several instances may disagree by a little: never a negative duration.
    out.set(r.eventId, Math.max(0, Math.min(...ends) - r.receivedAt.getTime()) / 1000);
  }
  return out;
}

/** The bucket a time falls in, or null outside the planned period. */
function bucketOf(plan: PlannedSeries): (t: number) => number | null {
  const ms = SERIES_BUCKETS[plan.bucket];
  const from = plan.from.getTime();
  return (t) => {
    const i = Math.floor((t - from) / ms);
    return i >= 0 && i < plan.buckets ? i : null;
  };
}

/** Equal items once each, with how many there were (items built by one object literal: same keys, same order). */
function countAlike<T extends object>(items: readonly T[]): (T & { readonly count: number })[] {
  const counts = new Map<string, { item: T; count: number }>();
  for (const item of items) {
    const key = JSON.stringify(item);
    const seen = counts.get(key);
    if (seen === undefined) counts.set(key, { item, count: 1 });
    else seen.count++;
  }
  return [...counts.values()].map(({ item, count }) => ({ ...item, count }));
}

/** Values grouped under a key, in first-seen order of the keys. */
function groupBy<K, V>(entries: Iterable<readonly [K, V]>, keyOf: (k: K) => string): { key: K; values: V[] }[] {
  const groups = new Map<string, { key: K; values: V[] }>();
  for (const [k, v] of entries) {
    const id = keyOf(k);
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { key: k, values: [v] });
    else group.values.push(v);
  }
  return [...groups.values()];
}

/**
 * The tallies of rows: the definition the store's SQL follows. Rows outside the planned period are ignored.
 * @example tallyRows(plan, [row, sameRowAgain], []).ledger // one tally, count 2
 */
export function tallyRows(plan: PlannedSeries, ledger: readonly SeriesLedgerRow[], executions: readonly SeriesExecutionRow[]): SeriesTallies {
  const ms = SERIES_BUCKETS[plan.bucket];
  const bucket = bucketOf(plan);
  const startOf = (t: Date): number | null => {
    const i = bucket(t.getTime());
    return i === null ? null : plan.from.getTime() + i * ms;
  };
  const seconds = resolutionSeconds(ledger, executions);
  const ledgerRows: Omit<LedgerTally, 'count'>[] = [];
  const resolved: [{ start: number; location: string | null; total: boolean }, number][] = [];
  for (const r of ledger) {
    const start = startOf(r.proposedAt);
    if (start === null) continue;
    ledgerRows.push({ start, location: r.location, wouldExecute: r.wouldExecute, autoExecution: r.autoExecution, agreed: r.agreed });
    const s = seconds.get(r.eventId);
    if (s === undefined) continue;
    resolved.push([{ start, location: r.location, total: false }, s], [{ start, location: null, total: true }, s]);
  }
  const executionRows: Omit<ExecutionTally, 'count'>[] = [];
  for (const x of executions) {
    const start = startOf(x.proposedAt);
    if (start !== null) executionRows.push({ start, location: x.location, origin: x.origin, state: x.state, overridden: x.overridden });
  }
  return {
    ledger: countAlike(ledgerRows),
    executions: countAlike(executionRows),
    resolution: groupBy(resolved, (k) => JSON.stringify(k)).map(({ key, values }) => ({ ...key, figures: resolutionOf(values) })),
  };
}

/**
 * The figures per bucket of a planned period, overall and per location, from the period's tallies: each bucket's
 * figures are `shadowFigures` and `liveFigures` of its rows (a tally counting as `count` rows). Tallies outside
 * the period are ignored.
 * @example seriesFromTallies(plan, tallies).total.length === plan.buckets
 */
export function seriesFromTallies(plan: PlannedSeries, tallies: SeriesTallies): MetricSeries {
  const ms = SERIES_BUCKETS[plan.bucket];
  const from = plan.from.getTime();
  const bucket = bucketOf(plan);
  const total = emptySlots(plan.buckets);
  const byLocation = new Map<string | null, Slot[]>();
  const slotsOf = (location: string | null): Slot[] => {
    let slots = byLocation.get(location);
    if (slots === undefined) {
      slots = emptySlots(plan.buckets);
      byLocation.set(location, slots);
    }
    return slots;
  };
  for (const t of tallies.ledger) {
    const i = bucket(t.start);
    if (i === null) continue;
    for (const slot of [total[i]!, slotsOf(t.location)[i]!]) for (let n = 0; n < t.count; n++) slot.ledger.push(t);
  }
  for (const t of tallies.executions) {
    const i = bucket(t.start);
    if (i === null) continue;
    for (const slot of [total[i]!, slotsOf(t.location)[i]!]) for (let n = 0; n < t.count; n++) slot.executions.push(t);
  }
  for (const t of tallies.resolution) {
    const i = bucket(t.start);
    if (i === null) continue;
    (t.total ? total : slotsOf(t.location))[i]!.resolution = t.figures;
  }
  const points = (slots: readonly Slot[]) => slots.map((slot, i) => pointOf(new Date(from + i * ms), slot));
  return {
    total: points(total),
    locations: [...byLocation.entries()].sort(([a], [b]) => (a ?? '').localeCompare(b ?? '')).map(([location, slots]) => ({ location, points: points(slots) })),
  };
}

/**
 * The figures per bucket of a planned period, overall and per location. Rows outside [from, to) are ignored.
 * @example metricSeries(plan, ledger, executions).total.length === plan.buckets
 */
export function metricSeries(plan: PlannedSeries, ledger: readonly SeriesLedgerRow[], executions: readonly SeriesExecutionRow[]): MetricSeries {
  return seriesFromTallies(plan, tallyRows(plan, ledger, executions));
}
