import { EMPTY_RECORD, type TrackRecord, lowerBound, withCorrection, withEvidence } from './confidence.js';
import type { DecisionParams } from '../venue/types.js';
import type { Outcome } from './types.js';

/**
 * A pattern is a remembered decision with its track record. Its state moves learning → suggested → auto as
 * humans approve executions, and an operator can lock (never automate) or demote (at most queue) it.
 * An operator's modification of the parameters forks a variant that keeps its own record.
 */

export type PatternState = 'learning' | 'suggested' | 'auto' | 'locked' | 'demoted';
export type OperatorHold = 'none' | 'locked' | 'demoted';

export interface PatternRecord {
  /** `decision` or `decision~variant`. */
  readonly key: string;
  readonly decision: string;
  readonly variant: string | null;
  /** Executions a human decided or approved that went right: the promotion currency. */
  readonly humanApproved: number;
  /** Every proposal of this pattern, right or wrong (reliability). */
  readonly record: TrackRecord;
  /** Proposals made in the suggest band only: the gate for executing by timeout. */
  readonly suggestRecord: TrackRecord;
  readonly overrides: number;
  readonly vetoes: number;
  readonly rejections: number;
  readonly modifications: number;
  readonly hold: OperatorHold;
}

export interface PatternSettings {
  /** Human-approved executions before a pattern may auto-execute. */
  readonly minApprovedForAuto: number;
  readonly halfLifeMs: number;
}

export const DEFAULT_PATTERN_SETTINGS: PatternSettings = { minApprovedForAuto: 3, halfLifeMs: 30 * 86_400_000 };

/** @example newPattern('reset_trackman').key // 'reset_trackman' */
export function newPattern(decision: string, variant: string | null = null): PatternRecord {
  return {
    key: variant === null ? decision : `${decision}~${variant}`,
    decision,
    variant,
    humanApproved: 0,
    record: EMPTY_RECORD,
    suggestRecord: EMPTY_RECORD,
    overrides: 0,
    vetoes: 0,
    rejections: 0,
    modifications: 0,
    hold: 'none',
  };
}

/**
 * The pattern's state, derived (never stored) so it cannot disagree with the record.
 * @example patternState(newPattern('x'), DEFAULT_PATTERN_SETTINGS) // 'learning'
 */
export function patternState(p: PatternRecord, settings: PatternSettings): PatternState {
  if (p.hold !== 'none') return p.hold;
  if (p.humanApproved >= settings.minApprovedForAuto) return 'auto';
  return p.humanApproved > 0 ? 'suggested' : 'learning';
}

/** Reliability: the lower bound of the pattern's proposal record. */
export function reliability(p: PatternRecord): number {
  return lowerBound(p.record);
}

/** Lower bound of the pattern's record in the suggest band: 0 until it has proven itself there. */
export function suggestReliability(p: PatternRecord): number {
  return lowerBound(p.suggestRecord);
}

const AGAINST: Readonly<Record<Outcome, 'for' | 'against' | 'neutral'>> = {
  success: 'for',
  approval: 'for',
  failure: 'against',
  override: 'against',
  veto: 'against',
  rejection: 'against',
  modification: 'against',
  decided: 'neutral',
};

/**
 * Applies the outcome of a proposal of this pattern. `band` is the confidence band the proposal was in.
 * @example applyOutcome(newPattern('x'), 'override', 'auto', 1000, DEFAULT_PATTERN_SETTINGS).overrides // 1
 */
export function applyOutcome(
  p: PatternRecord,
  outcome: Outcome,
  band: 'auto' | 'suggest' | 'queue' | 'human',
  now: number,
  settings: PatternSettings,
): PatternRecord {
  const direction = AGAINST[outcome];
  if (direction === 'neutral') return p;
  const success = direction === 'for';
  return {
    ...p,
    record: withEvidence(p.record, success, now, settings.halfLifeMs),
    suggestRecord:
      band === 'suggest' ? withEvidence(p.suggestRecord, success, now, settings.halfLifeMs) : p.suggestRecord,
    overrides: p.overrides + (outcome === 'override' ? 1 : 0),
    vetoes: p.vetoes + (outcome === 'veto' ? 1 : 0),
    rejections: p.rejections + (outcome === 'rejection' ? 1 : 0),
    modifications: p.modifications + (outcome === 'modification' ? 1 : 0),
  };
}

/**
 * An automatic execution of this pattern that an operator corrected after it ran: the success it was credited
 * with becomes a failure (in the suggest record too when it ran by timeout), and it counts as an override.
 * @example applyCorrection(applyOutcome(newPattern('x'), 'success', 'auto', 1000, DEFAULT_PATTERN_SETTINGS), 'auto', 2000, DEFAULT_PATTERN_SETTINGS).record.failures // 1
 */
export function applyCorrection(p: PatternRecord, band: 'auto' | 'suggest' | 'queue' | 'human', now: number, settings: PatternSettings): PatternRecord {
  return {
    ...p,
    record: withCorrection(p.record, now, settings.halfLifeMs),
    suggestRecord: band === 'suggest' ? withCorrection(p.suggestRecord, now, settings.halfLifeMs) : p.suggestRecord,
    overrides: p.overrides + 1,
  };
}

/** A human decided or approved this decision and it was carried out: one step towards promotion. */
export function approvedByHuman(p: PatternRecord): PatternRecord {
  return { ...p, humanApproved: p.humanApproved + 1 };
}

/** An operator's hold: `locked` never automates, `demoted` caps at the approval queue, `none` releases. */
export function withHold(p: PatternRecord, hold: OperatorHold): PatternRecord {
  return { ...p, hold };
}

/**
 * The variant an operator's modification forks: named after the parameters that were changed, so the same
 * correction recurring accrues one record.
 * @example variantKey({ bay: 2 }, { bay: 3 }) // 'bay'
 */
export function variantKey(proposed: DecisionParams, corrected: DecisionParams): string {
  const a = new Map<string, unknown>(Object.entries(proposed));
  const b = new Map<string, unknown>(Object.entries(corrected));
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => a.get(k) !== b.get(k))
    .sort()
    .join('+');
}
