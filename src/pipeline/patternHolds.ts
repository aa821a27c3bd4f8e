import type { AuditLog } from '../audit/auditLog.js';
import type { DecisionEngine } from '../decisionMemory/engine.js';
import type { OperatorHold, PatternRecord } from '../decisionMemory/patterns.js';
import type { Clock } from '../kernel/clock.js';
import { savePatterns } from './patternSnapshot.js';
import type { DecisionStore } from './ports.js';

export type HoldKind = 'lock' | 'demote' | 'release';
export type HoldResult = { readonly kind: 'held'; readonly pattern: PatternRecord } | { readonly kind: 'not_found' };

const HOLD_OF: Readonly<Record<HoldKind, OperatorHold>> = { lock: 'locked', demote: 'demoted', release: 'none' };
const ACTION_OF = { lock: 'pattern.locked', demote: 'pattern.demoted', release: 'pattern.released' } as const;

/**
 * A supervisor's hold on a pattern: lock (never automate), demote (at most the approval queue) or release (the
 * pattern's own record decides again). Durable in decision_patterns, where only this verb writes the hold
 * (other instances take it from there at their next catch-up, and reapply it when rebuilt), and audited.
 * Releasing a pattern that has no hold changes nothing and records nothing.
 */
export function createPatternHolds(deps: { store: DecisionStore; engine: DecisionEngine; audit: AuditLog; clock: Clock }) {
  return async (key: string, kind: HoldKind, actor: { readonly type: 'operator' | 'api_key'; readonly id: string }, reason: string | null): Promise<HoldResult> => {
    const current = deps.engine.patterns().find((p) => p.key === key);
    if (current === undefined) return { kind: 'not_found' };
    const stored = (await deps.store.holds()).get(key) ?? 'none';
    const hold = HOLD_OF[kind];
    if (stored === hold && current.hold === hold) return { kind: 'held', pattern: current };
    const now = deps.clock.now();
    // The stored hold first: a catch-up running meanwhile brings this engine to it, never back to the old one.
    if (!(await deps.store.setHold(key, hold))) {
      await savePatterns(deps.engine, deps.store, now);
      await deps.store.setHold(key, hold);
    }
    const pattern = deps.engine.hold(key, hold);
    await savePatterns(deps.engine, deps.store, now);
    await deps.audit.record({
      action: ACTION_OF[kind],
      actor,
      resource: { type: 'pattern', id: key },
      body: { pattern: key, decision: pattern.decision, hold: pattern.hold, previous: stored, reason },
    });
    return { kind: 'held', pattern };
  };
}

export type PatternHolds = ReturnType<typeof createPatternHolds>;
