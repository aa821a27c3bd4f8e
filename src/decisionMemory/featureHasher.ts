import type { SparseVector } from './features.js';
import { FAMILY_WEIGHT, PAIR_WINDOW, type TextView, isContentWord, stemOf, termOf, wordWeight, words } from './features.js';

/**
 * The hot-path twin of `vectorise(textFeatures(text) + structuredFeatures(facts))`: the same feature ids
 * and values, hashed straight from the characters into reused buffers instead of building one string per
 * n-gram, so a decision allocates a handful of small arrays rather than hundreds of strings (fewer GC
 * pauses in the latency tail). Feature names are rebuilt only for the few features an explanation shows.
 * One hasher per engine: it keeps scratch state between calls and is not shared.
 */

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;
const MASK = 0x3fffffff;
const TABLE_BITS = 12;

const Family = { Word: 0, Bigram: 1, Char: 2, Fact: 3, Stem: 4, Pair: 5 } as const;
type Family = (typeof Family)[keyof typeof Family];

function mix(h: number, s: string, from = 0, to = s.length): number {
  let x = h;
  for (let i = from; i < to; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, PRIME);
  }
  return x;
}

export class FeatureHasher {
  private size = 1 << TABLE_BITS;
  private keys = new Int32Array(this.size).fill(-1);
  private vals = new Float64Array(this.size);
  /** Where each slot's first feature came from, to rebuild its name: family, a, b (offsets or indices). */
  private fam = new Uint8Array(this.size);
  private srcA = new Int32Array(this.size);
  private srcB = new Int32Array(this.size);
  private used = new Int32Array(this.size);
  private nUsed = 0;
  private lastWords: string[] = [];
  private lastJoined = '';
  private lastFacts: readonly string[] = [];
  private lastSlots = new Int32Array(0);

  /**
   * The L2-normalised feature vector of a text (in one of its views) and its structured facts.
   * @example new FeatureHasher().vector('reset bay 2', []).ids.length > 0 // true
   */
  vector(text: string, facts: readonly string[], view: TextView = 'full'): SparseVector {
    this.clear();
    const ws = words(text);
    const joined = ` ${ws.join(' ')} `;
    this.lastWords = ws;
    this.lastJoined = joined;
    this.lastFacts = facts;
    const w = mix(OFFSET, 'w:');
    for (let i = 0; i < ws.length; i++) this.add(mix(w, ws[i]!), wordWeight(ws[i]!), Family.Word, i, 0);
    const t = mix(OFFSET, 't:');
    // Each word is stemmed once: the stem feature and the co-occurrence terms below both use it.
    const terms: string[] = [];
    for (let i = 0; i < ws.length; i++) {
      const stem = stemOf(ws[i]!);
      if (stem !== null) this.add(mix(t, stem), FAMILY_WEIGHT.t, Family.Stem, i, 0);
      terms.push(stem ?? ws[i]!);
    }
    const full = view === 'full';
    const b = mix(OFFSET, 'b:');
    for (let i = 0; full && i + 1 < ws.length; i++) {
      this.add(mix(mix(mix(b, ws[i]!), '_'), ws[i + 1]!), FAMILY_WEIGHT.b, Family.Bigram, i, 0);
    }
    const p = mix(OFFSET, 'p:');
    const content: number[] = [];
    for (let i = 0; i < ws.length; i++) if (isContentWord(ws[i]!)) content.push(i);
    for (let x = 0; x < content.length; x++) {
      for (let y = x + 1; y < content.length && y <= x + PAIR_WINDOW; y++) {
        // Order-free: the smaller term first, and the source positions in that order for `nameAt`.
        const swap = terms[content[y]!]! < terms[content[x]!]!;
        const first = swap ? content[y]! : content[x]!;
        const second = swap ? content[x]! : content[y]!;
        if (terms[first] === terms[second]) continue;
        this.add(mix(mix(mix(p, terms[first]!), '_'), terms[second]!), FAMILY_WEIGHT.p, Family.Pair, first, second);
      }
    }
    const c = mix(OFFSET, 'c:');
    for (let n = 3; full && n <= 5; n++) {
      for (let i = 0; i + n <= joined.length; i++) {
        // A window of spaces only is no feature (as `g.trim().length > 0` in textFeatures).
        let blank = true;
        for (let j = i; j < i + n && blank; j++) if (joined.charCodeAt(j) !== 32) blank = false;
        if (!blank) this.add(mix(c, joined, i, i + n), FAMILY_WEIGHT.c, Family.Char, i, n);
      }
    }
    const s = mix(OFFSET, 's:');
    for (let i = 0; i < facts.length; i++) this.add(mix(s, facts[i]!), FAMILY_WEIGHT.s, Family.Fact, i, 0);
    return this.emit();
  }

