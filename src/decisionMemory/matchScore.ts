/**
 * The match score: how well an event fits a remembered decision, from the classifier's probability, the
 * nearest remembered examples and how much memory backs that decision. The pieces are combined by an online
 * logistic regression trained prequentially on whether proposals were right, so the combination adapts to
 * each stream instead of being hand-weighted. The calibrator then maps this score to a confidence.
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

export interface MatchScorerState {
  readonly weights: readonly number[];
  readonly seen: number;
}

export class MatchScorer {
  private readonly w: Float64Array;
  private seen = 0;

  constructor(private readonly learningRate = 0.05) {
    this.w = new Float64Array(DIM);
    // Start as "trust the classifier": the score is its probability until outcomes say otherwise.
    this.w[1] = 4;
  }

  score(e: MatchEvidence): number {
    const x = evidenceVector(e);
    let z = 0;
    for (let i = 0; i < DIM; i++) z += this.w[i]! * x[i]!;
    return 1 / (1 + Math.exp(-z));
  }

  /** One logistic-loss step on an honest (evidence, correct) pair. */
  learn(e: MatchEvidence, correct: boolean): void {
    const x = evidenceVector(e);
    const g = (correct ? 1 : 0) - this.score(e);
    // A slowly decaying step: fast adaptation early, stability once thousands of outcomes are in.
    const lr = this.learningRate / Math.sqrt(1 + this.seen / 2000);
    for (let i = 0; i < DIM; i++) this.w[i]! += lr * g * x[i]!;
    this.seen++;
  }

  toState(): MatchScorerState {
    return { weights: [...this.w], seen: this.seen };
  }

  static fromState(state: MatchScorerState, learningRate = 0.05): MatchScorer {
    const m = new MatchScorer(learningRate);
    m.w.set(state.weights);
    m.seen = state.seen;
    return m;
  }
}
