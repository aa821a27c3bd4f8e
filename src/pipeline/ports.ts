import type { OperatorHold, PatternRecord, PatternState } from '../decisionMemory/patterns.js';
import type { Explanation, Outcome } from '../decisionMemory/types.js';
import type { DecisionParams, Tier } from '../venue/types.js';
import type { ExecutedStep } from './executionLearning.js';

/**
 * What the decision stage needs from durable storage. `store/decisions/` implements it; the pipeline
 * never sees SQL, only these verbs.
 */

/** An accepted event as intake stored it (verbatim). */
export interface ReceivedEvent {
  readonly id: string;
  readonly receivedAt: Date;
  readonly occurredAt: Date;
  readonly kind: 'message' | 'device_event';
  readonly channel: 'sms' | 'web' | 'device';
  readonly sender: string;
  readonly location: string | null;
  readonly bay: number | null;
  readonly text: string;
  readonly context: unknown;
}

/** One proposal for one event, as persisted in pattern_matches and summarised on the event. */
export interface ProposalRecord {
  readonly eventId: string;
  readonly location: string | null;
  readonly patternKey: string;
  readonly decision: string | null;
  readonly params: DecisionParams;
  readonly matchScore: number;
  readonly reliability: number;
  readonly confidence: number;
  readonly riskClass: string;
  readonly tier: Tier;
  readonly band: Tier;
  readonly emergency: boolean;
  /** Nothing executed by itself: the tier is what automation would have done. */
  readonly shadow: boolean;
  /** Tier auto or suggest: automation would have executed it (at once, or after the veto window). */
  readonly wouldExecute: boolean;
  /** The feature flag's value when the proposal was made. */
  readonly autoExecution: boolean;
  readonly explanation: Explanation | EmergencyExplanation;
  readonly createdAt: Date;
}

export interface EmergencyExplanation {
  readonly module: 'emergency_fast_path';
  readonly category: string | null;
  readonly matched: readonly string[];
  /** No thread model yet: the event itself carries the pause. */
  readonly automationPaused: true;
}

/** What the event row shows as its decision (GET /v1/events/:id). */
export interface DecisionSummary {
  readonly decision: string | null;
  readonly params: DecisionParams;
  readonly tier: Tier;
  readonly confidence: number;
  readonly matchScore: number;
  readonly reliability: number;
  readonly riskClass: string;
  readonly emergency: boolean;
  readonly shadow: boolean;
  readonly wouldExecute: boolean;
  readonly automationPaused: boolean;
  readonly decidedAt: string;
}

/** A proposal ready to persist, with the summary the event row shows. */
export interface Decided {
  readonly record: ProposalRecord;
  readonly summary: DecisionSummary;
}

/** The queue: proposals no operator has answered yet. */
export interface QueueItem {
  readonly proposal: ProposalRecord;
  readonly event: ReceivedEvent;
}

export type OperatorDecisionKind = 'approve' | 'veto' | 'modify' | 'reject' | 'decide';

export interface OperatorDecisionRecord {
  readonly eventId: string;
  readonly actor: { readonly type: 'operator' | 'api_key'; readonly id: string };
  readonly kind: OperatorDecisionKind;
  readonly outcome: Outcome;
  readonly proposedDecision: string | null;
  readonly decision: string;
  readonly params: DecisionParams;
  readonly reason: string | null;
  readonly confidenceAt: number | null;
  /** Whether the operator's truth equals what was proposed (the shadow ledger's agreement). */
  readonly agreed: boolean;
  readonly createdAt: Date;
}

/** A point of a pattern's confidence history. */
export interface ConfidencePoint {
  readonly at: string;
  readonly reliability: number;
  readonly state: PatternState;
}

export interface StoredPattern {
  readonly record: PatternRecord;
  readonly state: PatternState;
  readonly reliability: number;
  readonly history: readonly ConfidencePoint[];
  readonly updatedAt: Date;
}

