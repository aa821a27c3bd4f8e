import { Type } from 'typebox';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import { BUCKETS, type BucketName, alignDown, planSeries, zeroFilled } from '../../security/dashboard/buckets.js';
import { SERIES_METRICS, type SecurityDashboardReader } from '../../security/dashboard/ports.js';
import { activeBans, riskiestKeys, summariseEvents, tally } from '../../security/dashboard/summary.js';
import { BAN } from '../../security/rateLimit/bans.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { Strict, Timestamp } from '../schemas.js';
import { Status, type VerificationCache, statusView } from './audit.js';

const DAY_MS = 86_400_000;
const MAX_SPAN_MS = 366 * DAY_MS;
const KEY_LIFECYCLE = ['key.created', 'key.rotated', 'key.suspended', 'key.revoked', 'key.expired', 'key.used_from_new_prefix'];
const LOGINS = ['auth.login_failed', 'auth.login_succeeded'];

const Tally = Type.Object({ total: Type.Integer(), by: Type.Array(Type.Object({ label: Type.String(), n: Type.Integer() })) });
const Split = Type.Object({ byKind: Tally, byRoute: Tally });
const SummaryView = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  location: Type.Union([Type.String(), Type.Null()]),
  requests: Type.Object({ blocked: Split, flagged: Split }),
  rateLimit: Type.Object({
    episodes: Tally,
    bans: Type.Integer(),
    activeBans: Type.Array(Type.Object({ subject: Type.String(), until: Type.String(), nth: Type.Integer() })),
  }),
  keys: Type.Object({
    signals: Tally,
    lifecycle: Tally,
    riskiest: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), displayPrefix: Type.String(), state: Type.String(), riskScore: Type.Number(), level: Type.String(), limitMultiplier: Type.Number() }),
    ),
  }),
  logins: Type.Object({ failed: Tally, succeeded: Type.Integer() }),
  anomalies: Type.Object({ adaptiveTrust: Tally }),
  shedding: Type.Object({
    events: Type.Integer(),
    levelChanges: Type.Integer(),
    shedRequests: Type.Integer(),
    maxShedLevel: Type.Integer(),
    peakPressure: Type.Number(),
    peakEventLoopDelayMs: Type.Number(),
    peakRssMb: Type.Number(),
    samples: Type.Integer(),
  }),
  audit: Type.Union([Status, Type.Null()]),
});

const Metric = Type.Union(SERIES_METRICS.map((m) => Type.Literal(m)));
const Bucket = Type.Union((Object.keys(BUCKETS) as BucketName[]).map((b) => Type.Literal(b)));
const SeriesView = Type.Object({
  metric: Type.String(),
  bucket: Type.String(),
  from: Type.String(),
  to: Type.String(),
  points: Type.Array(Type.Object({ t: Type.String(), value: Type.Number() })),
});

/**
 * The security dashboard's read API: what the request defenses did in a period, and series for charts. Requests,
 * rate limits and load are instance-wide (they carry no venue), so only principals with every location may read
 * it; `location` narrows the key figures to keys that may act there.
 */
