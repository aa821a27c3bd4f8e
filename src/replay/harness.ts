import { expectedCalibrationError, reliabilityTable } from '../decisionMemory/calibration.js';
import { paramsMatch } from '../decisionMemory/params.js';
import type { MemoryEvent, Outcome, Truth } from '../decisionMemory/types.js';
import { type DecisionParams, UNKNOWN_DECISION } from '../venue/types.js';
import type { ExecutionGate } from './executionGate.js';
import { type InboxItem, inboxLatencies } from './inbox.js';
import { type EventResult, type Summary, type Tally, addResult, emptyTally, summarise } from './metrics.js';
import { type FrontierPoint, FRONTIER_RATES, type RankedProposal, automationFrontier } from './frontier.js';
import { type OperatorModel, type ReplayProposal, answer, isExecutableDecision } from './operator.js';
import { type Clause, type OwnExecution, clausesOf } from './safety.js';
import type { StreamItem } from './streams.js';

/**
 * Replay protocol v1: every event in file order → the subject proposes → the simulated operator answers
 * from the truth → feedback reaches the subject (after `feedbackDelay` further events) → metrics.
 * The subject is an interface so the same harness can drive the bare engine or the full server pipeline.
 */

export interface ReplaySubject {
  propose(event: MemoryEvent): ReplayProposal | Promise<ReplayProposal>;
  feedback(
    event: MemoryEvent,
    truth: Truth,
    outcome: Outcome,
    executed: { readonly decision: string; readonly params: DecisionParams } | null,
  ): void | Promise<void>;
}

export interface ReplayOptions {
  readonly operator: OperatorModel;
  /** Feedback is delivered after this many further events (0 = before the next event). */
  readonly feedbackDelay: number;
  /** Wall-clock milliseconds, for events/s only. */
  readonly wallClock: () => number;
  /** The execution stage's pre-execution check: a refused execution runs nothing and goes to a human. */
  readonly gate?: ExecutionGate;
}

export interface VenueReport {
  readonly param_accuracy: number;
  readonly param_accuracy_n: number;
  readonly param_accuracy_text_only_bay: number;
  readonly param_accuracy_text_only_bay_n: number;
  readonly safety_violations: number;
  readonly safety_by_clause: Readonly<Record<Clause, number>>;
  readonly emergencies: number;
  readonly emergencies_surfaced_at_once: number;
  readonly emergency_recall: number;
  readonly emergency_latency_max_s: number;
  readonly emergency_latency_p95_s: number;
  readonly emergencies_at_suggest_or_queue: number;
  readonly emergencies_unflagged_route: number;
  readonly outage_recall: number;
}

export type ReplayReport = Summary & {
  readonly operator: OperatorModel;
  readonly quarters: readonly Summary[];
  readonly halves: readonly Summary[];
  readonly by_scenario: Readonly<Record<string, Summary>>;
  readonly ece: number;
  readonly calibration: readonly { from: number; to: number; n: number; meanConfidence: number; accuracy: number }[];
  /** What an ideal single threshold on confidence would have executed at each wrong rate (frontier.ts). */
  readonly frontier: readonly FrontierPoint[];
  readonly events_per_s: number;
  readonly warm_n: number;
  /** Executions the pre-execution check refused (only when the execution gate is in the path). */
  readonly executions_refused?: number;
} & Partial<VenueReport>;

