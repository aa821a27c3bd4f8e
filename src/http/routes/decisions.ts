import { Type } from 'typebox';
import type { LiveFigures } from '../../execution/liveFigures.js';
import type { ExecutionRecord } from '../../execution/ports.js';
import { type Principal, actorOf, canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { DecisionPipeline } from '../../pipeline/decisionPipeline.js';
import { DEFAULT_BUCKETS, type MetricRowsReader, SERIES_BUCKETS, defaultPeriod, planSeries, seriesFromTallies } from '../../pipeline/metricSeries.js';
import type { QueueItem, StoredPattern } from '../../pipeline/ports.js';
import type { DecisionResult } from '../../pipeline/recordDecision.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { IdParams, IntString, NoQuery, Strict } from '../schemas.js';
import { SERIES_DESCRIPTION, SeriesQuery, SeriesView, pointView } from './metricSeriesViews.js';

export const DecisionParamsSchema = Strict({
  location: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  bay: Type.Optional(Type.Integer({ minimum: 0, maximum: 999 })),
  bookingId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  device: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  item: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  template: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
const DecisionName = Type.String({ pattern: '^[a-z0-9_]{1,64}$' });

const DecisionBody = Strict({
  kind: Type.Union([Type.Literal('approve'), Type.Literal('veto'), Type.Literal('modify'), Type.Literal('decide'), Type.Literal('reject')]),
  decision: Type.Optional(DecisionName),
  params: Type.Optional(DecisionParamsSchema),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});
const HoldBody = Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) });
const PatternParams = Strict({ key: Type.String({ pattern: '^[a-z0-9_~+]{1,200}$' }) });

const QueueView = Type.Object({ items: Type.Array(Type.Unknown()) });
const PatternsView = Type.Object({ patterns: Type.Array(Type.Unknown()) });

const queueItem = (i: QueueItem) => ({
  eventId: i.event.id,
  receivedAt: i.event.receivedAt.toISOString(),
  kind: i.event.kind,
  channel: i.event.channel,
  from: i.event.sender,
  location: i.event.location,
  bay: i.event.bay,
  text: i.event.text,
  proposal: { ...i.proposal, createdAt: i.proposal.createdAt.toISOString() },
});

const patternView = (p: StoredPattern) => ({
  key: p.record.key,
  decision: p.record.decision,
  variant: p.record.variant,
  state: p.state,
  hold: p.record.hold,
  reliability: p.reliability,
  trackRecord: {
    humanApproved: p.record.humanApproved,
    overrides: p.record.overrides,
    vetoes: p.record.vetoes,
    rejections: p.record.rejections,
    modifications: p.record.modifications,
    record: p.record.record,
    suggestRecord: p.record.suggestRecord,
  },
  confidenceHistory: p.history,
  updatedAt: p.updatedAt.toISOString(),
});

const DECISION_PROBLEMS = {
  not_found: problems['event-not-found'],
  not_proposed: problems['event-not-proposed'],
  already_decided: problems['event-already-decided'],
  invalid: problems['decision-invalid'],
  already_executed: problems['execution-already-ran'],
} satisfies Record<Exclude<DecisionResult['kind'], 'recorded'>, unknown>;

const scope = (p: Principal): readonly string[] | null => p.locations;

/** The operator API of the decision stage: queue, answers, patterns with holds, shadow figures. */
export interface ExecutionViews {
  /** The executions of these events (queue items show their suggestion and state). */
  forEvents(eventIds: readonly string[]): Promise<ExecutionRecord[]>;
  /** Live figures of what really ran, and whether automation is on. */
  live(locations: readonly string[] | null): Promise<{ readonly on: boolean; readonly figures: LiveFigures }>;
}

/** What the metrics series reads: the tallies of a period's rows, the automation flag (the mode) and the time (the default period). */
export interface SeriesViews {
  readonly reader: MetricRowsReader;
  readonly autoExecution: () => boolean;
  readonly clock: Clock;
}

const executionSummary = (r: ExecutionRecord) => ({ executionId: r.id, decision: r.decision, state: r.state, origin: r.origin, runAt: r.runAt.toISOString() });

