import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveFigures } from '../../src/execution/liveFigures.js';
import { EXECUTION_STATES, ORIGINS } from '../../src/execution/states.js';
import {
  DEFAULT_BUCKETS,
  MAX_BUCKETS,
  type PlannedSeries,
  SERIES_BUCKETS,
  type SeriesExecutionRow,
  type SeriesLedgerRow,
  type SeriesPoint,
  defaultPeriod,
  metricSeries,
  planSeries,
  resolutionOf,
  resolutionSeconds,
  seriesFromTallies,
  tallyRows,
} from '../../src/pipeline/metricSeries.js';
import { shadowFigures } from '../../src/pipeline/shadowFigures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM = new Date('2026-03-01T00:00:00Z');
const hours = (n: number): PlannedSeries => ({ from: FROM, to: new Date(FROM.getTime() + n * HOUR), bucket: 'hour', buckets: n });
const at = (ms: number) => new Date(FROM.getTime() + ms);

const ledgerRow = (over: Partial<SeriesLedgerRow> = {}): SeriesLedgerRow => ({
  eventId: 'e1',
  location: 'Dartmouth',
  decision: 'reset_trackman',
  wouldExecute: true,
  agreed: null,
  autoExecution: false,
  receivedAt: at(0),
  proposedAt: at(0),
  answeredAt: null,
  ...over,
});

const executionRow = (over: Partial<SeriesExecutionRow> = {}): SeriesExecutionRow => ({
  eventId: 'e1',
  location: 'Dartmouth',
  origin: 'auto',
  state: 'succeeded',
  overridden: false,
  proposedAt: at(0),
  finishedAt: at(1_000),
  ...over,
});

const BUCKETS = 30;
const SPAN = BUCKETS * HOUR;

/**
 * Rows as the system writes them: one ledger row per event, proposed in the period (received up to a minute
 * before), answered later or not; executions belong to those events and count at their proposal's time, with at
 * most one automatic execution still standing per event, and only where automation was on when proposed.
 */
