import type { Generated, Kysely } from 'kysely';
import type { DB } from '../schema.js';

interface PerformanceMetricsTable {
  id: Generated<number>;
  at: Date;
  instance: string;
  event_loop_delay_ms: number;
  event_loop_utilization: number;
  cpu_percent: number;
  rss_mb: number;
  heap_used_mb: number;
  pressure: number;
  shed_level: number;
  shed_requests: number;
}

export interface PerformanceMetric {
  readonly at: Date;
  readonly instance: string;
  readonly eventLoopDelayMs: number;
  readonly eventLoopUtilization: number;
  readonly cpuPercent: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly pressure: number;
  readonly shedLevel: number;
  /** Requests shed since the previous row. */
  readonly shedRequests: number;
}

export function performanceMetricStore(base: Kysely<DB>) {
  const db = base.withTables<{ performance_metrics: PerformanceMetricsTable }>();
  return {
    async record(m: PerformanceMetric): Promise<void> {
      await db
        .insertInto('performance_metrics')
        .values({
          at: m.at,
          instance: m.instance,
          event_loop_delay_ms: m.eventLoopDelayMs,
          event_loop_utilization: m.eventLoopUtilization,
          cpu_percent: m.cpuPercent,
          rss_mb: m.rssMb,
          heap_used_mb: m.heapUsedMb,
          pressure: m.pressure,
          shed_level: m.shedLevel,
          shed_requests: m.shedRequests,
        })
        .execute();
    },
    async recent(limit: number) {
      return db.selectFrom('performance_metrics').selectAll().orderBy('id', 'desc').limit(limit).execute();
    },
  };
}

export type PerformanceMetricStore = ReturnType<typeof performanceMetricStore>;
