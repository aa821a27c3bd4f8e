import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { ClaimOutcome, Decided, DecisionStore, ReceivedEvent } from '../../pipeline/ports.js';
import type { DB, EventsTable } from '../schema.js';
import { received } from './rows.js';

async function persist(tx: Transaction<DB>, { record: r, summary }: Decided): Promise<void> {
  await tx
    .insertInto('pattern_matches')
    .values({
      event_id: r.eventId,
      location: r.location,
      pattern_key: r.patternKey,
      decision: r.decision,
      params: JSON.stringify(r.params),
      match_score: r.matchScore,
      reliability: r.reliability,
      confidence: r.confidence,
      risk_class: r.riskClass,
      tier: r.tier,
      band: r.band,
      emergency: r.emergency,
      shadow: r.shadow,
      explanation: JSON.stringify(r.explanation),
      created_at: r.createdAt,
      resolved_at: null,
    })
    .execute();
  await tx
    .insertInto('shadow_ledger')
    .values({
      event_id: r.eventId,
      location: r.location,
      decision: r.decision,
      tier: r.tier,
      would_execute: r.wouldExecute,
      auto_execution: r.autoExecution,
      operator_decision: null,
      agreed: null,
      created_at: r.createdAt,
      resolved_at: null,
    })
    .execute();
  await tx
    .updateTable('events')
    .set({ status: 'decided', decision: JSON.stringify(summary), decided_at: r.createdAt })
    .where('id', '=', r.eventId)
    .execute();
}

/** Decides one claimed event inside the claiming transaction; a throwing `decide` marks it failed. */
async function decideClaimed(tx: Transaction<DB>, row: Selectable<EventsTable>, decide: (e: ReceivedEvent) => Decided): Promise<ClaimOutcome> {
  let decided: Decided;
  try {
    decided = decide(received(row));
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 300) : 'decision failed';
    await tx.updateTable('events').set({ status: 'failed', decision: JSON.stringify({ error: message }) }).where('id', '=', row.id).execute();
    return { kind: 'failed', eventId: row.id, error };
  }
  await persist(tx, decided);
  return { kind: 'decided', record: decided.record };
}

/**
 * One event of a backlog, inside its own savepoint: an event whose proposal the database refuses rolls back alone
 * and stays 'received' for the next sweep. Without it, one such event took the whole batch back with it on every
 * sweep, and the events queued behind it were never decided.
 */
async function decideInSavepoint(tx: Transaction<DB>, row: Selectable<EventsTable>, decide: (e: ReceivedEvent) => Decided): Promise<ClaimOutcome> {
  await sql`savepoint backlog_event`.execute(tx);
  try {
    const outcome = await decideClaimed(tx, row, decide);
    await sql`release savepoint backlog_event`.execute(tx);
    return outcome;
  } catch (error) {
    await sql`rollback to savepoint backlog_event`.execute(tx);
    return { kind: 'refused', eventId: row.id, error };
  }
}

/** Claiming 'received' events and persisting their proposals, once, whoever races for them. */
export function claims(db: Kysely<DB>): Pick<DecisionStore, 'decideOnce' | 'decideBacklog'> {
  return {
    async decideOnce(eventId, decide) {
      return db.transaction().execute(async (tx) => {
        // skip locked: a concurrent handler (intake's or the sweeper's) already has it, and will decide it.
        const row = await tx.selectFrom('events').selectAll().where('id', '=', eventId).where('status', '=', 'received').forUpdate().skipLocked().executeTakeFirst();
        return row ? decideClaimed(tx, row, decide) : { kind: 'taken' as const };
      });
    },
    async decideBacklog(before, limit, decide) {
      return db.transaction().execute(async (tx) => {
        const rows = await tx
          .selectFrom('events')
          .selectAll()
          .where('status', '=', 'received')
          .where('received_at', '<', before)
          .orderBy('received_at')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .execute();
        const out: ClaimOutcome[] = [];
        for (const row of rows) out.push(await decideInSavepoint(tx, row, decide));
        return out;
      });
    },
  };
}
