/**
 * The match score: how well an event fits a remembered decision, from the classifier's probability, the
 * nearest remembered examples and how much memory backs that decision. The pieces are combined by an online
 * logistic regression trained prequentially on whether proposals were right, so the combination adapts to
 * each stream instead of being hand-weighted. The calibrator then maps this score to a confidence.
 *
 * Besides the shared weights the regression keeps one offset per decision and one per confusion (the decision
 * against the classifier's runner-up): how proposals of this decision, and of this pair, have fared against what
 * the shared weights predicted. Fine-grained decisions that are often mistaken for one another ("card arrival"
 * vs "card delivery estimate") earn lower scores at the same probability than ones that are never confused, so
 * the same calibrated confidence ranks proposals by how far each can really be trusted.
 */

export interface MatchEvidence {
  /** Classifier probability of the decision. */
  readonly probability: number;
  /** Probability gap to the runner-up. */
  readonly margin: number;
  /** Similarity-weighted share of the nearest examples that carry this decision. */
  readonly neighbourShare: number;
  /** Similarity-weighted share of the nearest examples that are learned unknowns. */
  readonly unknownShare: number;
  /** Similarity of the nearest example. */
  readonly nearestSimilarity: number;
  /** Whether the nearest example carries this decision. */
  readonly nearestAgrees: boolean;
  /** Remembered examples of this decision. */
  readonly support: number;
  /** The decision proposed. */
  readonly decision: string;
  /** The classifier's second choice (null when it knows one decision only). */
  readonly runnerUp: string | null;
}

const DIM = 9;

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/**
 * The regression's inputs (bias first).
 * @example evidenceVector({ probability: 0.5, margin: 0, neighbourShare: 0, unknownShare: 0, nearestSimilarity: 0, nearestAgrees: false, support: 0 })[0] // 1
 */
export function evidenceVector(e: MatchEvidence): Float64Array {
  return Float64Array.from([
    1,
    logit(e.probability) / 4,
    e.margin,
    e.neighbourShare,
    e.nearestSimilarity,
    e.nearestAgrees ? e.nearestSimilarity : 0,
    Math.log1p(e.support) / 4,
    e.nearestSimilarity >= 0.98 && e.nearestAgrees ? 1 : 0,
    e.unknownShare,
  ]);
}

export interface MatchScorerOptions {
  /** Step size of the shared weights (decays with the number of outcomes seen). */
  readonly learningRate: number;
  /** Step size of the per-decision offsets. */
  readonly decisionRate: number;
  /** Step size of the per-confusion offsets. */
  readonly confusionRate: number;
}

export const DEFAULT_SCORER_OPTIONS: MatchScorerOptions = { learningRate: 0.05, decisionRate: 0.1, confusionRate: 0.05 };

export interface MatchScorerState {
  readonly weights: readonly number[];
  readonly seen: number;
  /** Offsets by decision (`name`) and by confusion (`name>runner-up`). */
  readonly offsets: readonly (readonly [string, number])[];
}

const confusionKey = (e: MatchEvidence): string => `${e.decision}>${e.runnerUp ?? ''}`;

export class MatchScorer {
  private readonly w: Float64Array;
  private seen = 0;
  private readonly offsets = new Map<string, number>();

  constructor(private readonly options: MatchScorerOptions = DEFAULT_SCORER_OPTIONS) {
    this.w = new Float64Array(DIM);
    // Start as "trust the classifier": the score is its probability until outcomes say otherwise.
    this.w[1] = 4;
  }

  score(e: MatchEvidence): number {
    const x = evidenceVector(e);
    let z = 0;
    for (let i = 0; i < DIM; i++) z += this.w[i]! * x[i]!;
    z += (this.offsets.get(e.decision) ?? 0) + (this.offsets.get(confusionKey(e)) ?? 0);
    return 1 / (1 + Math.exp(-z));
  }

  /** The learned offset of a decision (0 until its proposals have an outcome), for explanations. */
  offsetOf(decision: string): number {
    return this.offsets.get(decision) ?? 0;
  }

  /** One logistic-loss step on an honest (evidence, correct) pair. */
  learn(e: MatchEvidence, correct: boolean): void {
    const x = evidenceVector(e);
    const g = (correct ? 1 : 0) - this.score(e);
    // A slowly decaying step: fast adaptation early, stability once thousands of outcomes are in.
    const lr = this.options.learningRate / Math.sqrt(1 + this.seen / 2000);
    for (let i = 0; i < DIM; i++) this.w[i]! += lr * g * x[i]!;
    this.offsets.set(e.decision, this.offsetOf(e.decision) + this.options.decisionRate * g);
    const pair = confusionKey(e);
    this.offsets.set(pair, (this.offsets.get(pair) ?? 0) + this.options.confusionRate * g);
    this.seen++;
  }

  toState(): MatchScorerState {
    return { weights: [...this.w], seen: this.seen, offsets: [...this.offsets] };
  }

  static fromState(state: MatchScorerState, options: MatchScorerOptions = DEFAULT_SCORER_OPTIONS): MatchScorer {
    const m = new MatchScorer(options);
    m.w.set(state.weights);
    m.seen = state.seen;
    for (const [key, offset] of state.offsets) m.offsets.set(key, offset);
    return m;
  }
}