const world = fc
  .array(
    fc.record({
      location: fc.constantFrom('Dartmouth', 'Halifax', null),
      decision: fc.constantFrom('reset_trackman', 'reply_faq_hours', null),
      wouldExecute: fc.boolean(),
      agreed: fc.constantFrom(true, false, null),
      autoExecution: fc.boolean(),
      proposedMs: fc.integer({ min: 0, max: SPAN - 1 }),
      waitMs: fc.integer({ min: 0, max: 60_000 }),
      answerMs: fc.integer({ min: 0, max: 3 * DAY }),
      executions: fc.array(
        fc.record({
          origin: fc.constantFrom(...ORIGINS),
          state: fc.constantFrom(...EXECUTION_STATES),
          overridden: fc.boolean(),
          finishMs: fc.integer({ min: 0, max: 2 * DAY }),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 60 },
  )
  .map((events) => {
    const ledger: SeriesLedgerRow[] = [];
    const executions: SeriesExecutionRow[] = [];
    events.forEach((e, i) => {
      const eventId = `e${i}`;
      const proposedAt = at(e.proposedMs);
      ledger.push({
        eventId,
        location: e.location,
        decision: e.decision,
        wouldExecute: e.wouldExecute,
        agreed: e.agreed,
        autoExecution: e.autoExecution,
        receivedAt: new Date(proposedAt.getTime() - e.waitMs),
        proposedAt,
        answeredAt: e.agreed === null ? null : new Date(proposedAt.getTime() + e.answerMs),
      });
      let automatic = 0;
      for (const x of e.executions) {
        const auto = x.origin === 'auto' || x.origin === 'suggestion';
        if (auto && (!e.autoExecution || (x.state !== 'cancelled' && automatic++ > 0))) continue;
        const finished = x.state === 'succeeded' || x.state === 'failed' || x.state === 'unconfirmed' || x.state === 'timed_out' || x.state === 'cancelled';
        executions.push({
          eventId,
          location: e.location,
          origin: x.origin,
          state: x.state,
          overridden: auto && x.overridden,
          proposedAt,
          finishedAt: finished ? new Date(proposedAt.getTime() + x.finishMs) : null,
        });
      }
    });
    return { ledger, executions };
  });

const shuffled = <T>(xs: readonly T[]) => fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

const sum = (points: readonly SeriesPoint[], f: (p: SeriesPoint) => number) => points.reduce((n, p) => n + f(p), 0);

const rates = (p: SeriesPoint) => [
  [p.shadow.wouldAutomateRate, p.shadow.proposals],
  [p.shadow.accuracy, p.shadow.answered],
  [p.shadow.agreement, p.shadow.answeredWouldAutomate],
  [p.shadow.falsePositiveRate, p.shadow.answeredWouldAutomate],
  [p.shadow.interventionsSavedRate, p.shadow.answered],
  [p.live.automationRate, p.live.proposals],
  [p.live.accuracy, p.live.finished],
  [p.live.falsePositiveRate, p.live.automatedFinished],
] as const;

describe('metric series: planning the period', () => {
  it('widens the period to whole UTC buckets', () => {
    expect(planSeries(new Date('2026-03-02T10:30:00Z'), new Date('2026-03-02T12:10:00Z'), 'hour')).toEqual({
      kind: 'ok',
      from: new Date('2026-03-02T10:00:00Z'),
      to: new Date('2026-03-02T13:00:00Z'),
      bucket: 'hour',
      buckets: 3,
    });
    expect(planSeries(new Date('2026-03-02T10:30:00Z'), new Date('2026-03-04T00:00:00Z'), 'day')).toMatchObject({ from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z'), buckets: 2 });
  });

  it('refuses an empty or reversed period, and one of more than a month of hours or a year of days', () => {
    const t = new Date('2026-03-02T10:00:00Z');
    expect(planSeries(t, t, 'hour')).toEqual({ kind: 'empty_period' });
    expect(planSeries(t, new Date(t.getTime() - 1), 'day')).toEqual({ kind: 'empty_period' });
    expect(planSeries(new Date(Number.NaN), t, 'hour')).toEqual({ kind: 'empty_period' });
    expect(planSeries(t, new Date(t.getTime() + MAX_BUCKETS.hour * HOUR), 'hour')).toMatchObject({ kind: 'ok', buckets: 744 });
    expect(planSeries(t, new Date(t.getTime() + MAX_BUCKETS.hour * HOUR + 1), 'hour')).toEqual({ kind: 'too_many_buckets', buckets: 745, max: 744 });
    expect(planSeries(t, new Date(t.getTime() + 367 * DAY), 'day')).toMatchObject({ kind: 'too_many_buckets', max: 366 });
  });

  it('defaults to the last 24 hours or 30 days, ending with the bucket now falls in', () => {
    const now = new Date('2026-03-02T12:10:00Z');
    expect(defaultPeriod(now, 'hour')).toEqual({ from: new Date('2026-03-01T13:00:00Z'), to: new Date('2026-03-02T13:00:00Z') });
    expect(defaultPeriod(now, 'day')).toEqual({ from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') });
    for (const b of ['hour', 'day'] as const) {
      const p = defaultPeriod(now, b);
      expect(planSeries(p.from, p.to, b)).toMatchObject({ kind: 'ok', buckets: DEFAULT_BUCKETS[b] });
    }
  });

  it('property: a planned period covers the asked one with whole UTC buckets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('hour' as const, 'day' as const), (start, f, bucket) => {
        const ms = SERIES_BUCKETS[bucket];
        const length = 1 + Math.floor(f * ((MAX_BUCKETS[bucket] - 1) * ms - 1));
        const plan = planSeries(new Date(start), new Date(start + length), bucket) as { kind: string } & PlannedSeries;
        expect(plan.kind).toBe('ok');
        expect(plan.from.getTime() % ms).toBe(0);
        expect(plan.to.getTime() % ms).toBe(0);
        expect(plan.from.getTime()).toBeLessThanOrEqual(start);
        expect(plan.from.getTime()).toBeGreaterThan(start - ms);
        expect(plan.to.getTime()).toBeGreaterThanOrEqual(start + length);
        expect(plan.to.getTime()).toBeLessThan(start + length + ms);
        expect(plan.buckets * ms).toBe(plan.to.getTime() - plan.from.getTime());
      }),
    );
  });

  it('property: a period longer than the limit is refused, whatever its start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 400 * DAY }), fc.constantFrom('hour' as const, 'day' as const), (start, extra, bucket) => {
        const plan = planSeries(new Date(start), new Date(start + MAX_BUCKETS[bucket] * SERIES_BUCKETS[bucket] + extra), bucket);
        expect(plan).toMatchObject({ kind: 'too_many_buckets', max: MAX_BUCKETS[bucket] });
      }),
    );
  });
});

