import type { Thresholds } from './policy.js';

/**
 * The suggest band's error budget. A suggestion executes when its countdown ends and nobody answered, so which
 * suggestions may count down at all is a safety decision. Two gates open it, either one enough: the pattern's
 * own record in the suggest band (policy `suggestGate`), or the proposal's calibrated confidence clearing the
 * *floor* kept here. The floor follows the measured outcome of everything the system executes on its own
 * (automatic executions and suggestions): a wrong one raises it by gain·(1 − rate), a right one lowers it by
 * gain·rate. Wrong executions therefore settle at `rate` whenever the floor sits between the band's edges, a run
 * of mistakes shuts the band within a few events, and the floor starts shut (at HIGH): the band opens only as
 * far as right executions have paid for it. It never leaves [MEDIUM, HIGH], so the thresholds keep their meaning.
 */

export interface SuggestBudget {
  /** Tolerated share of wrong executions (0 keeps the floor at HIGH: only the pattern gate opens the band). */
  readonly rate: number;
  /** Step of the floor per outcome. */
  readonly gain: number;
  /**
   * The floor never goes below this (nor below MEDIUM): each suggestion it lets through is this likely right.
   * 0.85, not 0.9: late in a stream the automatic tier alone stays well under the budget, and a floor held at 0.9
   * left the rest unspent (banking77.dev's last quarter: 0.9 % wrong against a 1.5 % budget), while suggestions
   * between 0.85 and 0.9 were right as often as those just above 0.9.
   */
  readonly minFloor: number;
}

export const DEFAULT_SUGGEST_BUDGET: SuggestBudget = { rate: 0.015, gain: 0.02, minFloor: 0.85 };

/** What the system's own execution (or the suggestion it would have executed) turned out to be. */
export type ExecutionVerdict = 'right' | 'wrong';

/**
 * The floor within the band's current edges (thresholds can change at run time).
 * @example floorWithin(0.5, { high: 0.95, medium: 0.75, low: 0.5 }) // 0.75
 */
export function floorWithin(floor: number, t: Thresholds, minFloor = 0): number {
  return Math.min(t.high, Math.max(t.medium, minFloor, floor));
}

/**
 * The floor after one more outcome.
 * @example nextFloor(0.95, 'wrong', DEFAULT_SUGGEST_BUDGET, { high: 0.95, medium: 0.75, low: 0.5 }) // 0.95
 */
export function nextFloor(floor: number, verdict: ExecutionVerdict, budget: SuggestBudget, t: Thresholds): number {
  if (budget.rate <= 0) return t.high;
  const step = verdict === 'wrong' ? budget.gain * (1 - budget.rate) : -budget.gain * budget.rate;
  return floorWithin(floorWithin(floor, t, budget.minFloor) + step, t, budget.minFloor);
}
