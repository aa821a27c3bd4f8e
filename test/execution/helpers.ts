import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Runtime } from '../../src/main.js';
import type { OperatorSession } from '../support/auth.js';

export interface ExecutionView {
  readonly id: string;
  readonly eventId: string;
  readonly decision: string;
  readonly params: Record<string, unknown>;
  readonly state: string;
  readonly origin: string;
  readonly tier: string;
  readonly attempts: number;
  readonly runAt: string;
  readonly approvedBy: string | null;
  readonly cancelReason: string | null;
  readonly outcome: { readonly reason: string | null; readonly integration: string | null; readonly detail: string | null };
}

export const AUTO_ON = { FEATURE_AUTO_EXECUTION: 'true', SUGGESTION_TIMEOUT: '120' };

export async function executionsOf(rt: Runtime, who: OperatorSession, eventId: string): Promise<ExecutionView[]> {
  const res = await rt.app.inject({ method: 'GET', url: '/v1/executions?limit=200', headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { executions: ExecutionView[] }).executions.filter((e) => e.eventId === eventId).reverse();
}

/** Lets the decision, the runner kicked by it, and anything those started finish. */
export async function settle(rt: Runtime): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await rt.decisions.handle.settled();
    await rt.executor.settled();
    await rt.venue.settled();
  }
}

export async function outgoing(rt: Runtime, customer: string): Promise<string[]> {
  const rows = await sql<{ text: string }>`select m.text from thread_messages m join threads t on t.id = m.thread_id where t.customer = ${customer} and m.direction = 'out' order by m.id`.execute(rt.database.db);
  return rows.rows.map((r) => r.text);
}

export async function auditBodies(rt: Runtime, action: string): Promise<Record<string, unknown>[]> {
  const rows = await sql<{ body: unknown }>`select body from compliance_log where action = ${action} order by seq`.execute(rt.database.db);
  return rows.rows.map((r) => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as Record<string, unknown>);
}