describe('metric series: buckets', () => {
  it('has every bucket, empty ones with zero counts and null rates', () => {
    const s = metricSeries(hours(3), [ledgerRow({ proposedAt: at(HOUR + 5), receivedAt: at(HOUR) })], []);
    expect(s.total.map((p) => p.start.toISOString())).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-01T01:00:00.000Z', '2026-03-01T02:00:00.000Z']);
    expect(s.total.map((p) => p.shadow.proposals)).toEqual([0, 1, 0]);
    const empty = s.total[0]!;
    expect(empty.shadow).toEqual({
      proposals: 0,
      answered: 0,
      wouldAutomate: 0,
      answeredWouldAutomate: 0,
      wouldAutomateRate: null,
      accuracy: null,
      agreement: null,
      falsePositiveRate: null,
      interventionsSaved: 0,
      interventionsSavedRate: null,
    });
    expect(empty.live).toEqual({
      proposals: 0,
      executions: 0,
      automated: 0,
      finished: 0,
      automatedFinished: 0,
      automationRate: null,
      accuracy: null,
      falsePositiveRate: null,
      interventionsSaved: 0,
      cancelled: 0,
      awaitingHuman: 0,
    });
    expect(empty.resolution).toEqual({ resolved: 0, medianSeconds: null, p90Seconds: null });
    // A bucket with an unanswered proposal: the would-automate rate is measured, accuracy is not.
    expect(s.total[1]!.shadow).toMatchObject({ proposals: 1, wouldAutomateRate: 1, accuracy: null, falsePositiveRate: null });
    expect(s.locations.map((l) => [l.location, l.points.length])).toEqual([['Dartmouth', 3]]);
  });

  it('counts a row at a bucket edge in the bucket it starts, and ignores rows outside the period', () => {
    const rows = [ledgerRow({ eventId: 'a', proposedAt: at(HOUR) }), ledgerRow({ eventId: 'b', proposedAt: at(HOUR - 1) }), ledgerRow({ eventId: 'c', proposedAt: at(-1) }), ledgerRow({ eventId: 'd', proposedAt: at(2 * HOUR) })];
    expect(metricSeries(hours(2), rows, []).total.map((p) => p.shadow.proposals)).toEqual([1, 1]);
  });

  it('puts an execution in the bucket of its proposal, and counts proposals made with automation on as the live ones', () => {
    const s = metricSeries(
      hours(2),
      [ledgerRow({ eventId: 'a', autoExecution: true }), ledgerRow({ eventId: 'b', autoExecution: false, proposedAt: at(HOUR + 1) })],
      [executionRow({ eventId: 'a' }), executionRow({ eventId: 'b', origin: 'operator', proposedAt: at(HOUR + 1), finishedAt: at(5 * HOUR) })],
    );
    expect(s.total[0]!.live).toMatchObject({ proposals: 1, executions: 1, automated: 1, automationRate: 1, accuracy: 1, falsePositiveRate: 0, interventionsSaved: 1 });
    expect(s.total[1]!.live).toMatchObject({ proposals: 0, executions: 1, automated: 0, automationRate: null, accuracy: 1, falsePositiveRate: null, interventionsSaved: 0 });
  });

  it('counts alike rows as one tally, and builds the series from tallies, ignoring those outside the period', () => {
    const rows = [ledgerRow({ eventId: 'a' }), ledgerRow({ eventId: 'b' }), ledgerRow({ eventId: 'c', agreed: true, answeredAt: at(60_000) })];
    const before = ledgerRow({ eventId: 'z', proposedAt: at(-1) });
    const tallies = tallyRows(hours(2), [...rows, before], [executionRow({ eventId: 'a' }), executionRow({ eventId: 'b' }), executionRow({ eventId: 'z', proposedAt: at(-1) })]);
    expect(tallies.ledger.map((t) => [t.agreed, t.count])).toEqual([
      [null, 2],
      [true, 1],
    ]);
    expect(tallies.executions).toEqual([{ start: FROM.getTime(), location: 'Dartmouth', origin: 'auto', state: 'succeeded', overridden: false, count: 2 }]);
    expect(tallies.resolution.map((t) => [t.location, t.total, t.figures.resolved])).toEqual([
      ['Dartmouth', false, 3],
      [null, true, 3],
    ]);
    const outside = (start: number) => ({
      ledger: tallies.ledger.map((t) => ({ ...t, start })),
      executions: tallies.executions.map((t) => ({ ...t, start })),
      resolution: tallies.resolution.map((t) => ({ ...t, start })),
    });
    for (const start of [FROM.getTime() - HOUR, FROM.getTime() + 2 * HOUR]) {
      const s = seriesFromTallies(hours(2), outside(start));
      expect(s.total.map((p) => [p.shadow.proposals, p.live.executions, p.resolution.resolved])).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
    }
    expect(seriesFromTallies(hours(2), tallies)).toEqual(metricSeries(hours(2), rows, [executionRow({ eventId: 'a' }), executionRow({ eventId: 'b' })]));
  });

  it('property: bucket counts sum to the totals of the existing figures over the same rows', () => {
    fc.assert(
      fc.property(world, ({ ledger, executions }) => {
        const s = metricSeries(hours(BUCKETS), ledger, executions);
        const shadow = shadowFigures(ledger);
        const live = liveFigures(executions, ledger.filter((r) => r.autoExecution).length);
        for (const key of ['proposals', 'answered', 'wouldAutomate', 'answeredWouldAutomate', 'interventionsSaved'] as const) expect(sum(s.total, (p) => p.shadow[key])).toBe(shadow[key]);
        for (const key of ['proposals', 'executions', 'automated', 'finished', 'automatedFinished', 'interventionsSaved', 'cancelled', 'awaitingHuman'] as const) expect(sum(s.total, (p) => p.live[key])).toBe(live[key]);
        expect(sum(s.total, (p) => p.resolution.resolved)).toBe(resolutionSeconds(ledger, executions).size);
      }),
    );
  });

  it('property: each bucket holds exactly the rows proposed in it, with the figures those rows give', () => {
    fc.assert(
      fc.property(world, ({ ledger, executions }) => {
        const s = metricSeries(hours(BUCKETS), ledger, executions);
        s.total.forEach((p, i) => {
          const start = FROM.getTime() + i * HOUR;
          expect(p.start.getTime()).toBe(start);
          const inBucket = (t: Date) => t.getTime() >= start && t.getTime() < start + HOUR;
          const mine = ledger.filter((r) => inBucket(r.proposedAt));
          const theirs = executions.filter((x) => inBucket(x.proposedAt));
          const shadow = shadowFigures(mine);
          const live = liveFigures(theirs, mine.filter((r) => r.autoExecution).length);
          expect(p.shadow.proposals).toBe(mine.length);
          expect(p.live.executions).toBe(theirs.length);
          expect(p.shadow.falsePositiveRate ?? shadow.falsePositiveRate).toBe(shadow.falsePositiveRate);
          expect(p.shadow.accuracy ?? shadow.accuracy).toBe(shadow.accuracy);
          expect(p.live.automationRate ?? live.automationRate).toBe(live.automationRate);
          expect(p.live.accuracy ?? live.accuracy).toBe(live.accuracy);
        });
        // Every row in exactly one bucket: the buckets' rows add up to all rows, none twice.
        expect(sum(s.total, (p) => p.shadow.proposals)).toBe(ledger.length);
        expect(sum(s.total, (p) => p.live.executions)).toBe(executions.length);
      }),
    );
  });

  it('property: rates lie in [0, 1], and are null exactly when their denominator is 0', () => {
    fc.assert(
      fc.property(world, ({ ledger, executions }) => {
        const s = metricSeries(hours(BUCKETS), ledger, executions);
        for (const p of [...s.total, ...s.locations.flatMap((l) => l.points)]) {
          for (const [rate, denominator] of rates(p)) {
            expect(rate === null).toBe(denominator === 0);
            expect(rate === null || (rate >= 0 && rate <= 1)).toBe(true);
          }
        }
      }),
    );
  });

  it('property: the locations partition the total, bucket by bucket', () => {
    fc.assert(
      fc.property(world, ({ ledger, executions }) => {
        const s = metricSeries(hours(BUCKETS), ledger, executions);
        expect(new Set(s.locations.map((l) => l.location)).size).toBe(s.locations.length);
        s.total.forEach((p, i) => {
          const parts = s.locations.map((l) => l.points[i]!);
          expect(sum(parts, (q) => q.shadow.proposals)).toBe(p.shadow.proposals);
          expect(sum(parts, (q) => q.shadow.interventionsSaved)).toBe(p.shadow.interventionsSaved);
          expect(sum(parts, (q) => q.live.executions)).toBe(p.live.executions);
          expect(sum(parts, (q) => q.resolution.resolved)).toBe(p.resolution.resolved);
        });
      }),
    );
  });

  it('property: the order of the rows does not matter', () => {
    fc.assert(
      fc.property(
        world.chain((w) => fc.tuple(fc.constant(w), shuffled(w.ledger), shuffled(w.executions))),
        ([w, ledger, executions]) => {
          expect(metricSeries(hours(BUCKETS), ledger, executions)).toEqual(metricSeries(hours(BUCKETS), w.ledger, w.executions));
        },
      ),
    );
  });
});

