import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export type SecurityAction = 'blocked' | 'flagged' | 'limited' | 'banned' | 'shed';
export type SecuritySeverity = 'low' | 'medium' | 'high' | 'critical';

export interface SecurityEvent {
  readonly at: Date;
  readonly kind: string;
  readonly severity: SecuritySeverity;
  readonly route: string | null;
  readonly method: string | null;
  readonly ip: string | null;
  readonly principal: string | null;
  readonly correlationId: string | null;
  readonly action: SecurityAction;
  readonly detail: Readonly<Record<string, unknown>>;
}

export function securityEventStore(db: Kysely<DB>) {
  return {
    async record(e: SecurityEvent): Promise<void> {
      await db
        .insertInto('security_events')
        .values({ at: e.at, kind: e.kind, severity: e.severity, route: e.route, method: e.method, ip: e.ip, principal: e.principal, correlation_id: e.correlationId, action: e.action, detail: JSON.stringify(e.detail) })
        .execute();
    },
    async recent(limit: number) {
      return db.selectFrom('security_events').selectAll().orderBy('id', 'desc').limit(limit).execute();
    },
    async countsByKind(since: Date) {
      return db
        .selectFrom('security_events')
        .select(['kind', 'action', (eb) => eb.fn.countAll<number>().as('n')])
        .where('at', '>=', since)
        .groupBy(['kind', 'action'])
        .execute();
    },
  };
}

export type SecurityEventStore = ReturnType<typeof securityEventStore>;