export function securityRoutes(deps: { reader: SecurityDashboardReader; verification: VerificationCache; clock: Clock }) {
  return (app: HttpApp) => {
    const auth = { operator: 'admin' as const, scopes: ['security:read'] };

    app.get(
      '/v1/security/summary',
      {
        config: { auth },
        schema: {
          tags: ['security'],
          summary: 'Security dashboard: blocked and flagged requests, rate limits and bans, key risk, failed logins, anomalies, load shedding, audit status (default: the last 24 h)',
          querystring: Strict({ from: Type.Optional(Timestamp), to: Type.Optional(Timestamp), location: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })) }),
          response: { 200: SummaryView },
        },
      },
      async (request, reply) => {
        if (principalOf(request).locations !== null) return sendProblem(request, reply, problems['location-forbidden'], 'The security dashboard is instance-wide: it needs a credential for every location.');
        const now = deps.clock.now();
        const to = request.query.to ? new Date(request.query.to) : now;
        const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - DAY_MS);
        const bad = badPeriod(from, to);
        if (bad) return sendProblem(request, reply, problems['validation-failed'], bad, { errors: [{ location: 'querystring', pointer: '/from', message: bad }] });
        const period = { from, to };
        const location = request.query.location ?? null;
        const [events, trust, bans, signals, keys, audited, perf] = await Promise.all([
          deps.reader.eventCounts(period),
          deps.reader.trustReasons(period),
          deps.reader.bans(new Date(now.getTime() - BAN.maxMs)),
          deps.reader.keyRiskSignals(period),
          deps.reader.riskyKeys(),
          deps.reader.auditCounts(period, [...KEY_LIFECYCLE, ...LOGINS]),
          deps.reader.performance(period),
        ]);
        const s = summariseEvents(events);
        const verified = deps.verification.latest() ?? (await deps.verification.refresh());
        return {
          period: { from: from.toISOString(), to: to.toISOString() },
          location,
          requests: { blocked: s.blocked, flagged: s.flagged },
          rateLimit: { episodes: s.rateLimit.episodes, bans: s.rateLimit.bans, activeBans: activeBans(bans, now).map((b) => ({ subject: b.subject, until: b.until, nth: b.nth })) },
          keys: {
            signals: tally(signals),
            lifecycle: tally(audited.filter((a) => a.label.startsWith('key.'))),
            riskiest: riskiestKeys(keys, now, location, 5),
          },
          logins: {
            failed: tally(audited.filter((a) => a.label.startsWith('auth.login_failed/')).map((a) => ({ label: a.label.slice('auth.login_failed/'.length), n: a.n }))),
            succeeded: audited.filter((a) => a.label === 'auth.login_succeeded').reduce((sum, a) => sum + a.n, 0),
          },
          anomalies: { adaptiveTrust: tally(trust) },
          shedding: { ...s.shedding, shedRequests: perf.shedRequests, maxShedLevel: perf.maxShedLevel, peakPressure: perf.peakPressure, peakEventLoopDelayMs: perf.peakEventLoopDelayMs, peakRssMb: perf.peakRssMb, samples: perf.samples },
          audit: statusView(verified),
        };
      },
    );

    app.get(
      '/v1/security/timeseries',
      {
        config: { auth },
        schema: {
          tags: ['security'],
          summary: 'One security metric per time bucket (UTC-aligned, empty buckets as 0) for charts; at most 1000 points',
          querystring: Strict({ metric: Metric, bucket: Bucket, from: Type.Optional(Timestamp), to: Type.Optional(Timestamp) }),
          response: { 200: SeriesView },
        },
      },
      async (request, reply) => {
        if (principalOf(request).locations !== null) return sendProblem(request, reply, problems['location-forbidden'], 'The security dashboard is instance-wide: it needs a credential for every location.');
        const { metric, bucket } = request.query;
        const bucketMs = BUCKETS[bucket];
        const to = request.query.to ? new Date(request.query.to) : deps.clock.now();
        // Default span: a day, or 360 buckets where that is shorter.
        const from = alignDown(request.query.from ? new Date(request.query.from) : new Date(to.getTime() - Math.min(DAY_MS, 360 * bucketMs)), bucketMs);
        const bad = badPeriod(from, to);
        if (bad) return sendProblem(request, reply, problems['validation-failed'], bad, { errors: [{ location: 'querystring', pointer: '/from', message: bad }] });
        const plan = planSeries(from, to, bucket);
        if (plan.kind === 'too_many_points') {
          const detail = `${plan.points} buckets of ${bucket}: at most 1000; choose a wider bucket or a shorter period.`;
          return sendProblem(request, reply, problems['validation-failed'], detail, { errors: [{ location: 'querystring', pointer: '/bucket', message: detail }] });
        }
        const found = await deps.reader.series(metric, { from, to }, bucketMs);
        return {
          metric,
          bucket,
          from: from.toISOString(),
          to: to.toISOString(),
          points: zeroFilled(found, from, bucketMs, plan.points).map((p) => ({ t: p.t.toISOString(), value: p.value })),
        };
      },
    );
  };
}

function badPeriod(from: Date, to: Date): string | null {
  if (!(from.getTime() < to.getTime())) return '`from` must be before `to`.';
  if (to.getTime() - from.getTime() > MAX_SPAN_MS) return 'The period may span at most 366 days.';
  return null;
}
