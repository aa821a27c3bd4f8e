import { catalogueEntry } from '../venue/catalogue.js';
import { type DecisionParams, type LoggedAction, UNKNOWN_DECISION } from '../venue/types.js';
import { DEFAULT_NOVELTY, DEFAULT_RATE, type NoveltySettings, type RateSettings, amongUnknowns, noveltyOf, rateAnomaly, rateWithdrawn } from './anomaly.js';
import { Calibrator, DEFAULT_CALIBRATOR_OPTIONS, type CalibratorOptions } from './calibration.js';
import { type ClassifierOptions, DEFAULT_CLASSIFIER_OPTIONS, LinearClassifier, type Prediction, averagePredictions } from './classifier.js';
import { FeatureHasher } from './featureHasher.js';
import { type SparseVector, hashFeature } from './features.js';
import { DEFAULT_SCORER_OPTIONS, type MatchEvidence, MatchScorer, type MatchScorerOptions } from './matchScore.js';
import { decisionModule } from './modules/decisionModule.js';
import type { ForcedDecision, PatternModule } from './modules/module.js';
import { type IssueShape, type PartReading, isSecondIssue, issueShape } from './multiIssue.js';
import { paramsMatch } from './params.js';
import {
  DEFAULT_PATTERN_SETTINGS,
  type OperatorHold,
  type PatternRecord,
  type PatternSettings,
  applyCorrection,
  applyOutcome,
  approvedByHuman,
  newPattern,
  patternState,
  reliability,
  suggestReliability,
  variantKey,
  withHold,
} from './patterns.js';
import { DEFAULT_POLICY, type PolicySettings, type Thresholds, decideTier, handoffRisk } from './policy.js';
import { seededRandom } from './random.js';
import { type ExecutionVerdict, floorWithin, nextFloor } from './suggestBudget.js';
import { DEFAULT_INDEX_OPTIONS, ExampleIndex, type IndexOptions, type Neighbour } from './textSimilarity.js';
import { type MemoryEvent, type Outcome, type Proposal, type Truth, isVenueEvent } from './types.js';
import { type EngineState, restoreInto, snapshot } from './engineState.js';

/**
 * The decision memory's facade: `propose(event, now)` before an operator sees the event, `learn(event,
 * truth, outcome, now)` after. Everything it knows is plain data (`toState`/`fromState`), and time is
 * always a parameter.
 */

export interface EngineSettings {
  readonly policy: PolicySettings;
  readonly patterns: PatternSettings;
  readonly novelty: NoveltySettings;
  readonly rate: RateSettings;
  readonly classifier: ClassifierOptions;
  readonly index: IndexOptions;
  readonly calibrator: CalibratorOptions;
  readonly scorer: MatchScorerOptions;
  /** Nearest examples consulted per event. */
  readonly neighbours: number;
  /** Past examples replayed through each classifier per learned event (approximates several epochs). */
  readonly rehearsal: number;
  readonly seed: number;
  /** false = shadow mode: proposals say what would have happened, nothing executes. */
  readonly autoExecution: boolean;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  policy: DEFAULT_POLICY,
  patterns: DEFAULT_PATTERN_SETTINGS,
  novelty: DEFAULT_NOVELTY,
  rate: DEFAULT_RATE,
  classifier: DEFAULT_CLASSIFIER_OPTIONS,
  index: DEFAULT_INDEX_OPTIONS,
  calibrator: DEFAULT_CALIBRATOR_OPTIONS,
  scorer: DEFAULT_SCORER_OPTIONS,
  neighbours: 8,
  rehearsal: 8,
  seed: 20_251,
  autoExecution: true,
};

/** Kill switches, passed in as data: an action or a location switched off never executes. */
export interface KillSwitches {
  readonly actions: ReadonlySet<string>;
  readonly locations: ReadonlySet<string>;
}

/** Decisions that route to a human: catalogue handoffs and, outside the catalogue, `escalate_*` names. */
function isHandoffDecision(decision: string): boolean {
  const entry = catalogueEntry(decision);
  return entry !== undefined ? entry.kind === 'handoff' : decision.startsWith('escalate_');
}

