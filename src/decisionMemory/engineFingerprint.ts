import { createHash } from 'node:crypto';
import type { DecisionEngine } from './engine.js';

/**
 * What a snapshot of the engine's state depends on besides the history: the settings that shape learning,
 * the pattern modules, and the shape of the state itself. A snapshot is only restored into an engine with
 * the same fingerprint; anything else is a full rebuild. Pure.
 */

/**
 * Bump when a code change makes an old state mean something else (e.g. a classifier update rule), even though
 * no setting and no state field changed: old snapshots are then ignored and the history is replayed.
 */
export const LEARNING_REVISION = 6;

/**
 * The fingerprint of a freshly built engine (before anything is learned or restored: its state's shape is then
 * fixed by the code alone). `autoExecution` is left out: it only labels proposals, it never changes learning.
 * @example engineFingerprint(new DecisionEngine()) === engineFingerprint(new DecisionEngine()) // true
 */
export function engineFingerprint(fresh: DecisionEngine): string {
  const { autoExecution: _, ...settings } = fresh.settings;
  const described = { revision: LEARNING_REVISION, settings, modules: fresh.modules.map((m) => m.name), shape: shapeOf(fresh.toState()) };
  return createHash('sha256').update(sortedJson(described)).digest('hex');
}

/** The state's structure without its data: field names and value kinds (an array is just an array). */
export function shapeOf(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (Array.isArray(v)) return 'array';
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shapeOf(x)]));
  return v === null ? 'null' : typeof v;
}

/** JSON with object keys sorted, so equal values always hash alike. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${sortedJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
