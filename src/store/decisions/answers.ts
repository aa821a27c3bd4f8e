import { type Kysely, type Selectable, sql } from 'kysely';
import type { DecisionStore, QueueItem } from '../../pipeline/ports.js';
import type { DB, EventsTable, PatternMatchesTable } from '../schema.js';
import { eventRow, lowered, proposal, received } from './rows.js';

/** The operator side: proposals awaiting an answer, the answers themselves, and the shadow ledger. */
export function answers(db: Kysely<DB>): Pick<DecisionStore, 'proposalFor' | 'queue' | 'recordDecision' | 'ledger'> {
  // Explicit event columns: events and pattern_matches both have `location` and `decision`.
  const withProposal = () =>
    db
      .selectFrom('pattern_matches as pm')
      .innerJoin('events as e', 'e.id', 'pm.event_id')
      .innerJoin('shadow_ledger as l', 'l.event_id', 'pm.event_id')
      .selectAll('pm')
      .select(['e.received_at', 'e.occurred_at', 'e.kind', 'e.channel', 'e.sender', 'e.location as event_location', 'e.bay', 'e.text', 'e.context', 'l.would_execute', 'l.auto_execution']);
  type Joined = Selectable<PatternMatchesTable> &
    Pick<Selectable<EventsTable>, 'received_at' | 'occurred_at' | 'kind' | 'channel' | 'sender' | 'bay' | 'text' | 'context'> & {
      event_location: string | null;
      would_execute: boolean;
      auto_execution: boolean;
    };
  const item = (r: Joined): QueueItem => ({ proposal: proposal(r, r), event: received(eventRow(r.event_id, r, r.event_location)) });


  return {
    async proposalFor(eventId) {
      const r = await withProposal().where('pm.event_id', '=', eventId).executeTakeFirst();
      return r ? item(r as Joined) : null;
    },
    async queue(locations, limit) {
      let q = withProposal().where('pm.resolved_at', 'is', null);
      if (locations !== null) {
        if (locations.length === 0) return [];
        q = q.where(sql<string>`lower(e.location)`, 'in', lowered(locations));
      }
      const rows = await q.orderBy('pm.emergency', 'desc').orderBy('pm.created_at').orderBy('pm.seq').limit(limit).execute();
      return rows.map((r) => item(r as Joined));
    },
    async recordDecision(d) {
      return db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('operator_decisions')
          .values({
            event_id: d.eventId,
            actor_type: d.actor.type,
            actor_id: d.actor.id,
            kind: d.kind,
            outcome: d.outcome,
            proposed_decision: d.proposedDecision,
            decision: d.decision,
            params: JSON.stringify(d.params),
            reason: d.reason,
            confidence_at: d.confidenceAt,
            created_at: d.createdAt,
          })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .returning('seq')
          .executeTakeFirst();
        if (!inserted) return 'already_decided' as const;
        await tx.updateTable('pattern_matches').set({ resolved_at: d.createdAt }).where('event_id', '=', d.eventId).execute();
        await tx
          .updateTable('shadow_ledger')
          .set({ operator_decision: d.decision, agreed: d.agreed, resolved_at: d.createdAt })
          .where('event_id', '=', d.eventId)
          .execute();
        return 'recorded' as const;
      });
    },
    async ledger(locations) {
      let q = db.selectFrom('shadow_ledger as l').innerJoin('events as e', 'e.id', 'l.event_id').select(['l.location', 'l.decision', 'l.would_execute', 'l.agreed']);
      if (locations !== null) {
        if (locations.length === 0) return [];
        q = q.where(sql<string>`lower(e.location)`, 'in', lowered(locations));
      }
      const rows = await q.execute();
      return rows.map((r) => ({ location: r.location, decision: r.decision, wouldExecute: r.would_execute, agreed: r.agreed }));
    },
  };
}
