import { isOrdinal, smallNumber, type Token, tokenize } from './text.js';

/**
 * Finds the bay a customer text or a device id names. Customers write "bay 3", "Bay #3", "bay3",
 * "b3", "sim 3", "simulator 3", "#3", "bay three", "the third one", "3rd bay", "box 3"; device ids
 * encode it as a B/BAY/SIM number token ("DAR-B3-TPS", "riv.bay02.proj", "SIM-3").
 * A bare number is never a bay: "7 iron", "hole 7", "10 balls", "3am" and "the third time" are not.
 */

/** How the bay was written, so a caller can explain (and tests can cover) each form. */
export type BayForm = 'noun_number' | 'compact' | 'hash' | 'ordinal_noun' | 'ordinal_one';

export interface BayMention {
  readonly bay: number;
  readonly form: BayForm;
  /** Index of the first token of the mention, for "first mention wins". */
  readonly at: number;
}

/** Words that name a playing bay; a number right after one of them is a bay number. */
const BAY_NOUNS = new Set(['bay', 'sim', 'simulator', 'box', 'booth', 'suite', 'lane', 'station']);
/** Fillers allowed between the noun and its number: "bay #3", "bay no. 3", "bay number 3". */
const NUMBER_FILLERS = new Set(['no', 'nr', 'num', 'number']);
const COMPACT = /^(?:b|bay|sim|simulator|box|booth|lane)0*(\d{1,2})$/;

/**
 * Every bay mention in a text, in text order.
 *
 * @example
 * bayMentions('trackman in bay 2 froze, moved to sim3').map((m) => m.bay); // [2, 3]
 */
export function bayMentions(text: string): BayMention[] {
  const tokens = tokenize(text);
  const found: BayMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const mention = mentionAt(tokens, i);
    if (mention) {
      found.push(mention);
      i = mention.at + spanOf(mention, tokens) - 1;
    }
  }
  return found;
}

/**
 * The bay a text names: the first mention, or null when it names none.
 *
 * @example
 * bayFromText('the third one is frozen'); // 3
 * bayFromText('froze again, that is the third time'); // null
 */
export function bayFromText(text: string): number | null {
  return bayMentions(text)[0]?.bay ?? null;
}

/**
 * The bay encoded in a device id: a token like `B3`, `BAY02`, `SIM3`, or `BAY`/`SIM` followed by a
 * number token. Null for site-level devices (`BED-UPS`) and ids without a bay token.
 *
 * @example
 * bayFromDeviceId('DAR-B3-TPS'); // 3
 * bayFromDeviceId('riv.bay-02.proj'); // 2
 * bayFromDeviceId('BED-UPS'); // null
 */
export function bayFromDeviceId(deviceId: string): number | null {
  const parts = deviceId.toLowerCase().split(/[^a-z0-9]+/).filter((p) => p.length > 0);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const compact = COMPACT.exec(part);
    if (compact) return positive(Number(compact[1]));
    const next = parts[i + 1];
    if ((part === 'bay' || part === 'sim' || part === 'b') && next !== undefined && /^\d{1,2}$/.test(next)) {
      return positive(Number(next));
    }
  }
  return null;
}

function positive(n: number): number | null {
  return n >= 1 ? n : null;
}

function mentionAt(tokens: readonly Token[], i: number): BayMention | null {
  const word = tokens[i]!.word;
  const compact = COMPACT.exec(word);
  if (compact) {
    const bay = positive(Number(compact[1]));
    return bay === null ? null : { bay, form: 'compact', at: i };
  }
  if (/^#\d{1,2}$/.test(word)) {
    const bay = positive(Number(word.slice(1)));
    return bay === null ? null : { bay, form: 'hash', at: i };
  }
  if (BAY_NOUNS.has(word)) return nounNumber(tokens, i);
  if (isOrdinal(word)) return ordinalMention(tokens, i);
  return null;
}

function nounNumber(tokens: readonly Token[], i: number): BayMention | null {
  let j = i + 1;
  if (NUMBER_FILLERS.has(tokens[j]?.word ?? '')) j++;
  const raw = tokens[j]?.word;
  if (raw === undefined) return null;
  const number = smallNumber(raw.startsWith('#') ? raw.slice(1) : raw);
  // "bay 3rd" is not how anyone writes it, and "sim first" is not a bay: only cardinals follow the noun.
  if (number === null || isOrdinal(raw)) return null;
  return { bay: number, form: 'noun_number', at: i };
}

function ordinalMention(tokens: readonly Token[], i: number): BayMention | null {
  const bay = smallNumber(tokens[i]!.word);
  const next = tokens[i + 1]?.word;
  if (bay === null || next === undefined) return null;
  if (BAY_NOUNS.has(next)) return { bay, form: 'ordinal_noun', at: i };
  // "the third one" names a bay; "the third time" or "third one today" (without "the") does not.
  if (next === 'one' && tokens[i - 1]?.word === 'the') return { bay, form: 'ordinal_one', at: i };
  return null;
}

function spanOf(mention: BayMention, tokens: readonly Token[]): number {
  switch (mention.form) {
    case 'compact':
    case 'hash':
      return 1;
    case 'ordinal_noun':
    case 'ordinal_one':
      return 2;
    case 'noun_number':
      return NUMBER_FILLERS.has(tokens[mention.at + 1]?.word ?? '') ? 3 : 2;
  }
}
