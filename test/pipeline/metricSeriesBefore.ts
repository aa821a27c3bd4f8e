import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type LiveFigures, liveFigures, wasOverridden } from '../../src/execution/liveFigures.js';
import type { ExecutionOrigin, ExecutionState } from '../../src/execution/states.js';
import {
  type MetricSeries,
  type PlannedSeries,
  SERIES_BUCKETS,
  type SeriesExecutionRow,
  type SeriesLedgerRow,
  type SeriesPoint,
  resolutionOf,
  resolutionSeconds,
} from '../../src/pipeline/metricSeries.js';
import { type ShadowFigures, shadowFigures } from '../../src/pipeline/shadowFigures.js';
import { lowered } from '../../src/store/decisions/rows.js';
import type { DB } from '../../src/store/schema.js';

/**
 * The metrics series as the endpoint computed it before it counted in SQL (as of d0d2be0), kept as the reference
 * the new one must equal: every row of the period read out of the database, then bucketed in JavaScript.
 */

const ms = (column: string): RawBuilder<number | null> => sql<number | null>`(extract(epoch from ${sql.ref(column)}) * 1000)::float8`;
const date = (v: number | null): Date | null => (v === null ? null : new Date(v));

export async function rowsBefore(
  db: Kysely<DB>,
  { from, to }: { from: Date; to: Date },
  locations: readonly string[] | null,
): Promise<{ ledger: SeriesLedgerRow[]; executions: SeriesExecutionRow[] }> {
  if (locations !== null && locations.length === 0) return { ledger: [], executions: [] };
  let ledger = db
    .selectFrom('shadow_ledger as l')
    .innerJoin('events as e', 'e.id', 'l.event_id')
    .select(['l.event_id', 'l.location', 'l.decision', 'l.would_execute', 'l.auto_execution', 'l.agreed'])
    .select([ms('l.created_at').as('proposed_ms'), ms('l.resolved_at').as('answered_ms'), ms('e.received_at').as('received_ms')])
    .where('l.created_at', '>=', from)
    .where('l.created_at', '<', to);
  let executions = db
    .selectFrom('executions as x')
    .innerJoin('shadow_ledger as l', 'l.event_id', 'x.event_id')
    .leftJoin('operator_decisions as od', 'od.event_id', 'x.event_id')
    .select(['x.event_id', 'x.location', 'x.origin', 'x.state', 'x.decision', 'od.decision as answered'])
    .select([ms('x.created_at').as('created_ms'), ms('x.finished_at').as('finished_ms'), ms('l.created_at').as('proposed_ms'), ms('od.created_at').as('answered_ms')])
    .where('l.created_at', '>=', from)
    .where('l.created_at', '<', to);
  if (locations !== null) {
    ledger = ledger.where(sql<string>`lower(e.location)`, 'in', lowered(locations));
    executions = executions.where(sql<string>`lower(x.location)`, 'in', lowered(locations));
  }
  const [l, x] = await Promise.all([ledger.execute(), executions.execute()]);
  return {
    ledger: l.map((r) => ({
      eventId: r.event_id,
      location: r.location,
      decision: r.decision,
      wouldExecute: r.would_execute,
      autoExecution: r.auto_execution,
      agreed: r.agreed,
      receivedAt: date(r.received_ms)!,
      proposedAt: date(r.proposed_ms)!,
      answeredAt: date(r.answered_ms),
    })),
    executions: x.map((r) => {
      const origin = r.origin as ExecutionOrigin;
      return {
        eventId: r.event_id,
        location: r.location,
        origin,
        state: r.state as ExecutionState,
        overridden: wasOverridden({ origin, decision: r.decision, createdAt: date(r.created_ms)! }, r.answered === null || r.answered_ms === null ? null : { decision: r.answered, at: date(r.answered_ms)! }),
        proposedAt: date(r.proposed_ms)!,
        finishedAt: date(r.finished_ms),
      };
    }),
  };
}

const SHADOW_RATES = {
  wouldAutomateRate: 'proposals',
  accuracy: 'answered',
  agreement: 'answeredWouldAutomate',
  falsePositiveRate: 'answeredWouldAutomate',
  interventionsSavedRate: 'answered',
} as const satisfies Partial<Record<keyof ShadowFigures, keyof ShadowFigures>>;
const LIVE_RATES = { automationRate: 'proposals', accuracy: 'finished', falsePositiveRate: 'automatedFinished' } as const satisfies Partial<Record<keyof LiveFigures, keyof LiveFigures>>;

function withNullRates<T extends object>(figures: T, rates: Record<string, keyof T>): never {
  const out: Record<string, unknown> = { ...(figures as Record<string, unknown>) };
  for (const rate of Object.keys(rates)) {
    if (figures[rates[rate]!] === 0) out[rate] = null;
  }
  return out as never;
}

interface Slot {
  readonly ledger: SeriesLedgerRow[];
  readonly executions: SeriesExecutionRow[];
  readonly seconds: number[];
}

const emptySlots = (n: number): Slot[] => Array.from({ length: n }, () => ({ ledger: [], executions: [], seconds: [] }));

function pointOf(start: Date, slot: Slot): SeriesPoint {
  const proposals = slot.ledger.filter((r) => r.autoExecution).length;
  return {
    start,
    shadow: withNullRates(shadowFigures(slot.ledger), SHADOW_RATES),
    live: withNullRates(liveFigures(slot.executions, proposals), LIVE_RATES),
    resolution: resolutionOf(slot.seconds),
  };
}

export function metricSeriesBefore(plan: PlannedSeries, ledger: readonly SeriesLedgerRow[], executions: readonly SeriesExecutionRow[]): MetricSeries {
  const ms = SERIES_BUCKETS[plan.bucket];
  const from = plan.from.getTime();
  const indexOf = (t: Date): number | null => {
    const i = Math.floor((t.getTime() - from) / ms);
    return i >= 0 && i < plan.buckets ? i : null;
  };
  const seconds = resolutionSeconds(ledger, executions);
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
  for (const r of ledger) {
    const i = indexOf(r.proposedAt);
    if (i === null) continue;
    const s = seconds.get(r.eventId);
    for (const slot of [total[i]!, slotsOf(r.location)[i]!]) {
      slot.ledger.push(r);
      if (s !== undefined) slot.seconds.push(s);
    }
  }
  for (const x of executions) {
    const i = indexOf(x.proposedAt);
    if (i === null) continue;
    total[i]!.executions.push(x);
    slotsOf(x.location)[i]!.executions.push(x);
  }
  const points = (slots: readonly Slot[]) => slots.map((slot, i) => pointOf(new Date(from + i * ms), slot));
  return {
    total: points(total),
    locations: [...byLocation.entries()].sort(([a], [b]) => (a ?? '').localeCompare(b ?? '')).map(([location, slots]) => ({ location, points: points(slots) })),
  };
}

/** The endpoint's series as it was: the rows, then the buckets. */
export async function seriesBefore(db: Kysely<DB>, plan: PlannedSeries, locations: readonly string[] | null): Promise<MetricSeries> {
  const { ledger, executions } = await rowsBefore(db, plan, locations);
  return metricSeriesBefore(plan, ledger, executions);
}
