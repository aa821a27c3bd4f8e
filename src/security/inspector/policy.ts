import type { InspectorPolicy, PolicyMode } from './types.js';

/**
 * Threshold 5 is one critical rule (CRS convention): a single decisive rule blocks, weaker
 * signals must add up. Limits are generous for API bodies and cheap to enforce.
 */
export const defaultPolicy: InspectorPolicy = Object.freeze({
  mode: 'block',
  threshold: 5,
  maxDepth: 32,
  maxKeys: 512,
  maxValueLength: 16_384,
});

/**
 * The policy for a route: the default with the route's mode (and any overrides).
 * @example policyFor('flag').mode // 'flag'
 */
export function policyFor(mode: PolicyMode, overrides: Partial<Omit<InspectorPolicy, 'mode'>> = {}): InspectorPolicy {
  return Object.freeze({ ...defaultPolicy, ...overrides, mode });
}
