import { SCORED_PARAMS } from '../decisionMemory/params.js';
import type { Label } from './stream.js';

/**
 * The demo's operator (`clubos simulate --operator auto`): answers each proposal from the stream's label
 * the way REPLAY.md's simulated operator does, through the same HTTP API a person uses. Pure.
 */

/** What `GET /v1/events/:id` shows as the decision. */
export interface DecisionView {
  readonly decision: string | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly tier: string;
  readonly shadow: boolean;
  readonly wouldExecute: boolean;
}

export type OperatorAnswer =
  | { readonly kind: 'approve' }
  | { readonly kind: 'modify'; readonly params: Label['params'] }
  | { readonly kind: 'veto' | 'reject' | 'decide'; readonly decision: string; readonly params: Label['params'] };

export type AnswerPlan =
  /** The system acted (or will, at the suggestion's deadline) and it was right: nobody needs to do anything. */
  | { readonly kind: 'none' }
  | { readonly kind: 'answer'; readonly answer: OperatorAnswer };

const UNKNOWN = '__unknown__';

/**
 * True when the proposal agrees with the label on every parameter that decides whether an execution is
 * right (location, bay, booking — the server's own rule); the rest is informative and never worth a modify.
 */
export function paramsAgree(proposed: Readonly<Record<string, unknown>>, label: Label['params']): boolean {
  return SCORED_PARAMS.every((k) => label[k] === undefined || proposed[k] === label[k]);
}

/**
 * @example
 * plan({ decision: 'reset_trackman', params: { bay: 3 }, tier: 'queue', shadow: false, wouldExecute: false },
 *      { decision: 'reset_trackman', params: { bay: 3 } }) // { kind: 'answer', answer: { kind: 'approve' } }
 */
export function plan(view: DecisionView, label: Label): AnswerPlan {
  const proposed = view.decision === null || view.decision === UNKNOWN ? null : view.decision;
  const right = proposed === label.decision && paramsAgree(view.params, label.params);
  const acting = !view.shadow && view.wouldExecute;
  if (acting && right) return { kind: 'none' };
  if (proposed === null) return { kind: 'answer', answer: { kind: 'decide', decision: label.decision, params: label.params } };
  if (acting && proposed === label.decision) return { kind: 'answer', answer: { kind: 'modify', params: label.params } };
  if (acting && view.tier === 'suggest') return { kind: 'answer', answer: { kind: 'veto', decision: label.decision, params: label.params } };
  if (acting) return { kind: 'answer', answer: { kind: 'decide', decision: label.decision, params: label.params } };
  if (proposed === label.decision) return right ? { kind: 'answer', answer: { kind: 'approve' } } : { kind: 'answer', answer: { kind: 'modify', params: label.params } };
  if (view.tier === 'queue') return { kind: 'answer', answer: { kind: 'reject', decision: label.decision, params: label.params } };
  return { kind: 'answer', answer: { kind: 'decide', decision: label.decision, params: label.params } };
}
