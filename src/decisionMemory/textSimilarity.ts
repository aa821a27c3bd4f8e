import { type SparseVector, dot } from './features.js';

/**
 * The remembered examples and an inverted index over their features, for nearest-example lookups that do
 * not scan memory: rare features are read first and the number of postings read per query is bounded, then
 * the best candidates are re-scored exactly (IDF-weighted cosine). Cost grows with the budget, not memory.
 */

export interface RememberedExample {
  readonly id: string;
  readonly decision: string;
  readonly vector: SparseVector;
  /** ms since epoch: when the operator decided it. */
  readonly at: number;
}

export interface Neighbour {
  readonly index: number;
  readonly example: RememberedExample;
  readonly similarity: number;
}

export interface IndexOptions {
  /** Postings read per query at most (the rarest features first). */
  readonly postingBudget: number;
  /** Candidates re-scored exactly. */
  readonly rescore: number;
}

export const DEFAULT_INDEX_OPTIONS: IndexOptions = { postingBudget: 4000, rescore: 48 };

class Postings {
  ids = new Int32Array(4);
  n = 0;
  push(x: number): void {
    if (this.n === this.ids.length) {
      const next = new Int32Array(this.ids.length * 2);
      next.set(this.ids);
      this.ids = next;
    }
    this.ids[this.n++] = x;
  }
}

export class ExampleIndex {
  readonly examples: RememberedExample[] = [];
  private readonly postings = new Map<number, Postings>();
  private readonly norms: number[] = [];

  constructor(readonly options: IndexOptions = DEFAULT_INDEX_OPTIONS) {}

  get size(): number {
    return this.examples.length;
  }

  /** Inverse document frequency of a feature (smoothed, never 0). */
  idf(feature: number): number {
    const df = this.postings.get(feature)?.n ?? 0;
    return Math.log((this.examples.length + 1) / (df + 1)) + 1;
  }

  /** An example's decision was corrected: same text, same features, another decision. */
  relabel(index: number, decision: string): void {
    this.examples[index] = { ...this.examples[index]!, decision };
  }

  add(example: RememberedExample): void {
    const index = this.examples.length;
    this.examples.push(example);
    const { ids, values } = example.vector;
    let norm = 0;
    for (let i = 0; i < ids.length; i++) {
      const f = ids[i]!;
      let p = this.postings.get(f);
      if (p === undefined) {
        p = new Postings();
        this.postings.set(f, p);
      }
      p.push(index);
      norm += (values[i]! * this.idf(f)) ** 2;
    }
    this.norms.push(Math.sqrt(norm) || 1);
  }

  /** Exact IDF-weighted cosine between a query and a remembered example. */
  similarity(query: SparseVector, index: number, queryIdf: Float64Array, queryNorm: number): number {
    const x = this.examples[index]!.vector;
    let i = 0;
    let j = 0;
    let s = 0;
    while (i < query.ids.length && j < x.ids.length) {
      const a = query.ids[i]!;
      const b = x.ids[j]!;
      if (a === b) {
        s += query.values[i]! * x.values[j]! * queryIdf[i]! * queryIdf[i]!;
        i++;
        j++;
      } else if (a < b) i++;
      else j++;
    }
    return s / (queryNorm * this.norms[index]!);
  }

  private queryWeights(query: SparseVector): { idf: Float64Array; norm: number } {
    const idf = new Float64Array(query.ids.length);
    let norm = 0;
    for (let i = 0; i < query.ids.length; i++) {
      idf[i] = this.idf(query.ids[i]!);
      norm += (query.values[i]! * idf[i]!) ** 2;
    }
    return { idf, norm: Math.sqrt(norm) || 1 };
  }

  // Scratch buffers reused by every query (the hot path allocates nothing proportional to memory):
  // accumulated partial scores per example, and which examples were touched.
  private acc = new Float64Array(0);
  private touched = new Int32Array(0);

  private scratch(): void {
    if (this.acc.length < this.examples.length) {
      const size = Math.max(1024, this.examples.length * 2);
      this.acc = new Float64Array(size);
    }
    if (this.touched.length < this.options.postingBudget) this.touched = new Int32Array(this.options.postingBudget);
  }

  /** The k nearest remembered examples, reading at most `postingBudget` postings. */
  nearest(query: SparseVector, k: number): Neighbour[] {
    if (this.examples.length === 0) return [];
    const { idf, norm } = this.queryWeights(query);
    const order = Array.from({ length: query.ids.length }, (_, i) => i).sort((a, b) => idf[b]! - idf[a]!);
    this.scratch();
    const acc = this.acc;
    const touched = this.touched;
    let nTouched = 0;
    let budget = this.options.postingBudget;
    for (const qi of order) {
      if (budget <= 0) break;
      const p = this.postings.get(query.ids[qi]!);
      if (p === undefined) continue;
      const w = query.values[qi]! * idf[qi]! * idf[qi]!;
      // Long lists are read newest first: recent decisions matter most when the budget runs out.
      const from = Math.max(0, p.n - budget);
      const ids = p.ids;
      for (let r = p.n - 1; r >= from; r--) {
        const ex = ids[r]!;
        if (acc[ex] === 0) touched[nTouched++] = ex;
        acc[ex]! += w;
      }
      budget -= p.n - from;
    }
    const candidates = topByScore(touched, nTouched, acc, this.options.rescore);
    for (let i = 0; i < nTouched; i++) acc[touched[i]!] = 0;
    return this.rank(candidates, query, idf, norm, k);
  }

  /** The k nearest by scanning every example: the baseline the index is measured against. */
  bruteForceNearest(query: SparseVector, k: number): Neighbour[] {
    const { idf, norm } = this.queryWeights(query);
    return this.rank([...this.examples.keys()], query, idf, norm, k);
  }

  private rank(indices: number[], query: SparseVector, idf: Float64Array, norm: number, k: number): Neighbour[] {
    const scored = indices.map((index) => ({
      index,
      example: this.examples[index]!,
      similarity: this.similarity(query, index, idf, norm),
    }));
    scored.sort((a, b) => b.similarity - a.similarity || b.index - a.index);
    return scored.slice(0, k);
  }
}

/** Plain cosine (no IDF) between two vectors: the anomaly detector's distance to a centroid. */
export function cosine(a: SparseVector, b: SparseVector): number {
  return dot(a, b);
}

/**
 * The `n` touched indices with the highest scores (ties: the newer example), by a bounded insertion pass:
 * O(touched × n) worst case with small n, no sort of the whole candidate list.
 */
function topByScore(touched: Int32Array, count: number, score: Float64Array, n: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < count; i++) {
    const ex = touched[i]!;
    const s = score[ex]!;
    if (best.length === n) {
      const last = best[n - 1]!;
      if (s < score[last]! || (s === score[last]! && ex < last)) continue;
      best.pop();
    }
    let j = best.length;
    while (j > 0 && (score[best[j - 1]!]! < s || (score[best[j - 1]!]! === s && best[j - 1]! < ex))) j--;
    best.splice(j, 0, ex);
  }
  return best;
}
