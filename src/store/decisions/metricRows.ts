import { type Kysely, type RawBuilder, sql } from 'kysely';
import { isAutomaticOrigin } from '../../execution/liveFigures.js';
import { type ExecutionOrigin, type ExecutionState, ORIGINS } from '../../execution/states.js';
import { type LedgerTally, type MetricRowsReader, SERIES_BUCKETS, type SeriesTallies } from '../../pipeline/metricSeries.js';
import type { DB } from '../schema.js';
import { lowered } from './rows.js';

/**
 * The tallies of the metrics series, counted by the database: shadow-ledger rows whose proposal was made in the
 * planned period, and the executions of those events. Scoped like the totals (`ledger` by the event's location,
 * executions by their own), so a series summed over its buckets counts the same rows as the totals.
 *
 * Counted where the rows are because shipping them was the cost: a month at a busy venue (20k proposals, as many
 * executions) took ~1.5 s on PGlite, nearly all of it moving rows out of the WebAssembly engine one by one and
 * parsing them; their few thousand tallies take a tenth of that (`npm run bench -- --only metrics`).
 *
 * The SQL follows `tallyRows` (pipeline/metricSeries.ts), the definition, step for step; the test comparing both
 * on generated data holds it there. Times are compared and subtracted at the millisecond, as the JavaScript
 * `Date`s the definition reads; a bucket is `date_bin` from the period's start (UTC-aligned, as planned).
 * An execution counts in the bucket of its event's proposal (the ledger row is written in the transaction that
 * decides the event, before anything can execute). One statement: PGlite runs one at a time anyway, and the
 * ledger and executions are read once for all three tallies.
 */
const AUTOMATIC: readonly ExecutionOrigin[] = ORIGINS.filter(isAutomaticOrigin);

const atMs = (column: string): RawBuilder<Date> => sql<Date>`date_trunc('milliseconds', ${sql.ref(column)})`;

interface TallyDocs {
  part: 'ledger' | 'executions' | 'resolution';
  /** json_agg of the part's groups; null when it has none. */
  tallies: string | null;
}

interface ExecutionGroup {
  start: number;
  location: string | null;
  origin: ExecutionOrigin;
  state: ExecutionState;
  overridden: boolean;
  count: number;
}

interface ResolutionGroup {
  start: number;
  location: string | null;
  total: boolean;
  resolved: number;
  medianSeconds: number;
  p90Seconds: number;
}

export function metricRows(db: Kysely<DB>): MetricRowsReader {
  return {
    async tallies(plan, locations): Promise<SeriesTallies> {
      if (locations !== null && locations.length === 0) return { ledger: [], executions: [], resolution: [] };
      const from = sql`${plan.from}::timestamptz`;
      const to = sql`${plan.to}::timestamptz`;
      const bucketOf = (column: string) => sql`date_bin(${`${SERIES_BUCKETS[plan.bucket]} milliseconds`}::interval, ${sql.ref(column)}, ${from})`;
      const inScope = (column: string) => (locations === null ? sql`true` : sql`lower(${sql.ref(column)}) in (${sql.join(lowered(locations))})`);
      const automatic = sql.join(AUTOMATIC);
      const startMs = sql`(extract(epoch from bucket) * 1000)::bigint`;
      const { rows } = await sql<TallyDocs>`
        with l as materialized (
          select l.event_id, l.location, l.would_execute, l.auto_execution, l.agreed, ${bucketOf('l.created_at')} as bucket,
                 ${atMs('l.resolved_at')} as answered_at, ${atMs('e.received_at')} as received_at
          from shadow_ledger l join events e on e.id = l.event_id
          where l.created_at >= ${from} and l.created_at < ${to} and ${inScope('e.location')}
        ), x as materialized (
          select x.event_id, x.location, x.origin, x.state, ${bucketOf('p.created_at')} as bucket, ${atMs('x.finished_at')} as finished_at,
                 coalesce(x.origin in (${automatic}) and od.decision <> x.decision and ${atMs('od.created_at')} >= ${atMs('x.created_at')}, false) as overridden
          from executions x
          join shadow_ledger p on p.event_id = x.event_id
          left join operator_decisions od on od.event_id = x.event_id
          where p.created_at >= ${from} and p.created_at < ${to} and ${inScope('x.location')}
        ), saved as (
          select event_id, min(finished_at) as finished_at from x
          where origin in (${automatic}) and state = 'succeeded' and not overridden and finished_at is not null
          group by event_id
        ), resolved as (
          select l.bucket, l.location, greatest(interval '0', least(l.answered_at, s.finished_at) - l.received_at) as took
          from l left join saved s on s.event_id = l.event_id
          where l.answered_at is not null or s.finished_at is not null
        )
        select 'ledger' as part, json_agg(t)::text as tallies from (
          select ${startMs} as start, location, would_execute as "wouldExecute", auto_execution as "autoExecution", agreed, count(*)::int as count
          from l group by bucket, location, would_execute, auto_execution, agreed
        ) t
        union all
        select 'executions', json_agg(t)::text from (
          select ${startMs} as start, location, origin, state, overridden, count(*)::int as count
          from x group by bucket, location, origin, state, overridden
        ) t
        union all
        select 'resolution', json_agg(t)::text from (
          select ${startMs} as start, location, grouping(location) = 1 as total, count(*)::int as resolved,
                 extract(epoch from percentile_disc(0.5) within group (order by took))::float8 as "medianSeconds",
                 extract(epoch from percentile_disc(0.9) within group (order by took))::float8 as "p90Seconds"
          from resolved group by grouping sets ((bucket, location), (bucket))
        ) t`.execute(db);
      const part = <T>(name: TallyDocs['part']): T[] => {
        const doc = rows.find((r) => r.part === name)?.tallies;
        return doc === null || doc === undefined ? [] : (JSON.parse(doc) as T[]);
      };
      return {
        ledger: part<LedgerTally>('ledger'),
        executions: part<ExecutionGroup>('executions'),
        // percentile_disc is the nearest rank of `resolutionOf`: the first value at or past the fraction.
        resolution: part<ResolutionGroup>('resolution').map((g) => ({
          start: g.start,
          location: g.total ? null : g.location,
          total: g.total,
          figures: { resolved: g.resolved, medianSeconds: g.medianSeconds, p90Seconds: g.p90Seconds },
        })),
      };
    },
  };
}
