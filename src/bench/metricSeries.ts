import { sql } from 'kysely';
import { planSeries, seriesFromTallies } from '../pipeline/metricSeries.js';
import type { Database } from '../store/database.js';
import { metricRows } from '../store/decisions/metricRows.js';
import { migrateUp } from '../store/migrate.js';
import { type AppendEngine, openScratch } from './audit.js';
import { type Bench, type BenchFigure, figure } from './types.js';

/**
 * A month of decisions for the metrics series, written straight into the tables the pipeline fills (events,
 * shadow_ledger, operator_decisions, executions) by set-based SQL, so 20k decisions take seconds, not the hour
 * the pipeline would. Shaped like a venue's month: six locations and some events without one; about a quarter
 * of the proposals never answered; automation switched on halfway, after which confident proposals run by
 * themselves (some overridden, failed or cancelled) and the operators' answers run in shadow mode before it.
 * Deterministic: every choice is a hash of the row number.
 */
export interface DecisionMonth {
  readonly decisions: number;
  readonly from: Date;
  readonly days: number;
  /** Refresh the planner's statistics afterwards (PostgreSQL's autovacuum would; PGlite has none). */
  readonly analyze?: boolean;
}

const LOCATIONS = ['Bedford', 'Dartmouth', 'Halifax', 'Truro', 'Bayers Lake', 'River Oaks'];

export async function seedDecisionMonth(database: Database, month: DecisionMonth): Promise<void> {
  const spanMs = month.days * 86_400_000;
  const params = [month.from.toISOString(), spanMs, month.decisions, LOCATIONS];
  await database.exclusive(async (q) => {
    await q.exec('begin');
    // Each d_* is an independent draw 0..999 from the row number i.
    await q.query(
      `create temporary table seed_rows on commit drop as
       select i,
         md5('event' || i)::uuid as event_id,
         $1::timestamptz + make_interval(secs => (i::float8 * $2 / $3) / 1000) as received_at,
         case when d_l < 30 then null else ($4::text[])[1 + d_m % 6] end as location,
         case when d_d < 400 then 'reset_trackman' when d_d < 600 then 'restart_projector'
              when d_d < 700 then 'unlock_door' when d_d < 850 then 'escalate_tech' end as decision,
         d_w < 450 as confident,
         d_a < 750 as answered,
         d_g < 820 as agrees,
         d_t as think,
         d_s as fate,
         i >= $3 / 2 as live
       from (
         select i, abs(hashtext(i || ':l')) % 1000 as d_l, abs(hashtext(i || ':m')) % 1000 as d_m, abs(hashtext(i || ':d')) % 1000 as d_d,
                abs(hashtext(i || ':w')) % 1000 as d_w, abs(hashtext(i || ':a')) % 1000 as d_a, abs(hashtext(i || ':g')) % 1000 as d_g,
                abs(hashtext(i || ':t')) % 1000 as d_t, abs(hashtext(i || ':s')) % 1000 as d_s
         from generate_series(0, $3 - 1) as i
       ) as draws`,
      params,
    );
    await q.exec(`
      insert into events (id, received_at, occurred_at, kind, channel, sender, location, bay, text, context, request_hash, status, decided_at)
      select event_id, received_at, received_at, 'message', 'sms', 'c-' || (i % 4000), location, 1 + i % 8,
             'trackman frozen bay ' || (1 + i % 8), '{}'::jsonb, md5('req' || i), 'decided', received_at + interval '150 milliseconds'
      from seed_rows;
      insert into shadow_ledger (event_id, location, decision, tier, would_execute, auto_execution, operator_decision, agreed, created_at, resolved_at)
      select event_id, location, decision,
             case when decision is null then 'human' when confident then (case when think < 500 then 'auto' else 'suggest' end) else 'queue' end,
             decision is not null and confident, live,
             case when answered then (case when agrees then coalesce(decision, 'escalate_tech') else 'escalate_tech' end) end,
             case when answered then agrees and decision is not null end,
             received_at + interval '150 milliseconds',
             case when answered then received_at + make_interval(secs => 20 + think * 7) end
      from seed_rows;
      insert into operator_decisions (event_id, actor_type, actor_id, kind, outcome, proposed_decision, decision, params, created_at)
      select event_id, 'operator', 'op-' || (i % 5), case when agrees and decision is not null then 'approve' else 'decide' end, 'recorded', decision,
             case when agrees then coalesce(decision, 'escalate_tech') else 'escalate_tech' end, '{}'::jsonb,
             received_at + make_interval(secs => 20 + think * 7)
      from seed_rows where answered;
      -- Automatic runs once automation is on: succeeded mostly, some failed, unconfirmed, cancelled or still pending.
      insert into executions (id, event_id, pattern_key, decision, params, location, idempotency_key, tier, origin, state, run_at, finished_at, created_at, updated_at)
      select md5('auto' || i)::uuid, event_id, 'p:' || decision, decision, '{}'::jsonb, location, 'auto:' || i,
             case when think < 500 then 'auto' else 'suggest' end, case when think < 500 then 'auto' else 'suggestion' end,
             case when fate < 850 then 'succeeded' when fate < 900 then 'failed' when fate < 920 then 'unconfirmed'
                  when fate < 940 then 'timed_out' when fate < 990 then 'cancelled' else 'pending' end,
             received_at + interval '1 second',
             case when fate < 940 then received_at + interval '3 seconds' end,
             received_at + interval '1 second', received_at + interval '3 seconds'
      from seed_rows where live and decision is not null and confident;
      -- What the operators decided ran too (every answer before automation, the disagreements after).
      insert into executions (id, event_id, pattern_key, decision, params, location, idempotency_key, tier, origin, state, run_at, finished_at, created_at, updated_at)
      select md5('op' || i)::uuid, event_id, 'p:escalate', case when agrees then coalesce(decision, 'escalate_tech') else 'escalate_tech' end, '{}'::jsonb,
             location, 'op:' || i, 'human', case when agrees and decision is not null then 'approval' else 'operator' end,
             case when fate < 930 then 'succeeded' else 'failed' end,
             received_at + make_interval(secs => 20 + think * 7),
             received_at + make_interval(secs => 22 + think * 7),
             received_at + make_interval(secs => 20 + think * 7), received_at + make_interval(secs => 22 + think * 7)
      from seed_rows where answered and (not live or not agrees or decision is null or not confident);
    `);
    await q.exec('commit');
    if (month.analyze === true) await q.exec('analyze events; analyze shadow_ledger; analyze operator_decisions; analyze executions');
  });
}

