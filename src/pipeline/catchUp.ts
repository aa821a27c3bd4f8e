import type { DecisionEngine } from '../decisionMemory/engine.js';
import type { DecisionStore, SequencedStep } from './ports.js';
import { applyHolds, applyStep } from './rebuildEngine.js';

/**
 * Several instances share one database but each has its own in-memory engine. Every instance applies what it
 * decides itself at once and marks it; `run` reads the shared history since its cursor and applies the
 * steps the other instances wrote (their proposals, operator answers and execution outcomes), in sequence
 * order, plus the operators' current holds, so a pattern locked through one instance is locked on all.
 *
 * Sequence numbers are drawn at insert but become visible at commit, so a step may appear behind the cursor:
 * every run re-reads a window of `lookback` sequence numbers and skips steps already applied by key.
 */

export const DEFAULT_LOOKBACK = 1_000;

/**
 * Where an engine stands in the shared history: every step up to `cursor` it has seen, and the keys (with their
 * sequence numbers) of the steps it applied above `floor`. A step above `floor` that is not among them has not
 * been applied, whatever its sequence number (it may commit after higher ones); at or below `floor` everything
 * has been. A snapshot carries this, so catch-up resumes exactly where the snapshot's engine stood.
 */
export interface CatchUpPosition {
  readonly cursor: number;
  readonly floor: number;
  readonly applied: readonly (readonly [string, number])[];
}

/**
 * The position after replaying these steps from an empty engine (the full rebuild).
 * @example positionAfter([]) // { cursor: -1, floor: -1, applied: [] }
 */
export function positionAfter(steps: readonly SequencedStep[]): CatchUpPosition {
  return { cursor: steps.reduce((m, s) => Math.max(m, s.seq), -1), floor: -1, applied: steps.map((s) => [s.key, s.seq] as const) };
}

export interface CatchUp {
  /** Marks a step this instance applied itself (it will not be applied again when it shows up in the history). */
  mark(key: string): void;
  /**
   * Takes back a mark whose step never committed (its transaction rolled back): the step will never show up
   * in the history, so keeping the mark would only grow the map. A step already seen in the history stays.
   */
  forget(key: string): void;
  /** Applies the others' steps since the last run; returns how many it applied. */
  run(): Promise<number>;
  readonly cursor: number;
  /** Marks not yet seen in the history (steps in flight); stays bounded when transactions roll back. */
  readonly pendingMarks: number;
  /**
   * The engine's position now, or null while a step this instance applied itself has not been seen in the
   * history (its sequence number is unknown, so no position describes the engine). Read it in the same
   * synchronous stretch as the engine's state.
   */
  settled(): CatchUpPosition | null;
}

export interface CatchUpDeps {
  readonly engine: DecisionEngine;
  readonly store: Pick<DecisionStore, 'historyAfter' | 'holds'>;
  /** Where the engine stands (after a full rebuild: `positionAfter(steps)`; after a snapshot: its position). */
  readonly from: CatchUpPosition;
  readonly lookback?: number;
}

export function createCatchUp(deps: CatchUpDeps): CatchUp {
  const lookback = deps.lookback ?? DEFAULT_LOOKBACK;
  /** key → sequence number (Infinity while this instance applied it but has not seen it in the history yet). */
  const applied = new Map<string, number>(deps.from.applied);
  let cursor = deps.from.cursor;
  // Below the floor nothing is known by key: never read back that far (a restored engine's floor may be
  // above cursor - lookback when the snapshot was taken with a shorter lookback).
  const floor = deps.from.floor;
  let running: Promise<number> | null = null;

  const prune = (): void => {
    for (const [key, seq] of applied) if (seq < cursor - lookback) applied.delete(key);
  };

  const once = async (): Promise<number> => {
    let n = 0;
    for (const s of await deps.store.historyAfter(Math.max(-1, floor, cursor - lookback))) {
      if (!applied.has(s.key)) {
        applyStep(deps.engine, s.step);
        n++;
      }
      applied.set(s.key, s.seq);
      cursor = Math.max(cursor, s.seq);
    }
    applyHolds(deps.engine, await deps.store.holds());
    prune();
    return n;
  };

  return {
    mark(key) {
      if (!applied.has(key)) applied.set(key, Number.POSITIVE_INFINITY);
    },
    forget(key) {
      if (applied.get(key) === Number.POSITIVE_INFINITY) applied.delete(key);
    },
    get pendingMarks() {
      let n = 0;
      for (const seq of applied.values()) if (seq === Number.POSITIVE_INFINITY) n++;
      return n;
    },
    run() {
      // One run at a time: two overlapping runs would apply the same step twice.
      running ??= once().finally(() => {
        running = null;
      });
      return running;
    },
    get cursor() {
      return cursor;
    },
    settled() {
      const from = Math.max(floor, cursor - lookback);
      const keys: [string, number][] = [];
      for (const [key, seq] of applied) {
        if (seq === Number.POSITIVE_INFINITY) return null;
        if (seq > from) keys.push([key, seq]);
      }
      return { cursor, floor: from, applied: keys };
    },
  };
}
