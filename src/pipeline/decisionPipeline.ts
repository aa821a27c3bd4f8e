import type { AuditLog } from '../audit/auditLog.js';
import { DEFAULT_ENGINE_SETTINGS, DecisionEngine, NO_KILL_SWITCHES } from '../decisionMemory/engine.js';
import { venueModules } from '../decisionMemory/modules/venueModules.js';
import { patternState } from '../decisionMemory/patterns.js';
import type { Thresholds } from '../decisionMemory/policy.js';
import type { Clock } from '../kernel/clock.js';
import { type ExecutedStep, learnExecution } from './executionLearning.js';
import { type EmergencyAlarm, type HandleEvent, createHandleEvent } from './handleEvent.js';
import { type PatternHolds, createPatternHolds } from './patternHolds.js';
import { savePatterns } from './patternSnapshot.js';
import { type CatchUp, createCatchUp } from './catchUp.js';
import { type EngineSnapshotStore, type EngineStart, type SnapshotWriter, createSnapshotWriter, startEngine } from './engineSnapshots.js';
import { type DecisionStore, type ProposalRecord, type QueueItem, type StoredPattern, stepKey } from './ports.js';
import { type AnswerHooks, type RecordDecision, createRecordDecision } from './recordDecision.js';
import { type ShadowFigures, shadowByLocation } from './shadowFigures.js';

export interface DecisionPipelineDeps {
  readonly store: DecisionStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly alarm: EmergencyAlarm;
  readonly autoExecution: () => boolean;
  readonly eventLocation: (eventId: string) => Promise<{ readonly location: string | null } | null>;
  readonly onError: (err: unknown, eventId: string) => void;
  /** PATTERN_CONFIDENCE_HIGH / MEDIUM / LOW: the bands auto, suggest and queue start at. */
  readonly thresholds?: Thresholds;
  /** PATTERN_SUGGEST_ERROR_BUDGET (suggestBudget.ts); the engine's default when absent. */
  readonly suggestErrorBudget?: number;
  /** PATTERN_ACCESS_FAMILIARITY (policy.ts); the engine's default when absent. */
  readonly accessFamiliarity?: number;
  readonly onProposed?: (record: ProposalRecord) => void;
  /** The execution stage, bound after it is built (it needs the pipeline's learning in turn). */
  readonly execution?: () => ExecutionHooks | null;
  /** Engine snapshots: restored at start, written every `everySteps` new history steps. */
  readonly snapshots: {
    readonly store: EngineSnapshotStore;
    readonly everySteps: number;
    readonly instance: string;
    readonly warn: (details: Record<string, unknown>, message: string) => void;
  };
}

export interface ExecutionHooks extends AnswerHooks {
  proposed(record: ProposalRecord): Promise<void>;
}

export interface DecisionPipeline {
  readonly engine: DecisionEngine;
  readonly handle: HandleEvent;
  readonly decide: RecordDecision;
  readonly hold: PatternHolds;
  /** Applies what other instances learned (their proposals, answers, outcomes and holds) to this engine. */
  readonly catchUp: CatchUp;
  /** How the engine came up (from a snapshot and the history after it, or from the whole history). */
  readonly started: EngineStart;
  /** Writes an engine snapshot when one is due. */
  readonly snapshots: SnapshotWriter;
  /** A finished execution's outcome, fed to the engine and its patterns saved. */
  executed(step: ExecutedStep): Promise<void>;
  queue(locations: readonly string[] | null, limit: number): Promise<QueueItem[]>;
  patterns(): Promise<StoredPattern[]>;
  metrics(locations: readonly string[] | null): Promise<{ readonly total: ShadowFigures; readonly locations: readonly { readonly location: string | null; readonly figures: ShadowFigures }[] }>;
}

/**
 * The decision stage, assembled: an engine restored from its newest snapshot and the history after it, or
 * rebuilt from the whole stored history (it is a cache of the operator decisions), intake's handler and
 * sweeper, operator answers, pattern holds and the shadow figures.
 * The engine runs in shadow mode: this stage has no executor, so nothing runs by itself.
 */
export async function createDecisionPipeline(deps: DecisionPipelineDeps): Promise<DecisionPipeline> {
  const defaults = DEFAULT_ENGINE_SETTINGS.policy;
  const policy = {
    ...defaults,
    thresholds: deps.thresholds ?? defaults.thresholds,
    suggestBudget: { ...defaults.suggestBudget, rate: deps.suggestErrorBudget ?? defaults.suggestBudget.rate },
    accessFamiliarity: deps.accessFamiliarity ?? defaults.accessFamiliarity,
  };
  const settings = { ...DEFAULT_ENGINE_SETTINGS, policy, autoExecution: false };
  const { snapshots } = deps;
  const { engine, position, kind, start } = await startEngine({
    fresh: () => new DecisionEngine(settings, venueModules(), NO_KILL_SWITCHES),
    history: deps.store,
    snapshots: snapshots.store,
    warn: snapshots.warn,
  });
  const { store, audit, clock } = deps;
  const catchUp = createCatchUp({ engine, store, from: position });
  const applied = (key: string): void => catchUp.mark(key);
  return {
    engine,
    catchUp,
    started: start,
    snapshots: createSnapshotWriter({ engine, catchUp, store: snapshots.store, kind, clock, everySteps: snapshots.everySteps, instance: snapshots.instance }),
    handle: createHandleEvent({
      store,
      engine,
      audit,
      clock,
      alarm: deps.alarm,
      autoExecution: deps.autoExecution,
      onError: deps.onError,
      applied,
      notApplied: (key) => catchUp.forget(key),
      ...(deps.onProposed ? { onProposed: deps.onProposed } : {}),
      afterDecided: async (r) => {
        await deps.execution?.()?.proposed(r);
      },
    }),
    decide: createRecordDecision({ store, engine, audit, clock, eventLocation: deps.eventLocation, execution: () => deps.execution?.() ?? null, applied }),
    async executed(step) {
      applied(stepKey(step));
      if (learnExecution(engine, step)) await savePatterns(engine, store, step.at);
    },
    hold: createPatternHolds({ store, engine, audit, clock }),
    queue: (locations, limit) => store.queue(locations, limit),
    // The state follows the stored hold, which an instance that has not caught up may not know yet.
    patterns: async () => (await store.patterns()).map((p) => ({ ...p, state: patternState(p.record, engine.settings.patterns) })),
    metrics: async (locations) => shadowByLocation(await store.ledger(locations)),
  };
}
