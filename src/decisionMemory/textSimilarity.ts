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

  /** The k nearest remembered examples, reading at most `postingBudget` postings. */
  nearest(query: SparseVector, k: number): Neighbour[] {
    if (this.examples.length === 0) return [];
    const { idf, norm } = this.queryWeights(query);
    const order = [...query.ids.keys()].sort((a, b) => idf[b]! - idf[a]!);
    const partial = new Map<number, number>();
    let budget = this.options.postingBudget;
    for (const qi of order) {
      const p = this.postings.get(query.ids[qi]!);
      if (p === undefined) continue;
      if (budget <= 0) break;
      const w = query.values[qi]! * idf[qi]! * idf[qi]!;
      // Long lists are read newest first: recent decisions matter most when the budget runs out.
      const from = Math.max(0, p.n - budget);
      for (let r = p.n - 1; r >= from; r--) {
        const ex = p.ids[r]!;
        partial.set(ex, (partial.get(ex) ?? 0) + w);
      }
      budget -= p.n - from;
    }
    const candidates = [...partial.entries()].sort((a, b) => b[1] - a[1]).slice(0, this.options.rescore);
    return this.rank(
      candidates.map(([index]) => index),
      query,
      idf,
      norm,
      k,
    );
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
