import type { Selectable } from 'kysely';
import type { Outcome } from '../../decisionMemory/types.js';
import type { OperatorDecisionKind, OperatorDecisionRecord, ProposalRecord, ReceivedEvent } from '../../pipeline/ports.js';
import type { DecisionParams, Tier } from '../../venue/types.js';
import type { EventsTable, OperatorDecisionsTable, PatternMatchesTable } from '../schema.js';

/** Row mappers shared by the decision store's files (snake_case rows to the pipeline's records). */

export type EventFields = Pick<Selectable<EventsTable>, 'received_at' | 'occurred_at' | 'kind' | 'channel' | 'sender' | 'bay' | 'text' | 'context'>;

/** An event row rebuilt from a join that selected its fields under other names. */
export const eventRow = (id: string, r: EventFields, location: string | null): Pick<Selectable<EventsTable>, 'id' | 'location'> & EventFields => ({
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

export const received = (r: Pick<Selectable<EventsTable>, 'id' | 'location'> & EventFields): ReceivedEvent => ({
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

export const proposal = (r: Selectable<PatternMatchesTable>, ledger: { would_execute: boolean; auto_execution: boolean }): ProposalRecord => ({
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

export const operatorDecision = (r: Selectable<OperatorDecisionsTable>, agreed: boolean): OperatorDecisionRecord => ({
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

export const lowered = (locations: readonly string[]): string[] => locations.map((l) => l.toLowerCase());
