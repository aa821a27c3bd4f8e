import type { SparseVector } from './features.js';

/**
 * Online multinomial logistic regression over hashed features. Weights live in one flat array
 * (bucket-major, `classCapacity` per bucket) so scoring an event is a few thousand multiply-adds with no
 * allocation per feature; the capacity grows in steps of 32 classes as new decisions appear.
 */

export interface ClassifierOptions {
  readonly learningRate: number;
  /** log2 of the number of hash buckets. */
  readonly bucketBits: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = { learningRate: 1.0, bucketBits: 16 };

const CAPACITY_STEP = 32;

/** Serialisable state (plain data; the weights stay a typed array: millions of floats travel as binary). */
export interface ClassifierState {
  readonly classes: readonly string[];
  readonly bias: readonly number[];
  readonly classCapacity: number;
  readonly weights: Float32Array;
}

export interface Prediction {
  readonly classes: readonly string[];
  readonly probabilities: Float64Array;
  /** Index of the most probable class (−1 when no class is known). */
  readonly top: number;
  readonly second: number;
}

/**
 * The indices of the largest and second-largest probability (−1 where there is none); the first index wins a tie.
 * @example topTwo(Float64Array.from([0.2, 0.5, 0.3])) // { top: 1, second: 2 }
 */
export function topTwo(probabilities: Float64Array): { top: number; second: number } {
  let top = -1;
  let second = -1;
  for (let c = 0; c < probabilities.length; c++) {
    if (top < 0 || probabilities[c]! > probabilities[top]!) {
      second = top;
      top = c;
    } else if (second < 0 || probabilities[c]! > probabilities[second]!) second = c;
  }
  return { top, second };
}

/**
 * The mean of two readings of one event (the engine's full view and its words view): each class's probability
 * averaged, the top two found again. A class only one reading knows counts as 0 in the other.
 * @example averagePredictions(p, p).top === p.top // true
 */
export function averagePredictions(a: Prediction, b: Prediction): Prediction {
  const aligned = a.classes.length === b.classes.length && a.classes.every((c, i) => b.classes[i] === c);
  const bIndex = aligned ? null : new Map(b.classes.map((c, i) => [c, i]));
  const probabilities = new Float64Array(a.classes.length);
  for (let c = 0; c < a.classes.length; c++) {
    const j = bIndex === null ? c : bIndex.get(a.classes[c]!);
    probabilities[c] = (a.probabilities[c]! + (j === undefined ? 0 : b.probabilities[j]!)) / 2;
  }
  return { classes: a.classes, probabilities, ...topTwo(probabilities) };
}

export class LinearClassifier {
  private readonly classes: string[] = [];
  private readonly classIndex = new Map<string, number>();
  private bias = new Float64Array(CAPACITY_STEP);
  private capacity = CAPACITY_STEP;
  private weights: Float32Array;
  private readonly mask: number;

  constructor(private readonly options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS) {
    this.mask = (1 << options.bucketBits) - 1;
    this.weights = new Float32Array((1 << options.bucketBits) * this.capacity);
  }

  get classCount(): number {
    return this.classes.length;
  }

  /** Class probabilities for a vector. */
  predict(x: SparseVector): Prediction {
    const n = this.classes.length;
    const scores = new Float64Array(n);
    for (let c = 0; c < n; c++) scores[c] = this.bias[c]!;
    const cap = this.capacity;
    const w = this.weights;
    for (let i = 0; i < x.ids.length; i++) {
      const base = (x.ids[i]! & this.mask) * cap;
      const v = x.values[i]!;
      for (let c = 0; c < n; c++) scores[c]! += w[base + c]! * v;
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < n; c++) max = Math.max(max, scores[c]!);
    let sum = 0;
    for (let c = 0; c < n; c++) {
      scores[c] = Math.exp(scores[c]! - max);
      sum += scores[c]!;
    }
    for (let c = 0; c < n; c++) scores[c]! /= sum;
    return { classes: this.classes, probabilities: scores, ...topTwo(scores) };
  }

  /** The probability of one class (0 when unknown to the model). */
  probabilityOf(p: Prediction, label: string): number {
    const c = this.classIndex.get(label);
    return c === undefined ? 0 : p.probabilities[c]!;
  }

  /** One stochastic gradient step towards `label` (a new label becomes a new class). */
  learn(x: SparseVector, label: string): void {
    const y = this.ensureClass(label);
    const p = this.predict(x).probabilities;
    const lr = this.options.learningRate;
    const cap = this.capacity;
    const w = this.weights;
    const n = this.classes.length;
    for (let c = 0; c < n; c++) this.bias[c]! += lr * 0.1 * ((c === y ? 1 : 0) - p[c]!);
    for (let i = 0; i < x.ids.length; i++) {
      const base = (x.ids[i]! & this.mask) * cap;
      const v = lr * x.values[i]!;
      for (let c = 0; c < n; c++) w[base + c]! += v * ((c === y ? 1 : 0) - p[c]!);
    }
  }

  /** Indices (into `x`) of the features that pushed hardest towards a class, for explanations. */
  strongestFeatures(x: SparseVector, label: string, n: number): number[] {
    const c = this.classIndex.get(label);
    if (c === undefined) return [];
    const contributions: [number, number][] = [];
    for (let i = 0; i < x.ids.length; i++) {
      contributions.push([i, this.weights[(x.ids[i]! & this.mask) * this.capacity + c]! * x.values[i]!]);
    }
    return contributions
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([i]) => i);
  }

  private ensureClass(label: string): number {
    const known = this.classIndex.get(label);
    if (known !== undefined) return known;
    const c = this.classes.length;
    if (c === this.capacity) this.grow(this.capacity + CAPACITY_STEP);
    this.classes.push(label);
    this.classIndex.set(label, c);
    return c;
  }

  private grow(capacity: number): void {
    const buckets = this.mask + 1;
    const next = new Float32Array(buckets * capacity);
    for (let b = 0; b < buckets; b++) {
      next.set(this.weights.subarray(b * this.capacity, (b + 1) * this.capacity), b * capacity);
    }
    const bias = new Float64Array(capacity);
    bias.set(this.bias);
    this.weights = next;
    this.bias = bias;
    this.capacity = capacity;
  }

  toState(): ClassifierState {
    return {
      classes: [...this.classes],
      bias: [...this.bias.subarray(0, this.classes.length)],
      classCapacity: this.capacity,
      weights: this.weights.slice(),
    };
  }

  static fromState(state: ClassifierState, options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS): LinearClassifier {
    const m = new LinearClassifier(options);
    m.grow(state.classCapacity);
    state.classes.forEach((c, i) => {
      m.classes.push(c);
      m.classIndex.set(c, i);
      m.bias[i] = state.bias[i]!;
    });
    m.weights.set(state.weights);
    return m;
  }
}