export function decisionRoutes(deps: { pipeline: DecisionPipeline; executions?: ExecutionViews; series: SeriesViews }) {
  return (app: HttpApp) => {
    app.get(
      '/v1/queue',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['decisions'], summary: 'Proposals awaiting an operator, emergencies first', querystring: Strict({ limit: Type.Optional(IntString) }), response: { 200: QueueView } },
      },
      async (request) => {
        const limit = Math.min(200, Math.max(1, Number(request.query.limit ?? 50)));
        const items = await deps.pipeline.queue(scope(principalOf(request)), limit);
        const rows = deps.executions ? await deps.executions.forEvents(items.map((i) => i.event.id)) : [];
        return {
          items: items.map((i) => {
            const mine = rows.filter((r) => r.eventId === i.event.id);
            const suggestion = mine.find((r) => r.state === 'scheduled');
            return {
              ...queueItem(i),
              suggestion: suggestion === undefined ? null : { executionId: suggestion.id, runAt: suggestion.runAt.toISOString() },
              executions: mine.map(executionSummary),
            };
          }),
        };
      },
    );

    app.post(
      '/v1/events/:id/decision',
      {
        bodyLimit: 8 * 1024,
        config: { auth: { operator: 'operator' } },
        schema: {
          tags: ['decisions'],
          summary: 'Answer a proposal: approve, veto, modify, reject, or decide from scratch',
          params: IdParams,
          querystring: NoQuery,
          body: DecisionBody,
          response: { 201: Type.Object({ eventId: Type.String(), kind: Type.String(), outcome: Type.String(), decision: Type.String(), params: Type.Unknown(), agreed: Type.Boolean() }) },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const { kind, decision, params, reason } = request.body;
        const result = await deps.pipeline.decide({
          eventId: request.params.id,
          answer: { kind, ...(decision !== undefined ? { decision } : {}), ...(params !== undefined ? { params } : {}) },
          reason: reason ?? null,
          actor: actorOf(p),
          mayAccess: (location) => canAccessLocation(p, location),
        });
        if (result.kind !== 'recorded') {
          return sendProblem(request, reply, DECISION_PROBLEMS[result.kind], undefined, result.kind === 'invalid' ? { reason: result.reason } : undefined);
        }
        const r = result.record;
        return reply.code(201).send({ eventId: r.eventId, kind: r.kind, outcome: r.outcome, decision: r.decision, params: r.params, agreed: r.agreed });
      },
    );

    app.get(
      '/v1/patterns',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['decisions'], summary: 'Remembered decisions: track record, state, confidence history', querystring: NoQuery, response: { 200: PatternsView } },
      },
      async () => ({ patterns: (await deps.pipeline.patterns()).map(patternView) }),
    );

    const HOLD_SUMMARY = {
      lock: 'Lock a pattern: never automate it',
      demote: 'Demote a pattern: at most the approval queue',
      release: 'Release a lock or demotion: the pattern\'s own record decides again',
    } as const;
    for (const kind of ['lock', 'demote', 'release'] as const) {
      app.post(
        `/v1/patterns/:key/${kind}`,
        {
          bodyLimit: 2 * 1024,
          config: { auth: { operator: 'supervisor' } },
          schema: {
            tags: ['decisions'],
            summary: HOLD_SUMMARY[kind],
            params: PatternParams,
            querystring: NoQuery,
            body: HoldBody,
            response: { 200: Type.Object({ key: Type.String(), hold: Type.String() }) },
          },
        },
        async (request, reply) => {
          const p = principalOf(request);
          // Patterns are shared by every location: only a supervisor of all locations may hold one.
          if (p.locations !== null) return sendProblem(request, reply, problems['location-forbidden'], 'Patterns span every location.');
          const out = await deps.pipeline.hold(request.params.key, kind, actorOf(p), request.body.reason ?? null);
          if (out.kind === 'not_found') return sendProblem(request, reply, problems['pattern-not-found'], 'No such pattern.');
          return { key: out.pattern.key, hold: out.pattern.hold };
        },
      );
    }

    app.get(
      '/v1/metrics/decisions',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['decisions'], summary: 'Shadow-mode figures per location (would-automate rate, agreement, false positives, interventions saved) and live figures of what really ran', querystring: NoQuery, response: { 200: Type.Unknown() } },
      },
      async (request) => {
        const locations = scope(principalOf(request));
        const shadow = await deps.pipeline.metrics(locations);
        const live = deps.executions ? await deps.executions.live(locations) : null;
        return { mode: live?.on === true ? 'live' : 'shadow', ...shadow, ...(live === null ? {} : { live: live.figures }) };
      },
    );

    app.get(
      '/v1/metrics/decisions/series',
      {
        config: { auth: { operator: 'viewer' } },
        schema: {
          tags: ['decisions'],
          summary: 'The decision metrics over time: shadow and live figures and time to resolution per UTC hour or day, overall and per location',
          description: SERIES_DESCRIPTION,
          querystring: SeriesQuery,
          response: { 200: SeriesView },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const { bucket, location } = request.query;
        if (location !== undefined && !canAccessLocation(p, location)) return sendProblem(request, reply, problems['location-forbidden'], 'You may not see that location.');
        const to = request.query.to === undefined ? defaultPeriod(deps.series.clock.now(), bucket).to : new Date(request.query.to);
        const from = request.query.from === undefined ? new Date(to.getTime() - DEFAULT_BUCKETS[bucket] * SERIES_BUCKETS[bucket]) : new Date(request.query.from);
        const plan = planSeries(from, to, bucket);
        if (plan.kind !== 'ok') {
          const [pointer, detail] =
            plan.kind === 'empty_period'
              ? ['/from', '`from` must be a time before `to`.']
              : ['/bucket', `${plan.buckets} buckets of a ${bucket}: at most ${plan.max}; choose day buckets or a shorter period.`];
          return sendProblem(request, reply, problems['validation-failed'], detail, { errors: [{ location: 'querystring', pointer, message: detail }] });
        }
        const scoped = location === undefined ? scope(p) : [location];
        const series = seriesFromTallies(plan, await deps.series.reader.tallies(plan, scoped));
        return {
          mode: deps.series.autoExecution() ? ('live' as const) : ('shadow' as const),
          bucket,
          from: plan.from.toISOString(),
          to: plan.to.toISOString(),
          location: location ?? null,
          total: series.total.map(pointView),
          locations: series.locations.map((l) => ({ location: l.location, points: l.points.map(pointView) })),
        };
      },
    );
  };
}
