import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Runtime } from '../../src/main.js';
import type { CreatedKey, OperatorSession } from '../support/auth.js';
import { type TestRuntime, secondInstance } from '../support/runtime.js';

export const TRACKMAN = { kind: 'message', channel: 'sms', from: 'c-0001', location: 'Dartmouth', text: 'trackman frozen bay 3' } as const;
export const RESET_BAY_3 = { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } } as const;

export interface EventView {
  readonly id: string;
  readonly status: string;
  readonly decision: null | {
    readonly decision: string | null;
    readonly params: Record<string, unknown>;
    readonly tier: string;
    readonly confidence: number;
    readonly emergency: boolean;
    readonly shadow: boolean;
    readonly wouldExecute: boolean;
    readonly automationPaused: boolean;
  };
}

/** Submits an event as an integration and returns the 202 body (the decision has not run yet). */
export async function submit(rt: Runtime, key: CreatedKey, body: Record<string, unknown>): Promise<{ id: string; status: string }> {
  const res = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: key.headers, payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as { id: string; status: string };
}

export async function read(rt: Runtime, who: OperatorSession, id: string): Promise<EventView> {
  const res = await rt.app.inject({ method: 'GET', url: `/v1/events/${id}`, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as EventView;
}

/** Submits, waits for the asynchronous decision, and reads the event back. */
export async function submitAndRead(rt: Runtime, key: CreatedKey, who: OperatorSession, body: Record<string, unknown>): Promise<EventView> {
  const { id } = await submit(rt, key, body);
  await rt.decisions.handle.settled();
  return read(rt, who, id);
}

export function answer(rt: Runtime, who: OperatorSession, id: string, body: Record<string, unknown>) {
  return rt.app.inject({ method: 'POST', url: `/v1/events/${id}/decision`, headers: who.headers, payload: body });
}

export async function auditActions(rt: Runtime, resourceId?: string): Promise<string[]> {
  const q = resourceId === undefined ? sql<{ action: string }>`select action from compliance_log order by seq` : sql<{ action: string }>`select action from compliance_log where resource_id = ${resourceId} order by seq`;
  return (await q.execute(rt.database.db)).rows.map((r) => r.action);
}

/** A second instance (or the same one after a restart) on the runtime's database and clock. */
export function restartOn(rt: TestRuntime): Promise<Runtime> {
  return secondInstance(rt);
}

/** How many events of a sender the engine counts towards a flood. */
export function floodCount(rt: Runtime, sender: string): number {
  return rt.decisions.engine.toState().senders.find(([from]) => from === sender)?.[1].length ?? 0;
}

/**
 * A real refusal by the database, after the engine has proposed: a trigger fails the update that marks an event
 * decided when its text is `like` the pattern. `null` lifts the refusal.
 */
export async function refuseDecided(rt: TestRuntime, textLike: string | null): Promise<void> {
  const db = rt.database.db;
  await sql`create or replace function refuse_decided() returns trigger language plpgsql as $$
    begin raise exception 'refused for the test'; end $$`.execute(db);
  await sql`drop trigger if exists refuse_decided on events`.execute(db);
  if (textLike === null) return;
  await sql`create trigger refuse_decided before update on events for each row
    when (new.status = 'decided' and new.text like ${sql.lit(textLike)}) execute function refuse_decided()`.execute(db);
}
