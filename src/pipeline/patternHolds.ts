import type { AuditLog } from '../audit/auditLog.js';
import type { DecisionEngine } from '../decisionMemory/engine.js';
import type { PatternRecord } from '../decisionMemory/patterns.js';
import type { Clock } from '../kernel/clock.js';
import { savePatterns } from './patternSnapshot.js';
import type { DecisionStore } from './ports.js';

export type HoldKind = 'lock' | 'demote';
export type HoldResult = { readonly kind: 'held'; readonly pattern: PatternRecord } | { readonly kind: 'not_found' };

/**
 * A supervisor's hold on a pattern: lock (never automate) or demote (at most the approval queue).
 * Durable in decision_patterns (reapplied when the engine is rebuilt) and audited.
 */
export function createPatternHolds(deps: { store: DecisionStore; engine: DecisionEngine; audit: AuditLog; clock: Clock }) {
  return async (key: string, kind: HoldKind, actor: { readonly type: 'operator' | 'api_key'; readonly id: string }, reason: string | null): Promise<HoldResult> => {
    if (!deps.engine.patterns().some((p) => p.key === key)) return { kind: 'not_found' };
    const pattern = deps.engine.hold(key, kind === 'lock' ? 'locked' : 'demoted');
    const now = deps.clock.now();
    await savePatterns(deps.engine, deps.store, now);
    await deps.audit.record({
      action: kind === 'lock' ? 'pattern.locked' : 'pattern.demoted',
      actor,
      resource: { type: 'pattern', id: key },
      body: { pattern: key, decision: pattern.decision, hold: pattern.hold, reason },
    });
    return { kind: 'held', pattern };
  };
}

export type PatternHolds = ReturnType<typeof createPatternHolds>;
