import type { DecisionParams, Tier, VenueEvent } from '../venue/types.js';

/** A bare text event (generic streams): only what production would know about an anonymous message. */
export interface TextEvent {
  readonly id: string;
  readonly t: Date;
  readonly text: string;
}

/** What the engine sees: never the ground truth, never the source. */
export type MemoryEvent = TextEvent | VenueEvent;

export function isVenueEvent(e: MemoryEvent): e is VenueEvent {
  return 'kind' in e;
}

/** How an operator's answer relates to what the engine proposed (feeds the pattern's track record). */
export type Outcome =
  | 'success' // executed and right
  | 'failure' // executed, the action itself failed
  | 'override' // executed but wrong: the operator overrode it
  | 'veto' // suggestion vetoed before its timeout
  | 'rejection' // approval item rejected
  | 'modification' // approved with changed parameters
  | 'approval' // approval item approved as proposed
  | 'decided'; // a human decided from scratch (no proposal was acted on)

/** The operator's ground truth for an event. */
export interface Truth {
  readonly decision: string;
  readonly params: DecisionParams;
}

/** Why a proposal is what it is: the remembered examples and features that drove it. */
export interface Explanation {
  readonly neighbours: readonly { readonly exampleId: string; readonly decision: string; readonly similarity: number }[];
  readonly topFeatures: readonly string[];
  readonly classifierProbability: number;
  readonly module: string;
  readonly reasons: readonly string[];
}

export interface Proposal {
  readonly eventId: string;
  /** null when memory has nothing to offer (empty memory). */
  readonly decision: string | null;
  readonly params: DecisionParams;
  /** How well the event fits the remembered decision (uncalibrated evidence, 0..1). */
  readonly matchScore: number;
  /** The pattern's track record: lower bound of its Beta posterior (0..1). */
  readonly reliability: number;
  /** Calibrated probability that the decision (with params) is right. */
  readonly confidence: number;
  /** The tier after the policy layer (caps, gates, guards, kill switches, shadow mode). */
  readonly tier: Tier;
  /** The tier the confidence alone would give. */
  readonly band: Tier;
  readonly emergency: boolean;
  /** True in shadow mode: nothing executes, the tier is what would have happened. */
  readonly shadow: boolean;
  readonly explanation: Explanation;
}
