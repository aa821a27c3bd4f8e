/**
 * Text primitives shared by the intake detectors: one normalisation, one tokeniser and one
 * typo-tolerant word comparison, so that bay, location and emergency detection agree on what a
 * "word" is. Customer texts are never rewritten; these functions only derive views of them.
 */

/** A word of a text with its position, lower-cased, apostrophes removed ("won't" → "wont"). */
export interface Token {
  readonly word: string;
  readonly index: number;
}

const APOSTROPHES = /['’‘`´]/g;

/**
 * Lower-case words of a text; `#`, digits and letters stay together ("#3", "b3", "sim2").
 * Emoji and punctuation separate words; a few emoji that carry meaning become words
 * (🔥 → "emoji_fire", 😂 → "emoji_laugh") so detectors can weigh them.
 *
 * @example
 * tokenize("We're in Bay #3!").map((t) => t.word); // ['were', 'in', 'bay', '#3']
 */
export function tokenize(text: string): Token[] {
  const prepared = text
    .replace(APOSTROPHES, '')
    .replace(/🔥/gu, ' emoji_fire ')
    .replace(/[😂🤣😆😅😝😜]/gu, ' emoji_laugh ')
    .toLowerCase();
  const words = prepared.match(/#?[\p{L}\p{N}_]+/gu) ?? [];
  return words.map((word, index) => ({ word, index }));
}

/** The plain word list of a text, see {@link tokenize}. */
export function words(text: string): string[] {
  return tokenize(text).map((t) => t.word);
}

/**
 * True when `typed` is `target` or one keyboard slip away from it: for targets of 6+ letters one
 * insertion, deletion, substitution or swap of neighbours; for 5-letter targets only a swap or a
 * doubled letter (a substitution there turns "flood" into "blood"); shorter targets must match exactly.
 * The first letter must always match: slips rarely hit it, and "burning"/"turning" or
 * "fainted"/"painted" must stay apart.
 *
 * @example
 * typoMatch('braek', 'break'); // true
 * typoMatch('blood', 'flood'); // false
 */
export function typoMatch(typed: string, target: string): boolean {
  if (typed === target) return true;
  if (target.length < 5 || Math.abs(typed.length - target.length) > 1 || typed[0] !== target[0]) return false;
  if (target.length === 5) return isSwap(typed, target) || isDoubledLetter(typed, target);
  return damerauAtMostOne(typed, target);
}

function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

function isDoubledLetter(typed: string, target: string): boolean {
  if (typed.length !== target.length + 1) return false;
  for (let i = 1; i < typed.length; i++) {
    if (typed[i] === typed[i - 1] && typed.slice(0, i) + typed.slice(i + 1) === target) return true;
  }
  return false;
}

function damerauAtMostOne(a: string, b: string): boolean {
  if (a.length === b.length) {
    let count = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
    // A changed last letter makes a different word too often ("thread"/"threat"): only swaps there.
    return (count === 1 && a.at(-1) === b.at(-1)) || count === 0 || isSwap(a, b);
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < shorter.length && longer[i] === shorter[i]) i++;
  return longer.slice(i + 1) === shorter.slice(i);
}

/** Spelled-out numbers customers use for bays ("bay three"), index = value. */
export const NUMBER_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
] as const;

/** Ordinals ("the third one"), index = value. */
export const ORDINAL_WORDS = [
  'zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh',
  'twelfth',
] as const;

/**
 * The value of a small number written as digits, a word or an ordinal ("3", "three", "third", "3rd"),
 * or null. Only 1–99: bays are never numbered 0 and never in the hundreds.
 *
 * @example
 * smallNumber('third'); // 3
 * smallNumber('4th'); // 4
 */
export function smallNumber(word: string): number | null {
  const digits = /^(\d{1,2})(st|nd|rd|th)?$/.exec(word);
  if (digits) {
    const n = Number(digits[1]);
    return n >= 1 ? n : null;
  }
  const asWord = (NUMBER_WORDS as readonly string[]).indexOf(word);
  if (asWord >= 1) return asWord;
  const asOrdinal = (ORDINAL_WORDS as readonly string[]).indexOf(word);
  return asOrdinal >= 1 ? asOrdinal : null;
}

/** True for ordinals ("third", "3rd"), which read as "the third one" rather than a count. */
export function isOrdinal(word: string): boolean {
  return /^\d{1,2}(st|nd|rd|th)$/.test(word) || (ORDINAL_WORDS as readonly string[]).indexOf(word) >= 1;
}
