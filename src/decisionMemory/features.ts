import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/**
 * Events become sparse, L2-normalised feature vectors: words, their Porter stems ("transferred", "transfers"
 * and "transferring" share `t:transfer`, so one example teaches every inflection), adjacent word pairs,
 * co-occurring content words (below), character n-grams (robust to typos and unseen wording) and structured
 * facts (kind, channel, booking state, time).
 * Function words ("my", "the", "can", "how") count less than content words as word features: with a few
 * examples per decision, a shared "my" or "can" would otherwise pull unrelated requests together. Negations
 * ("not", "no") and question words that carry intent ("why", "when") are not on the list.
 * Digits are folded to `0` so "bay 3" and "bay 2" share every feature: one pattern covers every bay, the bay
 * itself is a parameter.
 */

export interface SparseVector {
  /** Feature ids (hashed, < 2^30 so they stay small integers in V8), ascending, unique. */
  readonly ids: Int32Array;
  readonly values: Float32Array;
}

export interface NamedVector extends SparseVector {
  /** The readable feature behind each id (same order), for explanations. */
  readonly names: readonly string[];
}

/** Relative weight of each feature family before normalisation. */
export const FAMILY_WEIGHT = { w: 1, t: 0.7, b: 0.8, p: 0.65, c: 0.35, s: 0.9 } as const;
/**
 * Content words this close (in content words) form a co-occurrence feature `p:a_b`: by stem, order-free, so
 * "exchange rate wrong at the ATM" and "the ATM gave a wrong rate" share `p:atm_rate`. A linear model over
 * single words cannot say "rate AND atm" apart from "rate AND card"; many requests differ only in such a
 * combination (the wrong rate on a cash withdrawal, not on a card payment). The window keeps the cost linear.
 */
export const PAIR_WINDOW = 5;
/** Share of the word weight a function word keeps (the `stopword` package's English list). */
export const FUNCTION_WORD_SHARE = 0.4;
const FUNCTION_WORDS: ReadonlySet<string> = new Set(eng);

/**
 * A word feature's weight: full for content words, {@link FUNCTION_WORD_SHARE} of it for function words.
 * @example wordWeight('card') // 1
 * @example wordWeight('my') // 0.4
 */
export function wordWeight(word: string): number {
  return isContentWord(word) ? FAMILY_WEIGHT.w : FAMILY_WEIGHT.w * FUNCTION_WORD_SHARE;
}

/**
 * Whether a word carries content (is not on the function-word list).
 * @example isContentWord('rate') // true
 */
export function isContentWord(word: string): boolean {
  return !FUNCTION_WORDS.has(word);
}
const FEATURE_MASK = 0x3fffffff;

/** FNV-1a, 32 bit, folded into 30 bits. */
export function hashFeature(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & FEATURE_MASK;
}

/**
 * Lower-case words with accents stripped and digits folded.
 * @example words("TrackMan frozen in Bay 3!") // ['trackman', 'frozen', 'in', 'bay', '0']
 */
export function words(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[0-9]+/g, '0');
  return folded.match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

/**
 * A word's Porter stem when it differs from the word (the word feature already covers the rest).
 * @example stemOf('transferred') // 'transfer'
 * @example stemOf('card') // null
 */
export function stemOf(word: string): string | null {
  const s = stemmer(word);
  return s === word ? null : s;
}

/**
 * A word's term for co-occurrence features: its stem, or the word itself.
 * @example termOf('rates') // 'rate'
 */
export function termOf(word: string): string {
  return stemOf(word) ?? word;
}

/**
 * The co-occurrence pairs of a text's words, as feature names (see {@link PAIR_WINDOW}).
 * @example pairFeatures(['the', 'atm', 'rate']) // ['p:atm_rate']
 */
export function pairFeatures(ws: readonly string[]): string[] {
  const terms = ws.filter(isContentWord).map(termOf);
  const out: string[] = [];
  for (let i = 0; i < terms.length; i++) {
    for (let j = i + 1; j < terms.length && j <= i + PAIR_WINDOW; j++) {
      const a = terms[i]!;
      const b = terms[j]!;
      if (a !== b) out.push(a < b ? `p:${a}_${b}` : `p:${b}_${a}`);
    }
  }
  return out;
}

/**
 * Which features of a text a vector holds. `full`: every family. `words`: words, stems and co-occurring pairs only,
 * no adjacent pairs and no character n-grams — the view in which fine-grained requests that share most of their
 * spelling ("card arrival" vs "card delivery estimate") stay apart; the engine reads an event through both.
 */
export type TextView = 'full' | 'words';

/**
 * The readable features of a text, with their family weight (duplicates allowed; `vectorise` merges them).
 * @example textFeatures("no balls").map(([n]) => n) // ['w:no', 'w:balls', 't:ball', 'b:no_balls', 'p:ball_no', 'c: no', ...]
 * @example textFeatures("no balls", 'words').map(([n]) => n) // ['w:no', 'w:balls', 't:ball', 'p:ball_no']
 */
export function textFeatures(text: string, view: TextView = 'full'): [string, number][] {
  const ws = words(text);
  const out: [string, number][] = [];
  for (const w of ws) out.push([`w:${w}`, wordWeight(w)]);
  for (const w of ws) {
    const s = stemOf(w);
    if (s !== null) out.push([`t:${s}`, FAMILY_WEIGHT.t]);
  }
  if (view === 'full') for (let i = 0; i + 1 < ws.length; i++) out.push([`b:${ws[i]}_${ws[i + 1]}`, FAMILY_WEIGHT.b]);
  for (const p of pairFeatures(ws)) out.push([p, FAMILY_WEIGHT.p]);
  if (view === 'words') return out;
  const joined = ` ${ws.join(' ')} `;
  for (let n = 3; n <= 5; n++) {
    for (let i = 0; i + n <= joined.length; i++) {
      const g = joined.slice(i, i + n);
      if (g.trim().length > 0) out.push([`c:${g}`, FAMILY_WEIGHT.c]);
    }
  }
  return out;
}

/** Structured facts as named features (`s:name=value`), weighted like words. */
export function structuredFeatures(facts: readonly string[]): [string, number][] {
  return facts.map((f) => [`s:${f}`, FAMILY_WEIGHT.s]);
}

/**
 * Merges named features into one L2-normalised sparse vector (a repeated feature adds up, sub-linearly).
 * @example vectorise(textFeatures("reset bay 2")).ids.length > 0 // true
 */
export function vectorise(features: readonly [string, number][]): NamedVector {
  const merged = new Map<number, { name: string; value: number }>();
  for (const [name, weight] of features) {
    const id = hashFeature(name);
    const prev = merged.get(id);
    if (prev === undefined) merged.set(id, { name, value: weight });
    else prev.value += weight * 0.5;
  }
  const ids = [...merged.keys()].sort((a, b) => a - b);
  let norm = 0;
  for (const id of ids) norm += merged.get(id)!.value ** 2;
  norm = Math.sqrt(norm) || 1;
  const values = new Float32Array(ids.length);
  const names: string[] = [];
  ids.forEach((id, i) => {
    const f = merged.get(id)!;
    values[i] = f.value / norm;
    names.push(f.name);
  });
  return { ids: Int32Array.from(ids), values, names };
}

/** Dot product of two sorted sparse vectors. */
export function dot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) s += a.values[i++]! * b.values[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return s;
}
