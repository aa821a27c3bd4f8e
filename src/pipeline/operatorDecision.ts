import { paramsMatch } from '../decisionMemory/params.js';
import type { Outcome, Truth } from '../decisionMemory/types.js';
import { catalogueEntry } from '../venue/catalogue.js';
import { type DecisionParams, UNKNOWN_DECISION } from '../venue/types.js';
import type { OperatorDecisionKind } from './ports.js';

/** What an operator sent for an event. */
export interface OperatorAnswer {
  readonly kind: OperatorDecisionKind;
  readonly decision?: string;
  readonly params?: DecisionParams;
}

/** The proposal the operator answered (null decision: memory had nothing to offer). */
export interface AnsweredProposal {
  readonly decision: string | null;
  readonly params: DecisionParams;
}

export type DecisionAuditAction = 'decision.approved' | 'decision.vetoed' | 'decision.overridden';

export type Judgement =
  | {
      readonly kind: 'valid';
      readonly truth: Truth;
      readonly outcome: Outcome;
      readonly agreed: boolean;
      readonly audit: DecisionAuditAction;
    }
  | { readonly kind: 'invalid'; readonly reason: InvalidAnswer };

export type InvalidAnswer =
  | 'nothing_to_approve' // approve/modify/veto/reject with no proposed decision
  | 'decision_required' // decide without a decision
  | 'params_required' // modify without parameters
  | 'modify_changes_nothing' // modify with the proposed parameters: that is an approval
  | 'modify_keeps_decision' // modify to another decision: that is a decision from scratch
  | 'veto_contradicts' // veto or reject naming the proposed decision itself
  | 'not_in_catalogue'; // a decision that is neither in the action catalogue nor "no automatable decision"

const proposed = (p: AnsweredProposal): string | null => (p.decision === null || p.decision === UNKNOWN_DECISION ? null : p.decision);

/**
 * Turns an operator's answer into the engine's truth and outcome, the audit action, and whether the
 * operator agreed with the proposal. Pure: the same answer to the same proposal always judges the same.
 * @example
 * judge({ kind: 'approve' }, { decision: 'reset_trackman', params: { bay: 3 } }, {})
 * // { kind: 'valid', truth: { decision: 'reset_trackman', params: { bay: 3 } }, outcome: 'approval', agreed: true, audit: 'decision.approved' }
 */
export function judge(answer: OperatorAnswer, proposal: AnsweredProposal, eventParams: DecisionParams): Judgement {
  // Operators teach the memory: a name outside the catalogue would become a pattern nothing can carry out.
  if (answer.decision !== undefined && answer.decision !== UNKNOWN_DECISION && catalogueEntry(answer.decision) === undefined) return { kind: 'invalid', reason: 'not_in_catalogue' };
  const was = proposed(proposal);
  switch (answer.kind) {
    case 'approve':
      if (was === null) return { kind: 'invalid', reason: 'nothing_to_approve' };
      return { kind: 'valid', truth: { decision: was, params: proposal.params }, outcome: 'approval', agreed: true, audit: 'decision.approved' };
    case 'modify': {
      if (was === null) return { kind: 'invalid', reason: 'nothing_to_approve' };
      if (answer.params === undefined) return { kind: 'invalid', reason: 'params_required' };
      if (answer.decision !== undefined && answer.decision !== was) return { kind: 'invalid', reason: 'modify_keeps_decision' };
      const params = { ...proposal.params, ...answer.params };
      if (paramsMatch(proposal.params, params) && paramsMatch(params, proposal.params)) return { kind: 'invalid', reason: 'modify_changes_nothing' };
      return { kind: 'valid', truth: { decision: was, params }, outcome: 'modification', agreed: false, audit: 'decision.overridden' };
    }
    case 'veto':
    case 'reject': {
      if (was === null) return { kind: 'invalid', reason: 'nothing_to_approve' };
      const instead = answer.decision ?? UNKNOWN_DECISION;
      if (instead === was) return { kind: 'invalid', reason: 'veto_contradicts' };
      return {
        kind: 'valid',
        truth: { decision: instead, params: answer.params ?? eventParams },
        outcome: answer.kind === 'veto' ? 'veto' : 'rejection',
        agreed: false,
        audit: 'decision.vetoed',
      };
    }
    case 'decide': {
      if (answer.decision === undefined) return { kind: 'invalid', reason: 'decision_required' };
      const params = answer.params ?? (answer.decision === was ? proposal.params : eventParams);
      const agreed = answer.decision === was && paramsMatch(proposal.params, params);
      return { kind: 'valid', truth: { decision: answer.decision, params }, outcome: 'decided', agreed, audit: agreed ? 'decision.approved' : 'decision.overridden' };
    }
  }
}
