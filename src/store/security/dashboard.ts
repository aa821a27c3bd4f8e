import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { BanRecord, KeyRiskRow, LabelCount, Period, SecurityDashboardReader, SeriesMetric, SeriesPoint } from '../../security/dashboard/ports.js';
import type { DB } from '../schema.js';

/** Read-only view of the audit chain: this module only counts entries (AuditLog alone writes them). */
type ComplianceLogRead = {
  compliance_log: { seq: number; at: Date; action: string; location: string | null; body: unknown };
};
type PerformanceRead = {
  performance_metrics: { at: Date; pressure: number; event_loop_delay_ms: number; cpu_percent: number; rss_mb: number; shed_level: number; shed_requests: number };
};
type Tables = DB & ComplianceLogRead & PerformanceRead;

const LIMIT_KINDS = ['ratelimit.ip', 'ratelimit.prefix', 'ratelimit.principal', 'ratelimit.route'];

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Counts and aggregates for the security dashboard, straight from the tables that record them. */
export function securityDashboardStore(base: Kysely<DB>): SecurityDashboardReader {
  const db = base.withTables<ComplianceLogRead & PerformanceRead>();

  /** Bucket start of `at`, aligned on the period's `from`; `group by 1` keeps the parameters out of the grouping. */
  const bin = (period: Period, bucketMs: number, column: Expression<Date>) => sql<Date>`date_bin(${`${bucketMs} milliseconds`}::interval, ${column}, ${period.from}::timestamptz)`;

  async function eventSeries(period: Period, bucketMs: number, where: (eb: ExpressionBuilder<Tables, 'security_events'>) => Expression<SqlBool>): Promise<SeriesPoint[]> {
    const rows = await db
      .selectFrom('security_events')
      .select((eb) => [bin(period, bucketMs, eb.ref('at')).as('t'), eb.fn.countAll().as('v')])
      .where('at', '>=', period.from)
      .where('at', '<', period.to)
      .where(where)
      .groupBy(sql`1`)
      .execute();
    return rows.map((r) => ({ t: new Date(r.t), value: num(r.v) }));
  }

  async function metricSeries(period: Period, bucketMs: number, agg: 'max' | 'avg' | 'sum', column: 'pressure' | 'event_loop_delay_ms' | 'cpu_percent' | 'rss_mb' | 'shed_requests'): Promise<SeriesPoint[]> {
    const rows = await db
      .selectFrom('performance_metrics')
      .select((eb) => [bin(period, bucketMs, eb.ref('at')).as('t'), (agg === 'max' ? eb.fn.max(column) : agg === 'avg' ? eb.fn.avg(column) : eb.fn.sum(column)).as('v')])
      .where('at', '>=', period.from)
      .where('at', '<', period.to)
      .groupBy(sql`1`)
      .execute();
    return rows.map((r) => ({ t: new Date(r.t), value: Math.round(num(r.v) * 1000) / 1000 }));
  }

  return {
    async eventCounts(period) {
      const rows = await db
        .selectFrom('security_events')
        .select(['kind', 'action', 'route', (eb) => eb.fn.countAll().as('n')])
        .where('at', '>=', period.from)
        .where('at', '<', period.to)
        .groupBy(['kind', 'action', 'route'])
        .execute();
      return rows.map((r) => ({ kind: r.kind, action: r.action, route: r.route, n: num(r.n) }));
    },

    async trustReasons(period) {
      const rows = await db
        .selectFrom('security_events')
        .select([sql<string>`detail->>'reason'`.as('label'), (eb) => eb.fn.countAll().as('n')])
        .where('kind', '=', 'ratelimit.trust')
        .where('at', '>=', period.from)
        .where('at', '<', period.to)
        .groupBy(sql`1`)
        .execute();
      return rows.map((r) => ({ label: r.label ?? 'unknown', n: num(r.n) }));
    },

    async bans(since) {
      const rows = await db.selectFrom('security_events').select(['at', 'detail']).where('kind', '=', 'ratelimit.ban').where('at', '>=', since).execute();
      return rows.flatMap((r): BanRecord[] => {
        const d = r.detail as { subject?: unknown; until?: unknown; nth?: unknown };
        return typeof d.subject === 'string' && typeof d.until === 'string' ? [{ subject: d.subject, until: d.until, nth: num(d.nth), at: r.at }] : [];
      });
    },

    async keyRiskSignals(period) {
      const rows = await db
        .selectFrom('api_key_risk_events')
        .select(['signal', 'action_taken', (eb) => eb.fn.countAll().as('n')])
        .where('at', '>=', period.from)
        .where('at', '<', period.to)
        .groupBy(['signal', 'action_taken'])
        .execute();
      return rows.map((r) => ({ label: `${r.signal}/${r.action_taken}`, n: num(r.n) }));
    },

    async riskyKeys() {
      const rows = await db
        .selectFrom('api_keys')
        .select(['id', 'name', 'display_prefix', 'state', 'locations', 'risk_score', 'risk_at', 'limit_multiplier'])
        .where('risk_score', '>', 0)
        .where('state', '!=', 'revoked')
        .execute();
      return rows.map(
        (r): KeyRiskRow => ({ id: r.id, name: r.name, displayPrefix: r.display_prefix, state: r.state, locations: r.locations, riskScore: Number(r.risk_score), riskAt: r.risk_at, limitMultiplier: Number(r.limit_multiplier) }),
      );
    },

    async auditCounts(period, actions) {
      if (actions.length === 0) return [];
      const label = sql<string>`case when action = 'auth.login_failed' then action || '/' || coalesce(body->>'reason', 'unknown') else action end`;
      const rows = await db
        .selectFrom('compliance_log')
        .select([label.as('label'), (eb) => eb.fn.countAll().as('n')])
        .where('action', 'in', actions)
        .where('at', '>=', period.from)
        .where('at', '<', period.to)
        .groupBy(sql`1`)
        .execute();
      return rows.map((r): LabelCount => ({ label: r.label, n: num(r.n) }));
    },

    async performance(period) {
      const r = await db
        .selectFrom('performance_metrics')
        .select((eb) => [
          eb.fn.countAll().as('samples'),
          eb.fn.sum('shed_requests').as('shed'),
          eb.fn.max('shed_level').as('level'),
          eb.fn.max('pressure').as('pressure'),
          eb.fn.max('event_loop_delay_ms').as('delay'),
          eb.fn.max('rss_mb').as('rss'),
        ])
        .where('at', '>=', period.from)
        .where('at', '<', period.to)
        .executeTakeFirstOrThrow();
      const round = (v: unknown) => Math.round(num(v) * 1000) / 1000;
      return { samples: num(r.samples), shedRequests: num(r.shed), maxShedLevel: num(r.level), peakPressure: round(r.pressure), peakEventLoopDelayMs: round(r.delay), peakRssMb: round(r.rss) };
    },

    async series(metric: SeriesMetric, period, bucketMs) {
      switch (metric) {
        case 'blocked':
          return eventSeries(period, bucketMs, (eb) => eb.and([eb('action', '=', 'blocked'), eb('kind', 'like', 'injection.%')]));
        case 'flagged':
          return eventSeries(period, bucketMs, (eb) => eb.and([eb('action', '=', 'flagged'), eb('kind', 'like', 'injection.%')]));
        case 'rate_limit_episodes':
          return eventSeries(period, bucketMs, (eb) => eb('kind', 'in', LIMIT_KINDS));
        case 'bans':
          return eventSeries(period, bucketMs, (eb) => eb('kind', '=', 'ratelimit.ban'));
        case 'shed_requests':
          return metricSeries(period, bucketMs, 'sum', 'shed_requests');
        case 'failed_logins': {
          const rows = await db
            .selectFrom('compliance_log')
            .select((eb) => [bin(period, bucketMs, eb.ref('at')).as('t'), eb.fn.countAll().as('v')])
            .where('action', '=', 'auth.login_failed')
            .where('at', '>=', period.from)
            .where('at', '<', period.to)
            .groupBy(sql`1`)
            .execute();
          return rows.map((r) => ({ t: new Date(r.t), value: num(r.v) }));
        }
        case 'key_risk_signals': {
          const rows = await db
            .selectFrom('api_key_risk_events')
            .select((eb) => [bin(period, bucketMs, eb.ref('at')).as('t'), eb.fn.countAll().as('v')])
            .where('at', '>=', period.from)
            .where('at', '<', period.to)
            .groupBy(sql`1`)
            .execute();
          return rows.map((r) => ({ t: new Date(r.t), value: num(r.v) }));
        }
        case 'pressure':
        case 'event_loop_delay_ms':
        case 'rss_mb':
          return metricSeries(period, bucketMs, 'max', metric);
        case 'cpu_percent':
          return metricSeries(period, bucketMs, 'avg', metric);
      }
    },
  };
}
