import type { DecisionEngine } from '../decisionMemory/engine.js';
import { patternState, reliability } from '../decisionMemory/patterns.js';
import type { ConfidencePoint, DecisionStore, StoredPattern } from './ports.js';

/** Confidence history kept per pattern: enough for a chart, bounded so a busy pattern's row stays small. */
export const HISTORY_POINTS = 200;

/**
 * Appends a point when the reliability or state moved since the last one (an unchanged pattern adds
 * nothing), keeping the latest {@link HISTORY_POINTS}.
 * @example withPoint([], { at: '2026-01-01T00:00:00.000Z', reliability: 0.4, state: 'learning' }).length // 1
 */
export function withPoint(history: readonly ConfidencePoint[], point: ConfidencePoint): readonly ConfidencePoint[] {
  const last = history[history.length - 1];
  if (last !== undefined && last.state === point.state && Math.abs(last.reliability - point.reliability) < 1e-9) return history;
  const next = [...history, point];
  return next.length > HISTORY_POINTS ? next.slice(next.length - HISTORY_POINTS) : next;
}

/**
 * Writes the engine's patterns (track record, derived state, reliability, confidence history) to the
 * store; only patterns that changed are written.
 */
export async function savePatterns(engine: DecisionEngine, store: DecisionStore, at: Date): Promise<void> {
  const existing = new Map((await store.patterns()).map((p) => [p.record.key, p]));
  const changed: StoredPattern[] = [];
  for (const record of engine.patterns()) {
    const state = patternState(record, engine.settings.patterns);
    const rel = reliability(record);
    const before = existing.get(record.key);
    const history = withPoint(before?.history ?? [], { at: at.toISOString(), reliability: rel, state });
    if (before !== undefined && history === before.history && JSON.stringify(before.record) === JSON.stringify(record)) continue;
    changed.push({ record, state, reliability: rel, history, updatedAt: at });
  }
  await store.savePatterns(changed);
}
