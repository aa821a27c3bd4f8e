import { CODEC_VERSION, EngineCodecError, decodeEngineState, encodeEngineState } from '../decisionMemory/engineCodec.js';
import type { DecisionEngine } from '../decisionMemory/engine.js';
import { engineFingerprint } from '../decisionMemory/engineFingerprint.js';
import { restoreInto } from '../decisionMemory/engineState.js';
import type { Clock } from '../kernel/clock.js';
import { type CatchUp, type CatchUpPosition, positionAfter } from './catchUp.js';
import type { DecisionStore } from './ports.js';
import { applyHolds, applyStep } from './rebuildEngine.js';

/**
 * Engine snapshots: the engine is a cache of the shared history, and replaying all of it at every start grows
 * with the history (minutes at 100k steps). Every so many new steps one instance saves its engine's state with
 * its catch-up position; a starting instance restores the newest usable snapshot and replays only the steps
 * the snapshot does not hold (those above its cursor, and those below it that committed late), then the
 * operators' holds. A snapshot that is missing, damaged or of other settings is passed over with one warning
 * and the full history is replayed: a snapshot never stops a start.
 */

/** What a snapshot must match to be restored: the codec that wrote it and the engine it was taken from. */
export interface SnapshotKind {
  readonly codecVersion: number;
  readonly fingerprint: string;
}

export interface SnapshotMeta extends CatchUpPosition {
  readonly id: number;
  readonly createdAt: Date;
}

export interface NewSnapshot extends CatchUpPosition {
  readonly kind: SnapshotKind;
  readonly payload: Uint8Array;
  readonly createdAt: Date;
}

export interface EngineSnapshotStore {
  /** Snapshots of this kind, the one covering the most history first. */
  newest(kind: SnapshotKind, limit: number): Promise<SnapshotMeta[]>;
  /** How many snapshots of other kinds are stored (taken under other settings or another codec). */
  otherKinds(kind: SnapshotKind): Promise<number>;
  /** The encoded state, or null when the snapshot was removed meanwhile. */
  payload(id: number): Promise<Uint8Array | null>;
  /** History steps above `position`, counted up to `atMost`. */
  stepsAfter(position: number, atMost: number): Promise<number>;
  /** Takes the one writer's claim if it is free or its lease ran out; true when `instance` now holds it. */
  claim(instance: string, now: Date, until: Date): Promise<boolean>;
  /** Gives the claim back (if `instance` still holds it). */
  release(instance: string): Promise<void>;
  /**
   * Saves the snapshot only while `instance` holds an unexpired claim at `now`; keeps the newest `keep` of its
   * kind, removes other kinds' snapshots created before `staleBefore`, and releases the claim. Returns the new
   * snapshot's id, or null when the claim was lost (its lease ran out and another instance took it).
   */
  save(s: NewSnapshot, instance: string, now: Date, keep: number, staleBefore: Date): Promise<number | null>;
}

export type SkipReason = 'corrupt' | 'incompatible' | 'unusable';

export interface SkippedSnapshot {
  readonly id: number;
  readonly reason: SkipReason;
  readonly error: string;
}

/** How the engine came up. */
export type EngineStart =
  | { readonly from: 'snapshot'; readonly snapshotId: number; readonly position: number; readonly tail: number; readonly skipped: readonly SkippedSnapshot[] }
  | { readonly from: 'history'; readonly steps: number; readonly reason: 'missing' | 'incompatible' | 'skipped'; readonly skipped: readonly SkippedSnapshot[] };

export interface StartedEngine {
  readonly engine: DecisionEngine;
  readonly position: CatchUpPosition;
  readonly kind: SnapshotKind;
  readonly start: EngineStart;
}

/** Snapshots tried at start before replaying everything: the newest, then the one before it. */
const TRIED = 2;

/**
 * Builds the engine: from the newest usable snapshot plus the history it lacks, or from the whole history.
 * `fresh` must build a new engine with new module memories each call (a failed restore leaves its engine dirty).
 * @example const { engine, position } = await startEngine({ fresh, history: store, snapshots, warn })
 */
