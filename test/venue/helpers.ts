import { sql } from 'kysely';
import type { Runtime } from '../../src/main.js';

export interface AuditRow {
  readonly action: string;
  readonly actor_type: string;
  readonly actor_id: string;
  readonly resource_type: string | null;
  readonly resource_id: string | null;
  readonly body: Record<string, unknown>;
}

/** The audit entries about one resource (or with one action), oldest first, as stored. */
export async function auditRows(rt: Runtime, by: { resourceId?: string; action?: string }): Promise<AuditRow[]> {
  const q =
    by.resourceId !== undefined
      ? sql<AuditRow>`select action, actor_type, actor_id, resource_type, resource_id, body from compliance_log where resource_id = ${by.resourceId} order by seq`
      : sql<AuditRow>`select action, actor_type, actor_id, resource_type, resource_id, body from compliance_log where action = ${by.action ?? ''} order by seq`;
  return (await q.execute(rt.database.db)).rows;
}
