import type { PatternModule } from './module.js';

/**
 * General customer requests with nothing but text (the generic streams): no structured facts, no
 * parameters, no venue guards; the label is the operator's decision as given.
 */
export const decisionModule: PatternModule = {
  name: 'decision',
  handles: () => true,
  facts: () => [],
  forced: () => null,
  params: () => ({}),
  guards: () => [],
  label: (_event, truth) => truth.decision,
};