export async function startEngine(deps: {
  readonly fresh: () => DecisionEngine;
  readonly history: Pick<DecisionStore, 'historyAfter' | 'holds'>;
  readonly snapshots: EngineSnapshotStore;
  readonly warn: (details: Record<string, unknown>, message: string) => void;
}): Promise<StartedEngine> {
  let engine = deps.fresh();
  const kind = { codecVersion: CODEC_VERSION, fingerprint: engineFingerprint(engine) };
  const skipped: SkippedSnapshot[] = [];
  const candidates = await deps.snapshots.newest(kind, TRIED);
  for (const meta of candidates) {
    try {
      const payload = await deps.snapshots.payload(meta.id);
      if (payload === null) throw new Error('removed before it could be read');
      restoreInto(engine, await decodeEngineState(payload));
      const { position, tail } = await replayTail(engine, meta, deps.history);
      applyHolds(engine, await deps.history.holds());
      if (skipped.length > 0) deps.warn({ skipped, restoredFrom: meta.id }, 'engine snapshot unusable: restored from an older one');
      return { engine, position, kind, start: { from: 'snapshot', snapshotId: meta.id, position: meta.cursor, tail, skipped } };
    } catch (err) {
      skipped.push({ id: meta.id, reason: err instanceof EngineCodecError ? err.reason : 'unusable', error: err instanceof Error ? err.message : String(err) });
      engine = deps.fresh();
    }
  }
  const steps = await deps.history.historyAfter(-1);
  for (const s of steps) applyStep(engine, s.step);
  applyHolds(engine, await deps.history.holds());
  const reason = skipped.length > 0 ? 'skipped' : (await deps.snapshots.otherKinds(kind)) > 0 ? 'incompatible' : 'missing';
  // A new installation has neither history nor snapshot: nothing was lost, nothing to say.
  if (reason !== 'missing' || steps.length > 0) {
    deps.warn({ reason, skipped, steps: steps.length }, 'no usable engine snapshot: the engine was rebuilt from the whole history');
  }
  return { engine, position: positionAfter(steps), kind, start: { from: 'history', steps: steps.length, reason, skipped } };
}

/** Applies the steps the snapshot's engine had not applied, in sequence order; returns the resulting position. */
async function replayTail(
  engine: DecisionEngine,
  from: CatchUpPosition,
  history: Pick<DecisionStore, 'historyAfter'>,
): Promise<{ position: CatchUpPosition; tail: number }> {
  const applied = new Map(from.applied);
  let cursor = from.cursor;
  let tail = 0;
  for (const s of await history.historyAfter(from.floor)) {
    if (!applied.has(s.key)) {
      applyStep(engine, s.step);
      tail++;
    }
    applied.set(s.key, s.seq);
    cursor = Math.max(cursor, s.seq);
  }
  return { position: { cursor, floor: from.floor, applied: [...applied] }, tail };
}

export type SnapshotWrite =
  | { readonly kind: 'written'; readonly id: number; readonly position: number; readonly steps: number; readonly bytes: number }
  /** Fewer new steps than the setting asks for since the newest snapshot (or this engine is not ahead of it). */
  | { readonly kind: 'not_due'; readonly steps: number }
  /** Another instance is writing one. */
  | { readonly kind: 'claimed_elsewhere' }
  /** A step this instance applied itself is not in the history yet: no position describes the engine now. */
  | { readonly kind: 'unsettled' }
  /** The claim ran out while encoding and another instance took it: nothing saved. */
  | { readonly kind: 'lost_claim' };

export interface SnapshotWriter {
  /** Writes a snapshot if one is due (the periodic task). */
  write(): Promise<SnapshotWrite>;
}

export interface SnapshotWriterDeps {
  readonly engine: DecisionEngine;
  readonly catchUp: CatchUp;
  readonly store: EngineSnapshotStore;
  readonly kind: SnapshotKind;
  readonly clock: Clock;
  /** New history steps since the newest snapshot before another is written. */
  readonly everySteps: number;
  /** Names this instance in the claim. */
  readonly instance: string;
  /** How long a claim holds without being saved (a writer that died frees it after this). */
  readonly leaseMs?: number;
  /** Snapshots kept of the current kind. */
  readonly keep?: number;
  /** Snapshots of other kinds older than this are removed (long enough for a rolling deploy to finish). */
  readonly staleKindsAfterMs?: number;
}

export function createSnapshotWriter(deps: SnapshotWriterDeps): SnapshotWriter {
  const leaseMs = deps.leaseMs ?? 120_000;
  const keep = deps.keep ?? 2;
  const staleMs = deps.staleKindsAfterMs ?? 86_400_000;
  const { store, kind, instance } = deps;

  const due = async (): Promise<{ since: number; steps: number }> => {
    const since = (await store.newest(kind, 1))[0]?.cursor ?? -1;
    return { since, steps: await store.stepsAfter(since, deps.everySteps) };
  };

  return {
    async write() {
      const before = await due();
      if (before.steps < deps.everySteps) return { kind: 'not_due', steps: before.steps };
      const now = deps.clock.now();
      if (!(await store.claim(instance, now, new Date(now.getTime() + leaseMs)))) return { kind: 'claimed_elsewhere' };
      try {
        // Another instance may have saved one between the count and the claim.
        const since = (await store.newest(kind, 1))[0]?.cursor ?? -1;
        if (since !== before.since) return { kind: 'not_due', steps: 0 };
        await deps.catchUp.run();
        // From here to the encoding, no await: the position and the state describe the same engine.
        const position = deps.catchUp.settled();
        if (position === null) return { kind: 'unsettled' };
        if (position.cursor <= since) return { kind: 'not_due', steps: 0 };
        const payload = await encodeEngineState(deps.engine.toState());
        const at = deps.clock.now();
        const id = await store.save({ ...position, kind, payload, createdAt: at }, instance, at, keep, new Date(at.getTime() - staleMs));
        if (id === null) return { kind: 'lost_claim' };
        return { kind: 'written', id, position: position.cursor, steps: before.steps, bytes: payload.length };
      } finally {
        await store.release(instance);
      }
    },
  };
}
