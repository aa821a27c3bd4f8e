import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDecisionMonth } from '../../src/bench/metricSeries.js';
import { EXECUTION_STATES, ORIGINS } from '../../src/execution/states.js';
import { type PlannedSeries, metricSeries, planSeries, seriesFromTallies, tallyRows } from '../../src/pipeline/metricSeries.js';
import { metricRows } from '../../src/store/decisions/metricRows.js';
import { type TestDatabase, engines } from '../support/databases.js';
import { rowsBefore, seriesBefore } from './metricSeriesBefore.js';

const HOUR = 3_600_000;
const US = 1000; // microseconds per millisecond
const FROM = Date.parse('2026-03-01T00:00:00Z');
const plan = (bucket: 'hour' | 'day', from: number, buckets: number): PlannedSeries => {
  const p = planSeries(new Date(from), new Date(from + buckets * (bucket === 'hour' ? HOUR : 24 * HOUR)), bucket);
  if (p.kind !== 'ok') throw new Error('bad plan');
  return p;
};
/** The scopes a request can have: everything, one location in another case, several with an unknown one, none. */
const SCOPES = [null, ['dartmouth'], ['HALIFAX', 'Nowhere'], []] as const;

/** A time in microseconds after FROM, exactly (a JavaScript Date would round it to the millisecond). */
const ts = (us: number): RawBuilder<Date> => sql<Date>`(${new Date(FROM)}::timestamptz + ${us}::bigint * interval '1 microsecond')`;

/** Microseconds: within a few seconds (before a skewed arrival, before or after another step), or up to `ms`. */
const soonOrLater = (ms: number) => fc.oneof(fc.integer({ min: 0, max: 3_000 * US }), fc.integer({ min: 0, max: ms * US }));

/**
 * Events as they land in the tables, with times to the microsecond (the system writes milliseconds; the SQL
 * must not care) around the bucket edges and outside the period, answers that come before or after an
 * execution, executions at other locations than their event, skewed clocks.
 */
const world = fc.array(
  fc.record({
    location: fc.constantFrom('Dartmouth', 'dartmouth', 'Halifax', null),
    decision: fc.constantFrom('reset_trackman', 'reply_faq_hours', null),
    wouldExecute: fc.boolean(),
    autoExecution: fc.boolean(),
    proposedUs: fc.oneof(
      fc.integer({ min: -6 * HOUR * US, max: 30 * HOUR * US }),
      fc.integer({ min: 0, max: 24 }).map((h) => h * HOUR * US),
      fc.tuple(fc.integer({ min: 0, max: 24 }), fc.integer({ min: -1500, max: 1500 })).map(([h, d]) => h * HOUR * US + d),
    ),
    waitUs: fc.integer({ min: -2_000 * US, max: 60_000 * US }),
    answer: fc.option(fc.record({ afterUs: soonOrLater(30 * HOUR), decision: fc.constantFrom('reset_trackman', 'escalate_tech'), agreed: fc.boolean() })),
    executions: fc.array(
      fc.record({
        origin: fc.constantFrom('auto', 'suggestion', ...ORIGINS),
        state: fc.constantFrom('succeeded', 'succeeded', ...EXECUTION_STATES),
        decision: fc.constantFrom('reset_trackman', 'escalate_tech'),
        elsewhere: fc.constantFrom(false, false, true),
        createdAfterUs: soonOrLater(30 * HOUR),
        // Sometimes within a millisecond of the answer, on either side.
        nearAnswerUs: fc.option(fc.integer({ min: -1500, max: 1500 })),
        finishedAfterUs: fc.option(soonOrLater(10 * HOUR)),
      }),
      { maxLength: 3 },
    ),
  }),
  { maxLength: 40 },
);

type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