  /** The readable name of the feature at position `i` of the vector returned last. */
  nameAt(i: number): string {
    const slot = this.lastSlots[i]!;
    const a = this.srcA[slot]!;
    switch (this.fam[slot]) {
      case Family.Word:
        return `w:${this.lastWords[a]}`;
      case Family.Bigram:
        return `b:${this.lastWords[a]}_${this.lastWords[a + 1]}`;
      case Family.Stem:
        return `t:${stemOf(this.lastWords[a]!)}`;
      case Family.Pair:
        return `p:${termOf(this.lastWords[a]!)}_${termOf(this.lastWords[this.srcB[slot]!]!)}`;
      case Family.Char:
        return `c:${this.lastJoined.slice(a, a + this.srcB[slot]!)}`;
      default:
        return `s:${this.lastFacts[a]}`;
    }
  }

  private clear(): void {
    for (let i = 0; i < this.nUsed; i++) this.keys[this.used[i]!] = -1;
    this.nUsed = 0;
  }

  private add(raw: number, weight: number, family: Family, a: number, b: number): void {
    const id = (raw >>> 0) & MASK;
    if (this.nUsed * 2 >= this.size) this.grow();
    const mask = this.size - 1;
    let slot = Math.imul(id, 0x9e3779b1) >>> (32 - Math.log2(this.size));
    while (this.keys[slot] !== -1 && this.keys[slot] !== id) slot = (slot + 1) & mask;
    if (this.keys[slot] === -1) {
      this.keys[slot] = id;
      this.vals[slot] = weight;
      this.fam[slot] = family;
      this.srcA[slot] = a;
      this.srcB[slot] = b;
      this.used[this.nUsed++] = slot;
    } else this.vals[slot]! += weight * 0.5;
  }

  private grow(): void {
    const old = { keys: this.keys, vals: this.vals, fam: this.fam, a: this.srcA, b: this.srcB, used: this.used, n: this.nUsed };
    this.size *= 2;
    this.keys = new Int32Array(this.size).fill(-1);
    this.vals = new Float64Array(this.size);
    this.fam = new Uint8Array(this.size);
    this.srcA = new Int32Array(this.size);
    this.srcB = new Int32Array(this.size);
    this.used = new Int32Array(this.size);
    this.nUsed = 0;
    const mask = this.size - 1;
    for (let i = 0; i < old.n; i++) {
      const from = old.used[i]!;
      const id = old.keys[from]!;
      let slot = Math.imul(id, 0x9e3779b1) >>> (32 - Math.log2(this.size));
      while (this.keys[slot] !== -1) slot = (slot + 1) & mask;
      this.keys[slot] = id;
      this.vals[slot] = old.vals[from]!;
      this.fam[slot] = old.fam[from]!;
      this.srcA[slot] = old.a[from]!;
      this.srcB[slot] = old.b[from]!;
      this.used[this.nUsed++] = slot;
    }
  }

  private emit(): SparseVector {
    const n = this.nUsed;
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) ids[i] = this.keys[this.used[i]!]!;
    ids.sort();
    // Slots in id order (ids are unique), for the values and for `nameAt`.
    const slots = new Int32Array(n);
    for (let i = 0; i < n; i++) slots[i] = this.used[i]!;
    slots.sort((x, y) => this.keys[x]! - this.keys[y]!);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += this.vals[slots[i]!]! ** 2;
    norm = Math.sqrt(norm) || 1;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = this.vals[slots[i]!]! / norm;
    this.lastSlots = slots;
    return { ids, values };
  }
}