/**
 * Whether one of the nearest remembered examples of `decision` carries every decisive fact (as its `s:` feature).
 * @example contextSeen('ack_no_action', [], []) // true
 */
export function contextSeen(decision: string, facts: readonly string[], neighbours: readonly Neighbour[]): boolean {
  if (facts.length === 0) return true;
  const ids = facts.map((f) => hashFeature(`s:${f}`));
  return neighbours.some((n) => n.example.decision === decision && ids.every((id) => hasFeature(n.example.vector, id)));
}

/**
 * The event's facts whose names are decisive (a fact the event lacks asks nothing).
 * @example decisiveOf(['kind=device_event', 'booked=false'], ['booked', 'line']) // ['booked=false']
 */
export function decisiveOf(facts: readonly string[], names: readonly string[]): string[] {
  return names.length === 0 ? [] : facts.filter((f) => names.includes(f.slice(0, f.indexOf('='))));
}

/** Binary search in a vector's ascending ids. */
function hasFeature(v: SparseVector, id: number): boolean {
  let lo = 0;
  let hi = v.ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = v.ids[mid]!;
    if (x === id) return true;
    if (x < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * The seed of the word classifier's rehearsal draws, derived from the engine's seed.
 * @example wordSeed(1) !== 1 // true
 */
export function wordSeed(seed: number): number {
  return (seed ^ 0x9e3779b9) >>> 0;
}

/** Proposals awaiting their truth that are kept (oldest dropped first): far more than any inbox holds. */
const MAX_PENDING = 4096;

export const NO_KILL_SWITCHES: KillSwitches = { actions: new Set(), locations: new Set() };

/** An event read two ways: every feature (`vector`) and the words view (`words`, see `TextView`). */
export type EventViews = Pick<Pending, 'vector' | 'words'>;

/** A proposal waiting for its truth (part of the engine's state: learning the truth reads it). */
export interface Pending {
  readonly vector: SparseVector;
  /** The event's words view (see `TextView`). */
  readonly words: SparseVector;
  readonly decision: string | null;
  readonly params: DecisionParams;
  readonly evidence: MatchEvidence | null;
  readonly matchScore: number;
  readonly band: Proposal['band'];
  /** The tier actually used (auto and suggest are the system's own executions). */
  readonly tier: Proposal['tier'];
  readonly forced: boolean;
}

/** What an answer says about a proposal the system executed (or would have, by timeout) on its own. */
const VERDICT_OF: Readonly<Record<Outcome, ExecutionVerdict | null>> = {
  success: 'right',
  approval: 'right',
  override: 'wrong',
  veto: 'wrong',
  rejection: 'wrong',
  modification: 'wrong',
  // The action itself failed: says nothing about whether the decision was right.
  failure: null,
  decided: null,
};

/** An automatic execution learned as right, kept so an operator's later correction can take the credit back. */
export interface Settled {
  readonly proposal: Pending;
  /** Where its example sits in the index. */
  readonly example: number;
}

export class DecisionEngine {
  /** @internal exposed to engineState.ts for snapshots */
  readonly internals: {
    /** Reads the full view; `wordClassifier` the words view of the same events. Proposals average the two. */
    classifier: LinearClassifier;
    wordClassifier: LinearClassifier;
    /** The words view of each remembered example, in the index's order (the word classifier rehearses them). */
    wordVectors: SparseVector[];
    index: ExampleIndex;
    calibrator: Calibrator;
    scorer: MatchScorer;
    patterns: Map<string, PatternRecord>;
    labels: string[];
    ownLog: LoggedAction[];
    senders: Map<string, number[]>;
    rng: ReturnType<typeof seededRandom>;
    /** The word classifier's own rehearsal draws: the two views must not rehearse the same examples in step. */
    wordRng: ReturnType<typeof seededRandom>;
    /** The suggest band's error-budget floor (suggestBudget.ts); starts shut (1: HIGH, whatever HIGH becomes). */
    suggestFloor: number;
  };
  /** @internal exposed to engineState.ts for snapshots */
  readonly pending = new Map<string, Pending>();
  /** @internal exposed to engineState.ts for snapshots */
  readonly settled = new Map<string, Settled>();
  private readonly hasher = new FeatureHasher();

  private current: EngineSettings;

  constructor(
    settings: EngineSettings = DEFAULT_ENGINE_SETTINGS,
    readonly modules: readonly PatternModule[] = [decisionModule],
    private killSwitches: KillSwitches = NO_KILL_SWITCHES,
  ) {
    this.current = settings;
    this.internals = {
      classifier: new LinearClassifier(settings.classifier),
      wordClassifier: new LinearClassifier(settings.classifier),
      wordVectors: [],
      index: new ExampleIndex(settings.index),
      calibrator: new Calibrator(settings.calibrator),
      scorer: new MatchScorer(settings.scorer),
      patterns: new Map(),
      labels: [],
      ownLog: [],
      senders: new Map(),
      rng: seededRandom(settings.seed),
      wordRng: seededRandom(wordSeed(settings.seed)),
      suggestFloor: 1,
    };
  }

  get rememberedExamples(): number {
    return this.internals.index.size;
  }

  get settings(): EngineSettings {
    return this.current;
  }

  /** The confidence above which a suggestion may execute by timeout whatever its pattern's record (within the band). */
  get suggestFloor(): number {
    return floorWithin(this.internals.suggestFloor, this.current.policy.thresholds, this.current.policy.suggestBudget.minFloor);
  }

  /** An operator changed the confidence thresholds: the next proposal uses them (nothing learned is lost). */
  setThresholds(thresholds: Thresholds): void {
    this.current = { ...this.current, policy: { ...this.current.policy, thresholds } };
  }

  setKillSwitches(k: KillSwitches): void {
    this.killSwitches = k;
  }

  private handling(event: MemoryEvent): PatternModule[] {
    return this.modules.filter((m) => m.handles(event));
  }

  private owner(decision: string): PatternModule {
    return this.modules.find((m) => m.owns(decision)) ?? decisionModule;
  }

  /** Both views of an event; the full one built last, so the hasher names its features for explanations. */
  private viewsOf(text: string, facts: readonly string[]): EventViews {
    const words = this.hasher.vector(text, facts, 'words');
    return { vector: this.hasher.vector(text, facts), words };
  }

  /** The classifiers' joint reading of an event: the mean of the full view's and the words view's probabilities. */
  private read(views: EventViews): Prediction {
    return averagePredictions(this.internals.classifier.predict(views.vector), this.internals.wordClassifier.predict(views.words));
  }

  private factsOf(event: MemoryEvent, modules: readonly PatternModule[]): string[] {
    return modules.flatMap((m) => m.facts(event, this.internals.ownLog));
  }

  /**
   * What the classifier reads in each question of a message, alone (with the message's facts); null when the
   * wording shows no separate questions. Read before the message's own vector: the hasher names only the
   * features of the vector it built last, and the explanation needs the message's.
   */
  private questionReadings(shape: IssueShape, facts: readonly string[]): PartReading[] | null {
    if (shape.kind !== 'questions') return null;
    return shape.parts.map((part) => {
      const p = this.read(this.viewsOf(part, facts));
      return p.top < 0 ? { decision: UNKNOWN_DECISION, probability: 0 } : { decision: this.decisionOfLabel(p.classes[p.top]!), probability: p.probabilities[p.top]! };
    });
  }

  private pattern(key: string, decision: string, variant: string | null = null): PatternRecord {
    return this.internals.patterns.get(key) ?? newPattern(decision, variant);
  }

  /** Proposes a decision for an event. Never sees the truth; `now` is the event's time. */
  propose(event: MemoryEvent, now: Date): Proposal {
    const { classifier, index, calibrator, scorer, ownLog } = this.internals;
    const modules = this.handling(event);
    const facts = this.factsOf(event, modules);
    // Only what people write can carry several issues: a device line is one fault.
    const shape: IssueShape = !isVenueEvent(event) || event.kind === 'message' ? issueShape(event.text) : { kind: 'single' };
    const readings = this.questionReadings(shape, facts);
    const views = this.viewsOf(event.text, facts);
    const { vector } = views;
    let forcedBy: PatternModule | null = null;
    let forced: ForcedDecision | null = null;
    for (const m of modules) {
      forced = m.forced(event, ownLog);
      if (forced !== null) {
        forcedBy = m;
        break;
      }
    }
    const neighbours = index.nearest(vector, this.settings.neighbours);
    const prediction = this.read(views);
    const predicted = forced?.decision ?? (prediction.top >= 0 ? this.decisionOfLabel(prediction.classes[prediction.top]!) : null);
    const module = predicted === null ? decisionModule : this.owner(predicted);
    const predictedParams = forced?.params ?? (predicted === null ? {} : module.params(event, predicted));
    const guarded = predicted === null || forced !== null ? [] : module.guards(event, predicted, predictedParams, ownLog);
    // A guard does not just hold the action back: the decision becomes the handoff the venue rules name, or
    // (a redirect) the decision that fits instead, which then goes through the policy like any proposal.
    const blocks = guarded.filter((b) => b.route === 'handoff');
    const replacement = blocks[0] ?? guarded[0];
    const decision = replacement?.fallback ?? predicted;
    const params = replacement === undefined ? predictedParams : this.owner(decision!).params(event, decision!);

    let evidence: MatchEvidence | null = null;
    let matchScore = 0;
    let probability = 0;
    if (decision !== null && forced === null) {
      probability = prediction.probabilities[prediction.top]!;
      evidence = this.evidence(decision, prediction, neighbours);
      matchScore = scorer.score(evidence);
    }
    const confidence = forced !== null ? 1 : decision === null ? 0 : calibrator.calibrate(matchScore);
    const novelty = noveltyOf(
      neighbours.map((n) => ({ decision: n.example.decision, similarity: n.similarity })),
      this.settings.novelty,
    );
    const flood = this.floodCheck(event, now);
    // A connective says "second issue" by itself; separate questions do when one reads as another decision.
    const multiIssue =
      shape.kind === 'connective' ||
      (readings !== null && predicted !== null && isSecondIssue(predicted, readings, UNKNOWN_DECISION));
    const key = decision ?? UNKNOWN_DECISION;
    const pattern = this.pattern(key, key);
    const entry = decision === null ? undefined : catalogueEntry(decision);
    const location = params.location ?? (isVenueEvent(event) ? event.location : null);
    const blockedBy = blocks.map((b) => b.guard);
    const verdict = decideTier(
      {
        decision,
        confidence,
        catalogueCap: entry?.maxTier,
        handoff: forced !== null || blocks.length > 0 || entry?.kind === 'handoff',
        // Among learned unknowns the engine escalates unless it is all but sure (see `amongUnknowns`).
        unknown:
          decision === UNKNOWN_DECISION ||
          (forced === null && amongUnknowns(novelty, confidence, this.settings.policy.thresholds.high, this.settings.novelty)),
        anomaly: forced === null && (novelty === 'novel' || flood),
        emergency: forced?.emergency ?? false,
        patternState: patternState(pattern, this.settings.patterns),
        suggestReliability: suggestReliability(pattern),
        suggestFloor: this.suggestFloor,
        unknownNearby: neighbours.some((n) => n.example.decision === UNKNOWN_DECISION),
        blockedBy,
        handoffRisk: forced !== null || decision === null ? 0 : handoffRisk(confidence, this.handoffShare(prediction, decision, event)),
        risk: entry?.risk,
        familiarity: Math.max(0, ...neighbours.filter((n) => n.example.decision === decision).map((n) => n.similarity)),
        contextSeen: decision === null || forced !== null || contextSeen(decision, decisiveOf(facts, modules.flatMap((m) => m.decisiveFacts?.(decision) ?? [])), neighbours),
        multiIssue,
        killSwitched:
          decision !== null &&
          (this.killSwitches.actions.has(decision) || (location !== null && this.killSwitches.locations.has(location))),
      },
      this.settings.policy,
    );
    // Proposals wait for their truth; one the operator never answers must not be kept forever.
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(event.id, { vector, words: views.words, decision, params, evidence, matchScore, band: verdict.band, tier: verdict.tier, forced: forced !== null });
    const strongest = decision === null ? [] : classifier.strongestFeatures(vector, decision, 5);
    return {
      eventId: event.id,
      decision,
      params,
      matchScore,
      reliability: reliability(pattern),
      confidence,
      tier: verdict.tier,
      band: verdict.band,
      emergency: forced?.emergency ?? false,
      shadow: !this.settings.autoExecution,
      explanation: {
        neighbours: neighbours.slice(0, 3).map((n) => ({
          exampleId: n.example.id,
          decision: n.example.decision,
          similarity: n.similarity,
        })),
        topFeatures: strongest.map((i) => this.hasher.nameAt(i)),
        classifierProbability: probability,
        module: (forcedBy ?? module).name,
        reasons: [
          ...(forced !== null ? [forced.reason] : []),
          ...(novelty !== 'familiar' ? [`novelty:${novelty}`] : []),
          ...(flood ? ['rate:flood'] : []),
          ...guarded.map((g) => `guard:${g.guard}`),
          ...verdict.reasons,
        ],
      },
    };
  }

  /**
   * Takes back a proposal that was never committed (the transaction recording it rolled back): the event will be
   * proposed again, so it must neither count twice towards its sender's flood nor leave a proposal waiting for a
   * truth. `now` is the time it was proposed at. Keeps this engine equal to the shared history, where the
   * rolled-back step never appears.
   */
  withdraw(event: MemoryEvent, now: Date): void {
    this.pending.delete(event.id);
    if (!isVenueEvent(event)) return;
    const { senders } = this.internals;
    const recent = senders.get(event.from);
    if (recent === undefined) return;
    const kept = rateWithdrawn(recent, now.getTime());
    if (kept.length === 0) senders.delete(event.from);
    else senders.set(event.from, kept);
  }

  /**
   * Learns the operator's truth for an event. `outcome` says what became of the proposal; `executed` is
   * the action the system itself carried out for it (its own log feeds the rate guards).
   */
  learn(event: MemoryEvent, truth: Truth, outcome: Outcome, now: Date, executed: { decision: string; params: DecisionParams } | null = null): void {
    const at = now.getTime();
    const pending = this.pending.get(event.id);
    this.pending.delete(event.id);
    const earlier = pending === undefined ? this.settled.get(event.id) : undefined;
    if (earlier !== undefined) {
      this.settled.delete(event.id);
      this.afterTheFact(event, earlier, truth, at);
      return;
    }
    const views = pending ?? this.viewsOf(event.text, this.factsOf(event, this.handling(event)));
    const { patterns } = this.internals;

    if (pending !== undefined && pending.decision !== null) {
      const correct = pending.decision === truth.decision && paramsMatch(pending.params, truth.params);
      if (!pending.forced && pending.evidence !== null) {
        this.internals.calibrator.observe(pending.matchScore, correct);
        this.internals.scorer.learn(pending.evidence, correct);
      }
      // A human who decided from scratch saw the proposal: agreeing confirms it, anything else rejects it.
      const effective: Outcome = outcome === 'decided' ? (correct ? 'approval' : 'rejection') : outcome;
      const band = pending.band === 'escalate' ? 'human' : pending.band;
      const key = pending.decision;
      const verdict = VERDICT_OF[effective];
      if ((pending.tier === 'auto' || pending.tier === 'suggest') && !pending.forced && verdict !== null) {
        this.internals.suggestFloor = nextFloor(this.internals.suggestFloor, verdict, this.settings.policy.suggestBudget, this.settings.policy.thresholds);
      }
      patterns.set(key, applyOutcome(this.pattern(key, key), effective, band, at, this.settings.patterns));
      if (outcome === 'modification') {
        const variant = variantKey(pending.params, truth.params);
        const vkey = `${key}~${variant}`;
        patterns.set(vkey, approvedByHuman(this.pattern(vkey, key, variant)));
      }
    }
    if (outcome !== 'success') {
      // Every outcome other than a correct automatic execution means a human decided or approved the truth.
      patterns.set(truth.decision, approvedByHuman(this.pattern(truth.decision, truth.decision)));
    }
    if (executed !== null) {
      this.internals.ownLog.push({
        action: executed.decision,
        location: executed.params.location ?? null,
        bay: executed.params.bay ?? null,
        ...(executed.params.bookingId !== undefined ? { bookingId: executed.params.bookingId } : {}),
        at: now,
      });
      this.trimOwnLog(at);
    }
    const label = this.owner(truth.decision).label(event, truth, this.internals.ownLog);
    this.remember(event.id, views, label, truth.decision, at);
    if (outcome === 'success' && pending !== undefined && !pending.forced && (pending.tier === 'auto' || pending.tier === 'suggest')) {
      if (this.settled.size >= MAX_PENDING) this.settled.delete(this.settled.keys().next().value!);
      this.settled.set(event.id, { proposal: pending, example: this.internals.index.size - 1 });
    }
  }

  /**
   * An operator answered an event the system had already executed on its own and learned as right. Agreeing
   * confirms it (a human approval, nothing relearned). Anything else corrects it: the credit the execution got
   * is taken back everywhere it went — the pattern's record (a success becomes a failure, an override), the
   * calibrator's hit, the match scorer, the error budget — and the remembered example is relabelled with the
   * operator's decision rather than kept beside it.
   */
  private afterTheFact(event: MemoryEvent, earlier: Settled, truth: Truth, at: number): void {
    const { patterns, calibrator, scorer, index, labels } = this.internals;
    const p = earlier.proposal;
    patterns.set(truth.decision, approvedByHuman(this.pattern(truth.decision, truth.decision)));
    if (p.decision === truth.decision && paramsMatch(p.params, truth.params)) return;
    if (p.evidence !== null) {
      calibrator.revise(p.matchScore);
      scorer.learn(p.evidence, false);
    }
    const key = p.decision!;
    const band = p.band === 'escalate' ? 'human' : p.band;
    patterns.set(key, applyCorrection(this.pattern(key, key), band, at, this.settings.patterns));
    this.internals.suggestFloor = nextFloor(this.internals.suggestFloor, 'wrong', this.settings.policy.suggestBudget, this.settings.policy.thresholds);
    const label = this.owner(truth.decision).label(event, truth, this.internals.ownLog);
    index.relabel(earlier.example, truth.decision);
    labels[earlier.example] = label;
    this.train(p, label);
  }

  /**
   * What one of the system's own executions came to, when it is not learned as an operator's truth: an
   * action that may have acted joins the own log (the rate guards), a failed one is evidence against its
   * pattern (`band`: the tier it ran at).
   */
  observeExecution(
    executed: { decision: string; params: DecisionParams },
    lesson: 'failure' | 'acted' | 'success',
    band: 'auto' | 'suggest' | 'queue' | 'human',
    now: Date,
  ): void {
    const at = now.getTime();
    if (lesson === 'failure') {
      const key = executed.decision;
      this.internals.patterns.set(key, applyOutcome(this.pattern(key, key), 'failure', band, at, this.settings.patterns));
      return;
    }
    this.internals.ownLog.push({
      action: executed.decision,
      location: executed.params.location ?? null,
      bay: executed.params.bay ?? null,
      ...(executed.params.bookingId !== undefined ? { bookingId: executed.params.bookingId } : {}),
      at: now,
    });
    this.trimOwnLog(at);
  }

  private remember(id: string, views: EventViews, label: string, decision: string, at: number): void {
    this.train(views, label);
    const { vector, words } = views;
    this.internals.index.add({ id, decision, vector: { ids: vector.ids, values: vector.values }, at });
    this.internals.wordVectors.push({ ids: words.ids, values: words.values });
    this.internals.labels.push(label);
  }

  /**
   * For each classifier: one step on the example's view, then `rehearsal` steps on remembered examples (approximates
   * several epochs), each classifier with its own draws.
   */
  private train(views: EventViews, label: string): void {
    const { classifier, wordClassifier, index, wordVectors, rng, wordRng, labels } = this.internals;
    classifier.learn(views.vector, label);
    for (let r = 0; r < this.settings.rehearsal && index.size > 0; r++) {
      const k = Math.floor(rng.next() * index.size);
      classifier.learn(index.examples[k]!.vector, labels[k]!);
    }
    wordClassifier.learn(views.words, label);
    for (let r = 0; r < this.settings.rehearsal && wordVectors.length > 0; r++) {
      const k = Math.floor(wordRng.next() * wordVectors.length);
      wordClassifier.learn(wordVectors[k]!, labels[k]!);
    }
  }

  /**
   * The share of the classifier's belief outside its top class that sits on handoffs: handoff decisions, and
   * decisions a guard would hand to a human here and now. "PC frozen again" read as a TrackMan reset, with a
   * reboot as the runner-up that the reboot limit turns into `escalate_tech`: the alternative is a technician,
   * not another remote fix, and the proposal risks acting where a human was due.
   */
  private handoffShare(prediction: Prediction, decision: string, event: MemoryEvent): number {
    if (prediction.top < 0) return 0;
    const handsOff = new Map<string, boolean>();
    let handoff = 0;
    let rest = 0;
    for (let c = 0; c < prediction.classes.length; c++) {
      if (c === prediction.top) continue;
      const p = prediction.probabilities[c]!;
      rest += p;
      const d = this.decisionOfLabel(prediction.classes[c]!);
      if (d === decision) continue;
      let h = handsOff.get(d);
      if (h === undefined) {
        h = isHandoffDecision(d) || (d !== UNKNOWN_DECISION && this.guardHandsOff(event, d));
        handsOff.set(d, h);
      }
      if (h) handoff += p;
    }
    return rest > 0 ? handoff / rest : 0;
  }

  /** Whether a guard of the decision's module would turn it into a handoff for this event now. */
  private guardHandsOff(event: MemoryEvent, decision: string): boolean {
    const m = this.owner(decision);
    return m.guards(event, decision, m.params(event, decision), this.internals.ownLog).some((b) => b.route === 'handoff');
  }

  private decisionOfLabel(label: string): string {
    const cut = label.indexOf('#');
    return cut < 0 ? label : label.slice(0, cut);
  }

  private evidence(decision: string, prediction: Prediction, neighbours: readonly Neighbour[]): MatchEvidence {
    const p1 = prediction.probabilities[prediction.top]!;
    const p2 = prediction.second >= 0 ? prediction.probabilities[prediction.second]! : 0;
    let share = 0;
    let unknown = 0;
    let total = 0;
    for (const n of neighbours) {
      total += n.similarity;
      if (n.example.decision === decision) share += n.similarity;
      if (n.example.decision === UNKNOWN_DECISION) unknown += n.similarity;
    }
    const nearest = neighbours[0];
    return {
      probability: p1,
      margin: p1 - p2,
      neighbourShare: total > 0 ? share / total : 0,
      unknownShare: total > 0 ? unknown / total : 0,
      nearestSimilarity: nearest?.similarity ?? 0,
      nearestAgrees: nearest?.example.decision === decision,
      support: this.internals.patterns.get(decision)?.humanApproved ?? 0,
      decision,
      runnerUp: prediction.second >= 0 ? this.decisionOfLabel(prediction.classes[prediction.second]!) : null,
    };
  }

  private floodCheck(event: MemoryEvent, now: Date): boolean {
    if (!isVenueEvent(event)) return false;
    const { senders } = this.internals;
    const next = rateAnomaly(senders.get(event.from) ?? [], now.getTime(), this.settings.rate);
    senders.set(event.from, next.recent);
    return next.flood;
  }

  private trimOwnLog(at: number): void {
    const log = this.internals.ownLog;
    // The guards look back at most two hours; older entries are history the store keeps, not the engine.
    while (log.length > 0 && at - log[0]!.at.getTime() > 2 * 3_600_000) log.shift();
  }

  /** Operator holds on a pattern: lock (never automate), demote (at most queue) or release. */
  hold(patternKey: string, hold: OperatorHold): PatternRecord {
    const next = withHold(this.pattern(patternKey, patternKey.split('~')[0]!), hold);
    this.internals.patterns.set(patternKey, next);
    return next;
  }

  patterns(): PatternRecord[] {
    return [...this.internals.patterns.values()];
  }

  toState(): EngineState {
    return snapshot(this);
  }

  static fromState(state: EngineState, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS, modules: readonly PatternModule[] = [decisionModule]): DecisionEngine {
    const engine = new DecisionEngine(settings, modules);
    restoreInto(engine, state);
    return engine;
  }
}