async function store(database: TestDatabase, events: World): Promise<void> {
  const db = database.db;
  await sql`truncate events cascade`.execute(db);
  if (events.length === 0) return;
  const rows = events.map((e, i) => ({ ...e, id: randomUUID(), i }));
  await sql`insert into events (id, received_at, occurred_at, kind, channel, sender, location, text, context, request_hash, status)
    values ${sql.join(rows.map((e) => sql`(${e.id}, ${ts(e.proposedUs - e.waitUs)}, ${ts(e.proposedUs - e.waitUs)}, 'message', 'sms', ${`c-${e.i}`}, ${e.location}, 'trackman frozen', '{}'::jsonb, ${`h${e.i}`}, 'decided')`))}`.execute(db);
  await sql`insert into shadow_ledger (event_id, location, decision, tier, would_execute, auto_execution, operator_decision, agreed, created_at, resolved_at)
    values ${sql.join(
      rows.map(
        (e) =>
          sql`(${e.id}, ${e.location}, ${e.decision}, 'queue', ${e.wouldExecute}, ${e.autoExecution}, ${e.answer?.decision ?? null}, ${e.answer?.agreed ?? null}, ${ts(e.proposedUs)}, ${e.answer ? ts(e.proposedUs + e.answer.afterUs) : null})`,
      ),
    )}`.execute(db);
  const answered = rows.filter((e) => e.answer !== null);
  if (answered.length > 0) {
    await sql`insert into operator_decisions (event_id, actor_type, actor_id, kind, outcome, decision, params, created_at)
      values ${sql.join(answered.map((e) => sql`(${e.id}, 'operator', 'op', 'decide', 'recorded', ${e.answer!.decision}, '{}'::jsonb, ${ts(e.proposedUs + e.answer!.afterUs)})`))}`.execute(db);
  }
  const executions = rows.flatMap((e) =>
    e.executions.map((x) => {
      const created = e.answer && x.nearAnswerUs !== null ? e.proposedUs + e.answer.afterUs + x.nearAnswerUs : e.proposedUs + x.createdAfterUs;
      return sql`(${randomUUID()}, ${e.id}, 'p', ${x.decision}, '{}'::jsonb, ${x.elsewhere ? 'Halifax' : e.location}, ${randomUUID()}, 'auto', ${x.origin}, ${x.state},
        ${ts(created)}, ${x.finishedAfterUs === null ? null : ts(created + x.finishedAfterUs)}, ${ts(created)}, ${ts(created)})`;
    }),
  );
  if (executions.length > 0) {
    await sql`insert into executions (id, event_id, pattern_key, decision, params, location, idempotency_key, tier, origin, state, run_at, finished_at, created_at, updated_at)
      values ${sql.join(executions)}`.execute(db);
  }
}

for (const engine of engines) {
  describe(`the metrics series counted in SQL on ${engine.name}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await engine.open();
    });
    afterAll(async () => database.dispose());

    it('property: equals the series the endpoint computed from the rows before, in every bucketing and scope', async () => {
      const reader = metricRows(database.db);
      const plans = [plan('hour', FROM, 24), plan('day', FROM - 24 * HOUR, 3)];
      // What the runs compared, summed: the property is only as good as the cases it met.
      const met = { proposals: 0, resolved: 0, saved: 0, overridden: 0, outside: 0 };
      await fc.assert(
        fc.asyncProperty(world, async (events) => {
          await store(database, events);
          for (const p of plans) {
            for (const scope of SCOPES) {
              const before = await seriesBefore(database.db, p, scope);
              // The tallies are those of the definition, and the series built from them is the one from before.
              const tallies = await reader.tallies(p, scope);
              const rows = await rowsBefore(database.db, p, scope);
              const defined = tallyRows(p, rows.ledger, rows.executions);
              const key = (t: object) => JSON.stringify(t);
              expect(tallies.ledger.map(key).sort()).toEqual(defined.ledger.map(key).sort());
              expect(tallies.executions.map(key).sort()).toEqual(defined.executions.map(key).sort());
              expect(tallies.resolution.map(key).sort()).toEqual(defined.resolution.map(key).sort());
              expect(seriesFromTallies(p, tallies)).toEqual(before);
              expect(metricSeries(p, rows.ledger, rows.executions)).toEqual(before);
              if (p.bucket === 'hour' && scope === null) {
                met.proposals += before.total.reduce((n, q) => n + q.shadow.proposals, 0);
                met.resolved += before.total.reduce((n, q) => n + q.resolution.resolved, 0);
                met.saved += before.total.reduce((n, q) => n + q.live.interventionsSaved, 0);
                met.overridden += rows.executions.filter((x) => x.overridden).length;
                met.outside += events.length - rows.ledger.length;
              }
            }
          }
        }),
        { numRuns: engine.name === 'postgres' ? 40 : 25 },
      );
      for (const [what, n] of Object.entries(met)) expect(n, what).toBeGreaterThan(0);
    });

    it('equals the series from before over a generated month of 20k decisions, by day and by hour', async () => {
      await sql`truncate events cascade`.execute(database.db);
      await seedDecisionMonth(database, { decisions: 20_000, from: new Date(FROM), days: 30 });
      const reader = metricRows(database.db);
      for (const [p, scope] of [
        [plan('day', FROM, 30), null],
        [plan('hour', FROM + 10 * 24 * HOUR, 24 * 7), null],
        [plan('day', FROM - 5 * 24 * HOUR, 40), ['Halifax', 'truro']],
      ] as const) {
        const before = await seriesBefore(database.db, p, scope);
        const after = seriesFromTallies(p, await reader.tallies(p, scope));
        expect(after).toEqual(before);
        // Not an empty comparison: the month has proposals, answers, automatic runs and resolutions in it.
        const sum = (f: (i: number) => number) => after.total.reduce((n, _, i) => n + f(i), 0);
        expect(sum((i) => after.total[i]!.shadow.answered)).toBeGreaterThan(0);
        expect(sum((i) => after.total[i]!.live.interventionsSaved)).toBeGreaterThan(0);
        expect(sum((i) => after.total[i]!.resolution.resolved)).toBeGreaterThan(0);
      }
    });
  });
}
