import type { PatternModule } from './module.js';

/**
 * General requests with nothing but text (the generic streams, FAQ-like questions): no structured facts,
 * no parameters beyond none, no guards; the label is the operator's decision as given.
 */
export const decisionModule: PatternModule = {
  name: 'decision',
  handles: () => true,
  owns: () => true,
  facts: () => [],
  forced: () => null,
  params: () => ({}),
  guards: () => [],
  label: (_event, truth) => truth.decision,
};