/** One row of the shadow ledger. */
export interface LedgerRow {
  readonly location: string | null;
  readonly decision: string | null;
  readonly wouldExecute: boolean;
  /** null while no operator has answered. */
  readonly agreed: boolean | null;
}

/** A step of the history the engine is rebuilt from, in the order it happened. */
export type HistoryStep =
  | { readonly kind: 'propose'; readonly event: ReceivedEvent }
  | { readonly kind: 'learn'; readonly event: ReceivedEvent; readonly decision: OperatorDecisionRecord }
  | ExecutedStep;

/** A history step with its place in the one sequence that orders proposals, answers and executions. */
export interface SequencedStep {
  readonly seq: number;
  /** Names the step whatever instance applied it (see `stepKey`). */
  readonly key: string;
  readonly step: HistoryStep;
}

/**
 * A step's identity across instances: an instance marks what it applied itself by this key, so catching
 * up with the shared history applies only the others' steps.
 * @example stepKey({ kind: 'propose', event }) // 'p:<event id>'
 */
/** The history key of an event's proposal step. */
export const proposeStepKey = (eventId: string): string => `p:${eventId}`;

export function stepKey(step: HistoryStep): string {
  if (step.kind === 'propose') return proposeStepKey(step.event.id);
  if (step.kind === 'learn') return `l:${step.event.id}`;
  return `x:${step.event.id}:${step.decision}`;
}

export type ClaimOutcome =
  | { readonly kind: 'decided'; readonly record: ProposalRecord }
  | { readonly kind: 'failed'; readonly eventId: string; readonly error: unknown }
  /**
   * The database refused to record this one proposal of a backlog: it alone rolled back and the event stays
   * 'received' for the next sweep, while the rest of the batch is recorded.
   */
  | { readonly kind: 'refused'; readonly eventId: string; readonly error: unknown }
  /** Another handler has it or had it: nothing to do. */
  | { readonly kind: 'taken' };

export type RecordOutcome = 'recorded' | 'already_decided';

export interface DecisionStore {
  /**
   * Claims the event if it is still 'received' (row lock, skip locked), lets `decide` build its proposal
   * and persists it with the event's new status in the same transaction. A `decide` that throws marks the
   * event 'failed' (it is deterministic: retrying would fail again and block the sweeper).
   */
  decideOnce(eventId: string, decide: (e: ReceivedEvent) => Decided): Promise<ClaimOutcome>;
  /** The same for every event still 'received' before `before` (the crash sweeper), oldest first. */
  decideBacklog(before: Date, limit: number, decide: (e: ReceivedEvent) => Decided): Promise<ClaimOutcome[]>;
  proposalFor(eventId: string): Promise<QueueItem | null>;
  /** Unanswered proposals the caller may see (null = every location), emergencies first, oldest first. */
  queue(locations: readonly string[] | null, limit: number): Promise<QueueItem[]>;
  /** Records the answer, resolves the proposal and its ledger row; refuses a second answer. */
  recordDecision(d: OperatorDecisionRecord): Promise<RecordOutcome>;
  /**
   * Writes what the engine learned about patterns. The hold is the operators', not the engine's: an existing
   * row keeps its hold (an instance that has not caught up with a lock must not write it back to none).
   */
  savePatterns(patterns: readonly StoredPattern[]): Promise<void>;
  /** The operators' hold on a saved pattern; false when no such pattern is saved. */
  setHold(key: string, hold: OperatorHold): Promise<boolean>;
  /** The saved patterns, each with the operators' current hold. */
  patterns(): Promise<StoredPattern[]>;
  holds(): Promise<ReadonlyMap<string, OperatorHold>>;
  ledger(locations: readonly string[] | null): Promise<LedgerRow[]>;
  /** Every non-emergency proposal and operator decision, in the order they happened. */
  history(): Promise<HistoryStep[]>;
  /** The same with their sequence numbers, only those after `seq` (another instance's learning, for catch-up). */
  historyAfter(seq: number): Promise<SequencedStep[]>;
}
