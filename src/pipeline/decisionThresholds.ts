import type { AuditLog } from '../audit/auditLog.js';
import type { Actor } from '../audit/entry.js';
import type { DecisionEngine } from '../decisionMemory/engine.js';
import { type ThresholdProblem, type Thresholds, checkThresholds } from '../decisionMemory/policy.js';
import type { Clock } from '../kernel/clock.js';

/**
 * The confidence thresholds (PATTERN_CONFIDENCE_HIGH/MEDIUM/LOW) as a run-time setting: the environment gives
 * the configured values, an admin may override them (persisted, audited as `config.changed`), and every
 * instance applies the stored values to its engine within one refresh. Learning is untouched: only the tiers
 * of the next proposals change.
 */

export interface StoredThresholds {
  readonly thresholds: Thresholds;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

export interface ThresholdStore {
  get(): Promise<StoredThresholds | null>;
  set(t: Thresholds, actor: string, at: Date): Promise<void>;
  clear(): Promise<void>;
}

export interface ThresholdsView {
  readonly effective: Thresholds;
  readonly configured: Thresholds;
  readonly source: 'environment' | 'override';
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  /**
   * Which suggestions may execute when their countdown ends: those whose pattern has a suggest-band record, or
   * (promoted patterns) whose confidence is at least `floor`, which this instance's measured wrong-execution rate
   * keeps between max(medium, minFloor) and high (see decisionMemory/suggestBudget.ts).
   */
  readonly suggestBand: { readonly floor: number; readonly errorBudget: number; readonly minFloor: number };
}

export type ThresholdChange = { readonly kind: 'changed'; readonly view: ThresholdsView } | { readonly kind: 'refused'; readonly problem: ThresholdProblem };

export interface DecisionThresholds {
  view(): Promise<ThresholdsView>;
  set(t: Thresholds, actor: Actor): Promise<ThresholdChange>;
  /** Back to the environment's values. */
  reset(actor: Actor): Promise<ThresholdsView>;
  /** Re-reads the stored values and applies them to this instance's engine (others may have changed them). */
  refresh(): Promise<void>;
}

const same = (a: Thresholds, b: Thresholds): boolean => a.high === b.high && a.medium === b.medium && a.low === b.low;

export async function createDecisionThresholds(deps: {
  readonly store: ThresholdStore;
  readonly engine: DecisionEngine;
  readonly configured: Thresholds;
  readonly audit: AuditLog;
  readonly clock: Clock;
}): Promise<DecisionThresholds> {
  const apply = (stored: StoredThresholds | null): ThresholdsView => {
    const effective = stored?.thresholds ?? deps.configured;
    if (!same(deps.engine.settings.policy.thresholds, effective)) deps.engine.setThresholds(effective);
    return {
      effective,
      configured: deps.configured,
      source: stored === null ? 'environment' : 'override',
      updatedBy: stored?.updatedBy ?? null,
      updatedAt: stored?.updatedAt.toISOString() ?? null,
      suggestBand: {
        floor: deps.engine.suggestFloor,
        errorBudget: deps.engine.settings.policy.suggestBudget.rate,
        minFloor: deps.engine.settings.policy.suggestBudget.minFloor,
      },
    };
  };
  const load = async (): Promise<ThresholdsView> => apply(await deps.store.get());
  const record = (actor: Actor, from: Thresholds, to: Thresholds) =>
    deps.audit.record({
      action: 'config.changed',
      actor,
      resource: { type: 'decision_thresholds', id: 'pattern_confidence' },
      body: { change: 'thresholds', from: { ...from }, to: { ...to } },
    });
  await load();
  return {
    view: load,
    async set(t, actor) {
      const checked = checkThresholds(t);
      if (!checked.ok) return { kind: 'refused', problem: checked.problem };
      const before = (await load()).effective;
      await deps.store.set(checked.thresholds, actor.id, deps.clock.now());
      const view = await load();
      await record(actor, before, view.effective);
      return { kind: 'changed', view };
    },
    async reset(actor) {
      const before = (await load()).effective;
      await deps.store.clear();
      const view = await load();
      await record(actor, before, view.effective);
      return view;
    },
    async refresh() {
      await load();
    },
  };
}
