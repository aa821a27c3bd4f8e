import type { AuditLog } from '../audit/auditLog.js';
import type { JsonObject } from '../audit/canonical.js';
import type { DecisionEngine } from '../decisionMemory/engine.js';
import type { Clock } from '../kernel/clock.js';
import { type DecisionParams, UNKNOWN_DECISION } from '../venue/types.js';
import { type InvalidAnswer, type OperatorAnswer, judge } from './operatorDecision.js';
import { savePatterns } from './patternSnapshot.js';
import type { DecisionStore, OperatorDecisionRecord, QueueItem, ReceivedEvent } from './ports.js';
import { toVenueEvent } from './venueEvent.js';

export interface DecisionRequest {
  readonly eventId: string;
  readonly answer: OperatorAnswer;
  readonly reason: string | null;
  readonly actor: { readonly type: 'operator' | 'api_key'; readonly id: string };
  /** Object-level authorization, decided by the caller (the route knows the principal). */
  readonly mayAccess: (location: string | null) => boolean;
}

export type DecisionResult =
  | { readonly kind: 'recorded'; readonly record: OperatorDecisionRecord }
  | { readonly kind: 'not_found' }
  /** The event is accepted but has no proposal yet: decide after it is decided by the pipeline. */
  | { readonly kind: 'not_proposed' }
  | { readonly kind: 'already_decided' }
  /** A veto or rejection of something that already executed (or is executing): it can no longer be stopped. */
  | { readonly kind: 'already_executed' }
  | { readonly kind: 'invalid'; readonly reason: InvalidAnswer };

export interface RecordDecisionDeps {
  readonly store: DecisionStore;
  readonly engine: DecisionEngine;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Whether the event exists (and is visible), to tell "not proposed yet" from "no such event". */
  readonly eventLocation: (eventId: string) => Promise<{ readonly location: string | null } | null>;
  /** The execution stage: cancels a waiting suggestion before the answer is recorded, executes after it. */
  readonly execution?: () => AnswerHooks | null;
}

/** What the execution stage does around an operator's answer. */
export interface AnswerHooks {
  gate(a: AnswerEffect): Promise<'ok' | 'already_executed'>;
  answered(a: AnswerEffect): Promise<void>;
}

export interface AnswerEffect {
  readonly eventId: string;
  readonly kind: OperatorDecisionRecord['kind'];
  readonly decision: string;
  readonly params: DecisionParams;
  readonly proposal: QueueItem['proposal'];
  readonly actor: { readonly type: 'operator' | 'api_key'; readonly id: string };
  readonly reason: string | null;
}

const eventParams = (e: ReceivedEvent): DecisionParams => ({
  ...(e.location !== null ? { location: e.location } : {}),
  ...(e.bay !== null ? { bay: e.bay } : {}),
});

function auditBody(item: QueueItem, record: OperatorDecisionRecord): JsonObject {
  return {
    kind: record.kind,
    outcome: record.outcome,
    decision: record.decision,
    params: { ...record.params },
    proposed: item.proposal.decision,
    tier: item.proposal.tier,
    confidenceAt: record.confidenceAt,
    reason: record.reason,
    emergency: item.proposal.emergency,
  };
}

/**
 * An operator's answer to a proposal: judged (pure), recorded once (a second answer is refused), learned
 * by the engine unless the event is an emergency (emergencies bypass learning), the patterns' track
 * records saved, and audited as decision.approved, decision.vetoed or decision.overridden.
 */
export function createRecordDecision(deps: RecordDecisionDeps) {
  return async (req: DecisionRequest): Promise<DecisionResult> => {
    const item = await deps.store.proposalFor(req.eventId);
    if (item === null) {
      const e = await deps.eventLocation(req.eventId);
      return e !== null && req.mayAccess(e.location) ? { kind: 'not_proposed' } : { kind: 'not_found' };
    }
    if (!req.mayAccess(item.event.location)) return { kind: 'not_found' };
    const verdict = judge(req.answer, item.proposal, eventParams(item.event));
    if (verdict.kind === 'invalid') return verdict;
    const now = deps.clock.now();
    const record: OperatorDecisionRecord = {
      eventId: req.eventId,
      actor: req.actor,
      kind: req.answer.kind,
      outcome: verdict.outcome,
      proposedDecision: item.proposal.decision,
      decision: verdict.truth.decision,
      params: verdict.truth.params,
      reason: req.reason,
      confidenceAt: item.proposal.confidence,
      agreed: verdict.agreed,
      createdAt: now,
    };
    const hooks = deps.execution?.() ?? null;
    const effect: AnswerEffect = { eventId: req.eventId, kind: req.answer.kind, decision: record.decision, params: record.params, proposal: item.proposal, actor: req.actor, reason: req.reason };
    if (hooks !== null && (await hooks.gate(effect)) === 'already_executed') return { kind: 'already_executed' };
    if ((await deps.store.recordDecision(record)) === 'already_decided') return { kind: 'already_decided' };
    if (!item.proposal.emergency) {
      deps.engine.learn(toVenueEvent(item.event), verdict.truth, verdict.outcome, now);
      await savePatterns(deps.engine, deps.store, now);
    }
    const common = { actor: req.actor, resource: { type: 'event', id: req.eventId }, location: item.proposal.location } as const;
    const body = auditBody(item, record);
    if (verdict.audit === 'decision.overridden') {
      await deps.audit.record({ ...common, action: 'decision.overridden', body: { ...body, from: item.proposal.decision ?? UNKNOWN_DECISION, to: record.decision } });
    } else {
      await deps.audit.record({ ...common, action: verdict.audit, body });
    }
    if (hooks !== null) await hooks.answered(effect);
    return { kind: 'recorded', record };
  };
}

export type RecordDecision = ReturnType<typeof createRecordDecision>;
