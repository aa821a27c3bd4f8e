import type { DecisionParams } from '../venue/types.js';

/** The parameters that decide whether an execution is right (the rest are informative). */
export const SCORED_PARAMS = ['location', 'bay', 'bookingId'] as const;

/**
 * Whether proposed parameters agree with the expected ones on every scored key the expectation has.
 * @example paramsMatch({ bay: 3, location: 'A' }, { bay: 3 }) // true
 */
export function paramsMatch(proposed: DecisionParams, expected: DecisionParams): boolean {
  return SCORED_PARAMS.every((k) => expected[k] === undefined || proposed[k] === expected[k]);
}