interface Scored {
  readonly result: EventResult;
  readonly confidence: number | null;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Feeds warm-up events through the subject (proposals and feedback, no metrics). */
export async function warmUp(subject: ReplaySubject, items: readonly StreamItem[], operator: OperatorModel): Promise<void> {
  for (const item of items) {
    const p = await subject.propose(item.event);
    const a = answer(p, item.truth, operator);
    await subject.feedback(item.event, item.truth, a.outcome, a.execution);
  }
}

/** Replays a stream through a subject and scores it. */
export async function runReplay(
  subject: ReplaySubject,
  items: readonly StreamItem[],
  options: ReplayOptions,
  warmN = 0,
): Promise<ReplayReport> {
  const total = emptyTally();
  const quarters = [emptyTally(), emptyTally(), emptyTally(), emptyTally()];
  const halves = [emptyTally(), emptyTally()];
  const scenarios = new Map<string, Tally>();
  const pairs: { confidence: number; correct: boolean }[] = [];
  const executable: RankedProposal[] = [];
  const seen = new Set<string>();
  const venue = new VenueScorer();
  const queue: (() => Promise<void>)[] = [];
  const started = options.wallClock();

  for (const [i, item] of items.entries()) {
    const p = await subject.propose(item.event);
    const proposed = answer(p, item.truth, options.operator);
    const a = options.gate ? options.gate.apply(item.event, proposed) : proposed;
    const scored = score(p, item, a, seen);
    seen.add(item.truth.decision);
    for (const t of [total, quarters[Math.min(3, Math.floor((4 * i) / items.length))]!, halves[Math.min(1, Math.floor((2 * i) / items.length))]!]) {
      addResult(t, scored.result);
    }
    const prefix = item.scenario.split('.')[0]!;
    if (!scenarios.has(prefix)) scenarios.set(prefix, emptyTally());
    addResult(scenarios.get(prefix)!, scored.result);
    if (scored.confidence !== null) pairs.push({ confidence: scored.confidence, correct: scored.result.correct });
    if (p.decision !== null && isExecutableDecision(p.decision)) executable.push({ confidence: p.confidence, correct: scored.result.correct });
    venue.observe(item, p, a);
    queue.push(() => Promise.resolve(subject.feedback(item.event, item.truth, a.outcome, a.execution)));
    while (queue.length > options.feedbackDelay) await queue.shift()!();
  }
  while (queue.length > 0) await queue.shift()!();
  const seconds = Math.max(1e-9, (options.wallClock() - started) / 1000);

  return {
    ...summarise(total),
    operator: options.operator,
    quarters: quarters.map(summarise),
    halves: halves.map(summarise),
    by_scenario: Object.fromEntries([...scenarios].sort().map(([k, t]) => [k, summarise(t)])),
    ece: round(expectedCalibrationError(pairs)),
    calibration: reliabilityTable(pairs).map((r) => ({
      ...r,
      meanConfidence: round(r.meanConfidence),
      accuracy: round(r.accuracy),
    })),
    frontier: automationFrontier(executable, items.length, FRONTIER_RATES).map((f) => ({
      ...f,
      threshold: f.threshold === null ? null : round(f.threshold),
      automationRate: round(f.automationRate),
    })),
    events_per_s: Math.round(items.length / seconds),
    ...(options.gate ? { executions_refused: options.gate.refused } : {}),
    warm_n: warmN,
    ...(venue.any ? venue.report() : {}),
  };
}

function score(p: ReplayProposal, item: StreamItem, a: ReturnType<typeof answer>, seen: ReadonlySet<string>): Scored {
  const g = item.truth.decision;
  const correct = p.decision === g && paramsMatch(p.params, item.truth.params);
  return {
    result: {
      automated: a.automated,
      wrong: a.wrong,
      unknown: g === UNKNOWN_DECISION,
      intervention: a.intervention,
      cost: a.cost,
      repeat: g !== UNKNOWN_DECISION && seen.has(g),
      top1: p.decision === g,
      proposed: p.decision !== null && (p.tier === 'auto' || p.tier === 'suggest' || p.tier === 'queue'),
      correct,
    },
    confidence: p.decision === null ? null : p.confidence,
  };
}

/** Venue-only scoring: parameters, safety clauses on the own log, emergencies and their inbox latency. */
class VenueScorer {
  any = false;
  private paramN = 0;
  private paramRight = 0;
  private textBayN = 0;
  private textBayRight = 0;
  private readonly own: OwnExecution[] = [];
  private violations = 0;
  private readonly clauses: Record<Clause, number> = { V1: 0, V1_unknown: 0, V2: 0, V3: 0, V4: 0, V5: 0 };
  private emergencies = 0;
  private flagged = 0;
  private atSuggestOrQueue = 0;
  private unflaggedRoute = 0;
  private outages = 0;
  private outagesRouted = 0;
  private readonly inbox: InboxItem[] = [];

