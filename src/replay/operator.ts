import type { Outcome, Truth } from '../decisionMemory/types.js';
import { catalogueEntry } from '../venue/catalogue.js';
import { type DecisionParams, type Tier, UNKNOWN_DECISION } from '../venue/types.js';
import { paramsMatch } from '../decisionMemory/params.js';

/**
 * The simulated operator of REPLAY.md and the venue scoring: it answers each proposal from the ground truth.
 * `absent` (primary) lets every suggestion execute at its timeout; `attentive` vetoes wrong ones.
 */

export type OperatorModel = 'absent' | 'attentive';

/** What the system carried out itself, and at which tier. */
export type ExecutionTierUsed = 'auto' | 'suggest' | 'queue';

export interface ReplayProposal {
  readonly decision: string | null;
  readonly params: DecisionParams;
  readonly confidence: number;
  readonly tier: Tier;
  readonly emergency: boolean;
}

export interface OperatorAnswer {
  readonly outcome: Outcome;
  /** The system's own execution (null when nothing ran by the system). */
  readonly execution: { readonly decision: string; readonly params: DecisionParams; readonly tier: ExecutionTierUsed } | null;
  /** Executed at auto or by suggest timeout (the automation metrics). */
  readonly automated: boolean;
  readonly wrong: boolean;
  readonly intervention: boolean;
  /** §3 cost units: 0 right execution, 0.3 approval/veto/modification, 1 from scratch/rejection, 2 wrong. */
  readonly cost: number;
  /** Routed to a human inbox (queue, human, escalate, veto, override) and when the item becomes ready. */
  readonly inbox: { readonly delayMs: number } | null;
}

const SUGGEST_TIMEOUT_MS = 30_000;

/**
 * @example answer({ decision: 'a', params: {}, confidence: 1, tier: 'auto', emergency: false }, { decision: 'a', params: {} }, 'absent').outcome // 'success'
 */
export function answer(p: ReplayProposal, truth: Truth, model: OperatorModel): OperatorAnswer {
  const executable = p.decision !== null && isExecutableDecision(p.decision);
  const routedToHuman = !executable || p.tier === 'human' || p.tier === 'escalate';
  if (routedToHuman || p.decision === null) {
    return { outcome: 'decided', execution: null, automated: false, wrong: false, intervention: true, cost: 1, inbox: { delayMs: 0 } };
  }
  const rightDecision = p.decision === truth.decision;
  const right = rightDecision && paramsMatch(p.params, truth.params);
  if (p.tier === 'queue') {
    if (right) {
      return { outcome: 'approval', execution: { decision: p.decision, params: p.params, tier: 'queue' }, automated: false, wrong: false, intervention: true, cost: 0.3, inbox: { delayMs: 0 } };
    }
    if (rightDecision) {
      return { outcome: 'modification', execution: { decision: p.decision, params: truth.params, tier: 'queue' }, automated: false, wrong: false, intervention: true, cost: 0.3, inbox: { delayMs: 0 } };
    }
    return { outcome: 'rejection', execution: null, automated: false, wrong: false, intervention: true, cost: 1, inbox: { delayMs: 0 } };
  }
  const tier: ExecutionTierUsed = p.tier === 'auto' ? 'auto' : 'suggest';
  const delayMs = tier === 'suggest' ? SUGGEST_TIMEOUT_MS : 0;
  if (tier === 'suggest' && model === 'attentive' && !right) {
    return { outcome: 'veto', execution: null, automated: false, wrong: false, intervention: true, cost: 0.3, inbox: { delayMs } };
  }
  const execution = { decision: p.decision, params: p.params, tier };
  if (right) return { outcome: 'success', execution, automated: true, wrong: false, intervention: false, cost: 0, inbox: null };
  return { outcome: 'override', execution, automated: true, wrong: true, intervention: true, cost: 2, inbox: { delayMs } };
}

/**
 * Catalogue decisions execute unless they are handoffs; names outside the catalogue (generic streams)
 * execute unless they are `__unknown__` or an `escalate_*` handoff.
 * @example isExecutableDecision('reboot_bay_pc') // true
 */
export function isExecutableDecision(decision: string): boolean {
  const entry = catalogueEntry(decision);
  if (entry !== undefined) return entry.kind !== 'handoff';
  return decision !== UNKNOWN_DECISION && !decision.startsWith('escalate_');
}
