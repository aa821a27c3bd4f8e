import type { VenueLocation } from '../venue/types.js';
import { type Token, tokenize, typoMatch } from './text.js';

/**
 * Finds which of the venue's locations a text names. The names are data (a venue has its own),
 * matched case-insensitively with modest tolerance: one typo ("dartmoth"), a prefix abbreviation of
 * 4+ letters ("dart"), a configured alias, or the distinctive word of a multi-word name
 * ("the Harbour one" for "Harbour Point"). Generic place words ("park", "north") alone never match,
 * because "where do we park" is not a location.
 */

export interface LocationMention {
  /** The location's canonical name, as in the directory. */
  readonly location: string;
  /** Index of the first matching token: the earliest mention wins. */
  readonly at: number;
  readonly how: 'exact' | 'alias' | 'typo' | 'abbreviation';
}

/** Words too common to identify a location on their own. */
const GENERIC_PLACE_WORDS = new Set([
  'the', 'of', 'at', 'and', 'on', 'in', 'park', 'centre', 'center', 'north', 'south', 'east', 'west', 'downtown',
  'uptown', 'street', 'st', 'road', 'rd', 'avenue', 'ave', 'mall', 'plaza', 'city', 'village', 'square', 'golf',
  'club', 'studio', 'lounge', 'main', 'old', 'new', 'upper', 'lower', 'point', 'place', 'hill', 'lake', 'bay',
  'sim', 'location', 'spot', 'one', 'end', 'side', 'house', 'hub', 'court', 'station',
]);

interface Key {
  readonly location: string;
  readonly words: readonly string[];
  readonly how: 'exact' | 'alias';
}

function keysOf(location: VenueLocation): Key[] {
  const keys: Key[] = [];
  const nameWords = tokenize(location.name).map((t) => t.word);
  if (nameWords.length > 0) keys.push({ location: location.name, words: nameWords, how: 'exact' });
  // A single distinctive word of a multi-word name is enough ("Harbour" for "Harbour Point").
  if (nameWords.length > 1) {
    for (const w of nameWords) {
      if (!GENERIC_PLACE_WORDS.has(w) && w.length >= 4) keys.push({ location: location.name, words: [w], how: 'exact' });
    }
  }
  for (const alias of location.aliases ?? []) {
    const aliasWords = tokenize(alias).map((t) => t.word);
    if (aliasWords.length > 0) keys.push({ location: location.name, words: aliasWords, how: 'alias' });
  }
  return keys;
}

function wordMatch(typed: string, key: string): LocationMention['how'] | null {
  if (typed === key) return 'exact';
  if (GENERIC_PLACE_WORDS.has(key)) return null;
  if (typoMatch(typed, key)) return 'typo';
  // Abbreviation: a 4+ letter prefix covering at least 40 % of the name ("dart", "river").
  if (typed.length >= 4 && typed.length * 5 >= key.length * 2 && key.startsWith(typed) && !GENERIC_PLACE_WORDS.has(typed)) {
    return 'abbreviation';
  }
  return null;
}

function matchAt(tokens: readonly Token[], i: number, key: Key): LocationMention['how'] | null {
  let weakest: LocationMention['how'] = key.how;
  for (let k = 0; k < key.words.length; k++) {
    const typed = tokens[i + k]?.word;
    if (typed === undefined) return null;
    const how = key.words.length === 1 || typed !== key.words[k] ? wordMatch(typed, key.words[k]!) : 'exact';
    if (how === null) return null;
    if (how !== 'exact') weakest = how;
  }
  // A lone generic word never identifies a location, even if a venue is called "Park".
  if (key.words.length === 1 && GENERIC_PLACE_WORDS.has(key.words[0]!) && key.how !== 'alias') return null;
  return weakest;
}

/**
 * Every location mention in a text, earliest first; at most one per location.
 *
 * @example
 * const dir = [{ name: 'Bedford' }, { name: 'Dartmouth' }];
 * locationMentions('at the dartmoth spot, not bedford', dir).map((m) => m.location); // ['Dartmouth', 'Bedford']
 */
export function locationMentions(text: string, locations: readonly VenueLocation[]): LocationMention[] {
  const tokens = tokenize(text);
  const keys = locations.flatMap(keysOf);
  const best = new Map<string, LocationMention>();
  for (let i = 0; i < tokens.length; i++) {
    for (const key of keys) {
      if (best.has(key.location)) continue;
      const how = matchAt(tokens, i, key);
      if (how !== null) best.set(key.location, { location: key.location, at: i, how });
    }
  }
  return [...best.values()].sort((a, b) => a.at - b.at);
}

/**
 * The location a text names (the earliest mention), or null.
 *
 * @example
 * locationFromText('Locked out at RIVERSIDE', [{ name: 'Riverside' }]); // 'Riverside'
 */
export function locationFromText(text: string, locations: readonly VenueLocation[]): string | null {
  return locationMentions(text, locations)[0]?.location ?? null;
}
