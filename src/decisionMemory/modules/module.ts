import type { DecisionParams, LoggedAction } from '../../venue/types.js';
import type { MemoryEvent, Truth } from '../types.js';

/**
 * A pattern module owns one family of events and decisions: the structured facts it adds to the features
 * of the events it handles, safety overrides that bypass learning, parameter extraction and the guards of
 * the decisions it owns, and the label it learns from an operator's truth.
 */
export type ModuleName = 'error' | 'access' | 'booking' | 'decision';

/** A decision the module imposes regardless of what memory proposes (emergency, site outage). */
export interface ForcedDecision {
  readonly decision: string;
  readonly params: DecisionParams;
  readonly emergency: boolean;
  readonly reason: string;
}

/**
 * A guard that blocks a decision now, and the decision that replaces it: a `handoff` routes the event to a
 * human; a `redirect` proposes the fallback instead (an ordinary proposal the policy still caps), e.g. asking
 * which bay when a bay action has no bay to act on.
 */
export interface GuardBlock {
  readonly guard: string;
  readonly fallback: string;
  readonly route: 'handoff' | 'redirect';
}

export interface PatternModule {
  readonly name: ModuleName;
  /** Events whose features and safety overrides this module contributes to. */
  handles(event: MemoryEvent): boolean;
  /** Decisions whose parameters and guards this module owns. */
  owns(decision: string): boolean;
  /** Structured facts (`name=value`) that join the text features. */
  facts(event: MemoryEvent, log: readonly LoggedAction[]): string[];
  /**
   * The names of the facts on which `decision` turns beyond the wording: the same device line asks for the projector
   * to be powered on in a booked bay and for nothing in an empty one. A decision runs on its own only where
   * operators decided it for an event with the same values of those of them the event has. Absent: wording decides.
   */
  decisiveFacts?(decision: string): readonly string[];
  /** Safety overrides that bypass learning. */
  forced(event: MemoryEvent, log: readonly LoggedAction[]): ForcedDecision | null;
  /** The parameters a decision would run with, extracted from the event. */
  params(event: MemoryEvent, decision: string): DecisionParams;
  /** The guards that block executing `decision` now (empty = allowed). */
  guards(event: MemoryEvent, decision: string, params: DecisionParams, log: readonly LoggedAction[]): GuardBlock[];
  /** The label the classifier learns: the underlying issue when a guard, not the issue, changed the truth. */
  label(event: MemoryEvent, truth: Truth, log: readonly LoggedAction[]): string;
  /** Module memory as plain data (for modules that keep any), and its restore. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}
