import type { RiskClass } from '../venue/catalogue.js';
import type { ExecutionTier, Tier } from '../venue/types.js';
import { TIERS } from '../venue/types.js';
import type { PatternState } from './patterns.js';
import { DEFAULT_SUGGEST_BUDGET, type SuggestBudget } from './suggestBudget.js';

/**
 * From confidence to the tier actually used. The band comes from the thresholds; everything after that can
 * only LOWER it: the catalogue ceiling, promotion, the suggest-band track-record gate, operator holds,
 * guards and kill switches, the risk that a human was due, an unlock worded unlike any approved one, and a
 * context operators never decided the decision in. Handoffs, unknowns, anomalies and emergencies escalate.
 */

export interface Thresholds {
  readonly high: number;
  readonly medium: number;
  readonly low: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { high: 0.95, medium: 0.75, low: 0.5 };

/** Why a set of thresholds is refused, by name. */
export type ThresholdProblem = 'out_of_range' | 'not_ordered';

/**
 * Thresholds an operator may set: each in (0, 1], strictly ordered low < medium < high, so every band exists
 * and "auto" is never reachable below "suggest".
 * @example checkThresholds({ high: 0.9, medium: 0.95, low: 0.5 }) // { ok: false, problem: 'not_ordered' }
 */
export function checkThresholds(t: Thresholds): { readonly ok: true; readonly thresholds: Thresholds } | { readonly ok: false; readonly problem: ThresholdProblem } {
  const values = [t.low, t.medium, t.high];
  if (values.some((v) => !Number.isFinite(v) || v <= 0 || v > 1)) return { ok: false, problem: 'out_of_range' };
  if (!(t.low < t.medium && t.medium < t.high)) return { ok: false, problem: 'not_ordered' };
  return { ok: true, thresholds: { high: t.high, medium: t.medium, low: t.low } };
}

export interface PolicySettings {
  readonly thresholds: Thresholds;
  /** Lower bound a pattern's suggest-band record needs before a suggestion may execute by timeout. */
  readonly suggestGate: number;
  /** The other way into the band: confidence above a floor kept by the measured wrong-execution rate. */
  readonly suggestBudget: SuggestBudget;
  /** Largest tolerated probability that an execution lands on an event a human had to handle. */
  readonly maxHandoffRisk: number;
  /**
   * How similar a remembered example of a door unlock must be for an unlock to run without a human: physical
   * access is granted on wording operators approved before, not on a confident reading of something new
   * ("found the back door unlocked" shares "door" and the stem of "unlock" with every request to get in).
   */
  readonly accessFamiliarity: number;
}

export const DEFAULT_POLICY: PolicySettings = {
  thresholds: DEFAULT_THRESHOLDS,
  suggestGate: 0.85,
  suggestBudget: DEFAULT_SUGGEST_BUDGET,
  maxHandoffRisk: 0.005,
  accessFamiliarity: 0.5,
};

/** Why a tier was lowered, by name. */
export type PolicyReason =
  | 'handoff'
  | 'unknown'
  | 'anomaly'
  | 'emergency'
  | 'catalogue_cap'
  | 'not_promoted'
  | 'suggest_gate'
  | 'locked'
  | 'demoted'
  | 'guard'
  | 'kill_switch'
  | 'multi_issue'
  | 'handoff_risk'
  | 'unfamiliar_access'
  | 'unfamiliar_context';

export interface PolicyInput {
  readonly decision: string | null;
  readonly confidence: number;
  /** The catalogue's loosest tier for the decision; undefined when the decision is not catalogued. */
  readonly catalogueCap: ExecutionTier | undefined;
  /** Escalations and `__unknown__`: routed to a human, never executed. */
  readonly handoff: boolean;
  readonly unknown: boolean;
  readonly anomaly: boolean;
  readonly emergency: boolean;
  readonly patternState: PatternState;
  readonly suggestReliability: number;
  /** The error budget's confidence floor for suggestions (see suggestBudget.ts). */
  readonly suggestFloor: number;
  /** Learned unknowns are among the nearest remembered examples. */
  readonly unknownNearby: boolean;
  /** Names of the guards that block this action now (empty = all allow). */
  readonly blockedBy: readonly string[];
  readonly killSwitched: boolean;
  /** Several issues in one message: a human confirms which one to act on. */
  readonly multiIssue: boolean;
  /** Probability that the event needed a human instead (see `handoffRisk`). */
  readonly handoffRisk: number;
  /** The decision's risk class in the catalogue (undefined outside it). */
  readonly risk: RiskClass | undefined;
  /** Similarity of the closest remembered example of the same decision among the nearest (0 when none). */
  readonly familiarity: number;
  /** Operators decided this decision before for an event sharing the event's decisive facts (or it has none). */
  readonly contextSeen: boolean;
}

export interface TierDecision {
  readonly tier: Tier;
  readonly band: Tier;
  readonly reasons: readonly PolicyReason[];
}

const rank = (t: Tier): number => TIERS.indexOf(t);

/** The stricter of two tiers. */
export function stricter(a: Tier, b: Tier): Tier {
  return rank(a) >= rank(b) ? a : b;
}

/**
 * The tier the confidence alone earns.
 * @example bandFor(0.8, DEFAULT_THRESHOLDS) // 'suggest'
 */
export function bandFor(confidence: number, t: Thresholds): Tier {
  if (confidence >= t.high) return 'auto';
  if (confidence >= t.medium) return 'suggest';
  if (confidence >= t.low) return 'queue';
  return 'human';
}

/**
 * The tier actually used: never looser than the band, the catalogue cap or any hold.
 * @example decideTier({ ...input, confidence: 0.99, catalogueCap: 'queue' }, DEFAULT_POLICY).tier // 'queue'
 */
export function decideTier(input: PolicyInput, settings: PolicySettings): TierDecision {
  const band = bandFor(input.confidence, settings.thresholds);
  const reasons: PolicyReason[] = [];
  let tier: Tier = band;
  const lower = (to: Tier, reason: PolicyReason): void => {
    if (rank(to) > rank(tier)) {
      tier = to;
      reasons.push(reason);
    }
  };
  if (input.emergency) lower('escalate', 'emergency');
  if (input.anomaly) lower('escalate', 'anomaly');
  if (input.unknown || input.decision === null) lower('escalate', 'unknown');
  if (input.handoff) lower('human', 'handoff');
  if (input.catalogueCap !== undefined) lower(input.catalogueCap, 'catalogue_cap');
  if (input.patternState === 'locked') lower('human', 'locked');
  if (input.patternState === 'demoted') lower('queue', 'demoted');
  if (input.multiIssue) lower('queue', 'multi_issue');
  if (input.handoffRisk > settings.maxHandoffRisk) lower('queue', 'handoff_risk');
  if (input.risk === 'access' && input.familiarity < settings.accessFamiliarity) lower('queue', 'unfamiliar_access');
  if (!input.contextSeen) lower('queue', 'unfamiliar_context');
  if (input.patternState === 'learning') lower('queue', 'not_promoted');
  if (input.patternState === 'suggested') lower('suggest', 'not_promoted');
  // The error budget's floor only opens what the confidence itself put in the band, for a promoted pattern: an
  // action the catalogue caps at suggest (links, tickets a human should glance at), a pattern not yet promoted,
  // and an event that resembles something operators marked "no automatable decision" need the pattern's record.
  const budgetOpens =
    input.confidence >= input.suggestFloor &&
    input.patternState === 'auto' &&
    !input.unknownNearby &&
    (input.catalogueCap === undefined || input.catalogueCap === 'auto');
  if (tier === 'suggest' && input.suggestReliability < settings.suggestGate && !budgetOpens) lower('queue', 'suggest_gate');
  if (input.blockedBy.length > 0) lower('human', 'guard');
  if (input.killSwitched) lower('human', 'kill_switch');
  return { tier, band, reasons };
}

/**
 * The probability that executing a proposal acts on an event that needed a human: the chance the proposal
 * is wrong, times the share of the classifier's remaining belief that sits on handoffs. A wrong reply where
 * another reply was due costs a correction; a reply where a refund, a security alert or a booking change
 * was due is a safety failure, so that part of the error budget is kept far smaller.
 * @example handoffRisk(0.97, 0.5) // 0.015
 */
export function handoffRisk(confidence: number, handoffShare: number): number {
  return Math.max(0, 1 - confidence) * Math.min(1, Math.max(0, handoffShare));
}
