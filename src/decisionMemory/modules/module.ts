import type { DecisionParams, LoggedAction } from '../../venue/types.js';
import type { MemoryEvent, Truth } from '../types.js';

/**
 * A pattern module owns one family of events: what it handles, the structured facts it adds to the
 * features, how it extracts parameters, the safety rules it enforces and the label it learns.
 * The engine asks the modules in order; the first that handles an event owns it.
 */
export type ModuleName = 'error' | 'access' | 'booking' | 'decision';

/** A decision the module imposes regardless of what memory proposes (emergency, site outage). */
export interface ForcedDecision {
  readonly decision: string;
  readonly params: DecisionParams;
  readonly emergency: boolean;
  readonly reason: string;
}

export interface PatternModule {
  readonly name: ModuleName;
  handles(event: MemoryEvent): boolean;
  /** Structured facts (`name=value`) that join the text features. */
  facts(event: MemoryEvent): string[];
  /** Safety overrides that bypass learning. */
  forced(event: MemoryEvent, ownLog: readonly LoggedAction[]): ForcedDecision | null;
  /** The parameters a decision would run with, extracted from the event. */
  params(event: MemoryEvent, decision: string): DecisionParams;
  /** Names of the guards that block executing `decision` now (empty = allowed). */
  guards(event: MemoryEvent, decision: string, params: DecisionParams, ownLog: readonly LoggedAction[]): string[];
  /** The label the classifier learns from the operator's truth. */
  label(event: MemoryEvent, truth: Truth): string;
}