/** The median of some timings, in milliseconds. */
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The series endpoint's work (read the tallies, build the series) over a month of `n` decisions by day, all
 * locations, against a plain `count(*)` of the same table in the same run; medians of `runs` alternating
 * rounds after two warm-up rounds. PostgreSQL gets the statistics autovacuum would have gathered; PGlite,
 * which has no autovacuum, none. Report only (not in the compared set).
 */
export async function benchMetricSeries(n: number, engine: AppendEngine, runs = 15): Promise<BenchFigure> {
  const scratch = await openScratch(engine);
  const { database } = scratch;
  try {
    await migrateUp(database);
    const from = new Date('2026-02-01T00:00:00Z');
    await seedDecisionMonth(database, { decisions: n, from, days: 30, analyze: engine.kind === 'postgres' });
    const plan = planSeries(from, new Date(from.getTime() + 30 * 86_400_000), 'day');
    if (plan.kind !== 'ok') throw new Error('the benchmark period does not plan');
    const reader = metricRows(database.db);
    const series = async () => {
      const t = performance.now();
      const s = seriesFromTallies(plan, await reader.tallies(plan, null));
      const ms = performance.now() - t;
      const proposals = s.total.reduce((sum, p) => sum + p.shadow.proposals, 0);
      if (proposals !== n) throw new Error(`the series counted ${proposals} proposals of ${n}`);
      return ms;
    };
    const count = async () => {
      const t = performance.now();
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from shadow_ledger`.execute(database.db);
      const ms = performance.now() - t;
      if (rows[0]?.n !== n) throw new Error(`counted ${rows[0]?.n} ledger rows of ${n}`);
      return ms;
    };
    for (let i = 0; i < 2; i++) {
      await series();
      await count();
    }
    const seriesMs: number[] = [];
    const countMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      seriesMs.push(await series());
      countMs.push(await count());
    }
    return figure({
      id: `metrics.series_ms.day30.${n}.${engine.kind}`,
      value: median(seriesMs),
      unit: 'ms',
      baseline: { label: 'select count(*) from shadow_ledger, same run', value: median(countMs) },
      better: 'lower',
      note: `GET /v1/metrics/decisions/series?bucket=day over 30 days of ${n} decisions, all locations, without HTTP; median of ${runs}; report only`,
    });
  } finally {
    await scratch.dispose();
  }
}

/** 20k decisions on PGlite and, when DATABASE_URL is set, on PostgreSQL. */
export const bench: Bench = async () => {
  const figures = [await benchMetricSeries(20_000, { kind: 'pglite' })];
  const adminUrl = process.env.DATABASE_URL?.trim();
  if (adminUrl) figures.push(await benchMetricSeries(20_000, { kind: 'postgres', adminUrl }));
  return figures;
};