describe('metric series: time to resolution', () => {
  it("runs from the event's arrival to the operator's answer", () => {
    const s = metricSeries(hours(1), [ledgerRow({ receivedAt: at(0), proposedAt: at(2_000), answeredAt: at(300_000), agreed: true })], []);
    expect(s.total[0]!.resolution).toEqual({ resolved: 1, medianSeconds: 300, p90Seconds: 300 });
  });

  it('ends at the finish of an automatic execution that succeeded, when that came before any answer', () => {
    const ledger = [ledgerRow({ eventId: 'a', autoExecution: true, answeredAt: at(600_000), agreed: true })];
    expect(resolutionSeconds(ledger, [executionRow({ eventId: 'a', finishedAt: at(4_500) })]).get('a')).toBe(4.5);
    // An operator's own execution, a failed or an overridden automatic one does not resolve anything by itself.
    for (const x of [executionRow({ eventId: 'a', origin: 'operator' }), executionRow({ eventId: 'a', state: 'failed' }), executionRow({ eventId: 'a', overridden: true })]) {
      expect(resolutionSeconds(ledger, [x]).get('a')).toBe(600);
    }
    // Unanswered and not automated: still open, left out.
    expect(resolutionSeconds([ledgerRow({ eventId: 'b' })], [executionRow({ eventId: 'b', state: 'unconfirmed' })]).size).toBe(0);
  });

  it('takes median and p90 by nearest rank', () => {
    expect(resolutionOf([])).toEqual({ resolved: 0, medianSeconds: null, p90Seconds: null });
    expect(resolutionOf([30, 10, 20])).toEqual({ resolved: 3, medianSeconds: 20, p90Seconds: 30 });
    expect(resolutionOf([4, 1, 3, 2])).toEqual({ resolved: 4, medianSeconds: 2, p90Seconds: 4 });
    expect(resolutionOf(Array.from({ length: 10 }, (_, i) => i + 1))).toMatchObject({ medianSeconds: 5, p90Seconds: 9 });
  });

  it('property: median ≤ p90, both observed durations between the fastest and the slowest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e7 }).map((n) => n / 1000), { minLength: 1, maxLength: 80 }), (xs) => {
        const r = resolutionOf(xs);
        expect(r.resolved).toBe(xs.length);
        expect(xs).toContain(r.medianSeconds);
        expect(xs).toContain(r.p90Seconds);
        expect(r.medianSeconds!).toBeLessThanOrEqual(r.p90Seconds!);
        expect(r.medianSeconds!).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(r.p90Seconds!).toBeLessThanOrEqual(Math.max(...xs));
        expect(xs.filter((x) => x <= r.medianSeconds!).length).toBeGreaterThanOrEqual(xs.length / 2);
      }),
    );
  });
});
