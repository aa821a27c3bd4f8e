import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { OperatorHold, PatternRecord, PatternState } from '../../decisionMemory/patterns.js';
import type { Outcome } from '../../decisionMemory/types.js';
import type {
  ClaimOutcome,
  ConfidencePoint,
  Decided,
  DecisionStore,
  HistoryStep,
  OperatorDecisionKind,
  OperatorDecisionRecord,
  ProposalRecord,
  QueueItem,
  ReceivedEvent,
  StoredPattern,
} from '../../pipeline/ports.js';
import type { DecisionParams, Tier } from '../../venue/types.js';
import type { DB, EventsTable, OperatorDecisionsTable, PatternMatchesTable } from '../schema.js';

type EventFields = Pick<Selectable<EventsTable>, 'received_at' | 'occurred_at' | 'kind' | 'channel' | 'sender' | 'bay' | 'text' | 'context'>;

/** An event row rebuilt from a join that selected its fields under other names. */
const eventRow = (id: string, r: EventFields, location: string | null): Pick<Selectable<EventsTable>, 'id' | 'location'> & EventFields => ({
  id,
  received_at: r.received_at,
  occurred_at: r.occurred_at,
  kind: r.kind,
  channel: r.channel,
  sender: r.sender,
  location,
  bay: r.bay,
  text: r.text,
  context: r.context,
});

const received = (r: Pick<Selectable<EventsTable>, 'id' | 'location'> & EventFields): ReceivedEvent => ({
  id: r.id,
  receivedAt: r.received_at,
  occurredAt: r.occurred_at,
  kind: r.kind as ReceivedEvent['kind'],
  channel: r.channel as ReceivedEvent['channel'],
  sender: r.sender,
  location: r.location,
  bay: r.bay,
  text: r.text,
  context: r.context,
});

const proposal = (r: Selectable<PatternMatchesTable>, ledger: { would_execute: boolean; auto_execution: boolean }): ProposalRecord => ({
  eventId: r.event_id,
  location: r.location,
  patternKey: r.pattern_key,
  decision: r.decision,
  params: r.params as DecisionParams,
  matchScore: r.match_score,
  reliability: r.reliability,
  confidence: r.confidence,
  riskClass: r.risk_class,
  tier: r.tier as Tier,
  band: r.band as Tier,
  emergency: r.emergency,
  shadow: r.shadow,
  wouldExecute: ledger.would_execute,
  autoExecution: ledger.auto_execution,
  explanation: r.explanation as ProposalRecord['explanation'],
  createdAt: r.created_at,
});

const operatorDecision = (r: Selectable<OperatorDecisionsTable>, agreed: boolean): OperatorDecisionRecord => ({
  eventId: r.event_id,
  actor: { type: r.actor_type as 'operator' | 'api_key', id: r.actor_id },
  kind: r.kind as OperatorDecisionKind,
  outcome: r.outcome as Outcome,
  proposedDecision: r.proposed_decision,
  decision: r.decision,
  params: r.params as DecisionParams,
  reason: r.reason,
  confidenceAt: r.confidence_at,
  agreed,
  createdAt: r.created_at,
});

const lowered = (locations: readonly string[]): string[] => locations.map((l) => l.toLowerCase());

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

/** PostgreSQL (and PGlite) implementation of the decision stage's port. */
export function decisionStore(db: Kysely<DB>): DecisionStore {
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
        for (const row of rows) out.push(await decideClaimed(tx, row, decide));
        return out;
      });
    },
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
    async savePatterns(patterns) {
      for (const p of patterns) {
        const row = {
          key: p.record.key,
          decision: p.record.decision,
          variant: p.record.variant,
          state: p.state,
          hold: p.record.hold,
          reliability: p.reliability,
          track: JSON.stringify(p.record),
          confidence_history: JSON.stringify(p.history),
          updated_at: p.updatedAt,
        };
        await db
          .insertInto('decision_patterns')
          .values(row)
          .onConflict((oc) => oc.column('key').doUpdateSet({ state: row.state, hold: row.hold, reliability: row.reliability, track: row.track, confidence_history: row.confidence_history, updated_at: row.updated_at }))
          .execute();
      }
    },
    async patterns() {
      const rows = await db.selectFrom('decision_patterns').selectAll().orderBy('key').execute();
      return rows.map(
        (r): StoredPattern => ({
          record: r.track as PatternRecord,
          state: r.state as PatternState,
          reliability: r.reliability,
          history: r.confidence_history as ConfidencePoint[],
          updatedAt: r.updated_at,
        }),
      );
    },
    async holds() {
      const rows = await db.selectFrom('decision_patterns').select(['key', 'hold']).where('hold', '!=', 'none').execute();
      return new Map(rows.map((r) => [r.key, r.hold as OperatorHold]));
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
    async history() {
      const proposals = await db
        .selectFrom('pattern_matches as pm')
        .innerJoin('events as e', 'e.id', 'pm.event_id')
        .selectAll('e')
        .select('pm.seq')
        .where('pm.emergency', '=', false)
        .execute();
      const decisions = await db
        .selectFrom('operator_decisions as od')
        .innerJoin('pattern_matches as pm', 'pm.event_id', 'od.event_id')
        .innerJoin('shadow_ledger as l', 'l.event_id', 'od.event_id')
        .innerJoin('events as e', 'e.id', 'od.event_id')
        .selectAll('od')
        .select(['l.agreed', 'e.received_at', 'e.occurred_at', 'e.kind', 'e.channel', 'e.sender', 'e.location', 'e.bay', 'e.text', 'e.context'])
        .where('pm.emergency', '=', false)
        .execute();
      const steps: { seq: number; step: HistoryStep }[] = [
        ...proposals.map((r) => ({ seq: Number(r.seq), step: { kind: 'propose' as const, event: received(r) } })),
        ...decisions.map((r) => ({
          seq: Number(r.seq),
          step: {
            kind: 'learn' as const,
            event: received(eventRow(r.event_id, r, r.location)),
            decision: operatorDecision(r, r.agreed ?? false),
          },
        })),
      ];
      return steps.sort((a, b) => a.seq - b.seq).map((s) => s.step);
    },
  };
}