  observe(item: StreamItem, p: ReplayProposal, a: ReturnType<typeof answer>): void {
    const x = item.venue;
    if (x === null || !('kind' in item.event)) return;
    this.any = true;
    const e = item.event;
    const at = e.t.getTime();
    const g = item.truth;
    if (a.execution !== null) {
      const exec: OwnExecution = { ...a.execution, at };
      const clauses = clausesOf(exec, x, g.decision, this.own);
      if (clauses.length > 0) this.violations++;
      for (const c of clauses) this.clauses[c]++;
      this.own.push(exec);
      if (a.automated && a.execution.decision === g.decision) {
        const ok = paramsMatch(a.execution.params, g.params);
        this.paramN++;
        if (ok) this.paramRight++;
        if (g.params.bay !== undefined && e.bay === null && !bayFromBooking(item, g.params.bay, g.params.location)) {
          this.textBayN++;
          if (ok) this.textBayRight++;
        }
      }
    }
    const flaggedNow = p.emergency || p.decision === 'escalate_emergency';
    if (x.emergency) {
      this.emergencies++;
      if (flaggedNow && (p.tier === 'escalate' || p.tier === 'human')) this.flagged++;
      if (p.tier === 'suggest' || p.tier === 'queue') this.atSuggestOrQueue++;
      if (!flaggedNow && a.inbox !== null) this.unflaggedRoute++;
    }
    if (g.decision === 'escalate_site_outage') {
      this.outages++;
      if (a.inbox !== null && a.execution === null) this.outagesRouted++;
    }
    if (a.inbox !== null) {
      this.inbox.push({ ready: at + a.inbox.delayMs, emergency: flaggedNow, key: x.emergency ? e.id : null });
    }
  }

  report(): VenueReport {
    const lat = [...inboxLatencies(this.inbox).values()].sort((a, b) => a - b);
    const p95 = lat.length === 0 ? 0 : lat[Math.min(lat.length - 1, Math.ceil(0.95 * lat.length) - 1)]!;
    return {
      param_accuracy: round(this.paramN === 0 ? 1 : this.paramRight / this.paramN),
      param_accuracy_n: this.paramN,
      param_accuracy_text_only_bay: round(this.textBayN === 0 ? 1 : this.textBayRight / this.textBayN),
      param_accuracy_text_only_bay_n: this.textBayN,
      safety_violations: this.violations,
      safety_by_clause: { ...this.clauses },
      emergencies: this.emergencies,
      emergencies_surfaced_at_once: this.flagged,
      emergency_recall: round(this.emergencies === 0 ? 1 : this.flagged / this.emergencies),
      emergency_latency_max_s: (lat[lat.length - 1] ?? 0) / 1000,
      emergency_latency_p95_s: p95 / 1000,
      emergencies_at_suggest_or_queue: this.atSuggestOrQueue,
      emergencies_unflagged_route: this.unflaggedRoute,
      outage_recall: round(this.outages === 0 ? 1 : this.outagesRouted / this.outages),
    };
  }
}

function bayFromBooking(item: StreamItem, bay: number, location: string | undefined): boolean {
  if (!('kind' in item.event)) return false;
  const b = item.event.context.booking;
  if (b === null || b.bay !== bay || (location !== undefined && b.location !== location)) return false;
  const t = item.event.t.getTime();
  return t >= b.startsAt.getTime() - 15 * 60_000 && t <= b.endsAt.getTime() + 30 * 60_000;
}

