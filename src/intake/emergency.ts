import {
  CUES,
  type Cue,
  type CuePattern,
  type EmergencyCategory,
  type Forms,
  GOLF_TALK,
  JOKE_MARKERS,
  KNOWN_WORDS,
  NEGATORS,
  URGENCY,
} from './emergencyCues.js';
import { typoMatch, words } from './text.js';

export type { EmergencyCategory } from './emergencyCues.js';

/**
 * The emergency fast path (DOMAIN.md, README rule 1): a tokenised, weighted detector that runs before
 * any learning, so an injury, fire, flood, trapped person, threat or gas leak reaches a human at once.
 * Cues (emergencyCues.ts) add up per category; a cue is dropped when negated ("no one is hurt"), when
 * it is an idiom ("dying to play", "we're on fire"), or when a figurative cue sits in golf talk or a
 * joking message ("that drive was fire 🔥", "trapped in a bunker haha"), and a fire word in praise ("flames
 * off the tee", "smoking hot round") — unless a thing that burns or a sign of real fire is near it ("the
 * projector is on fire tonight"). Urgency words ("help", "hurry") only strengthen a real cue. It errs towards
 * flagging: a false alarm costs one look by an operator, a missed emergency costs far more.
 */

export interface EmergencyVerdict {
  readonly emergency: boolean;
  /** The strongest category, or null when nothing scored. */
  readonly category: EmergencyCategory | null;
  /** Score of that category including urgency; ≥ {@link EMERGENCY_THRESHOLD} means emergency. */
  readonly score: number;
  /** Labels of the cues that counted, for the explanation shown to the operator. */
  readonly matched: readonly string[];
}

export const EMERGENCY_THRESHOLD = 1;
/** Below this a category is noise, and urgency words must not lift it. */
const URGENCY_NEEDS = 0.5;
const URGENCY_MAX = 0.3;
const NEGATION_REACH = 3;
const FIGURATIVE_REACH = 4;
/** Wider than the figure's reach: "the PC in bay 3 is smoking" names its source five words before the cue. */
const LITERAL_REACH = 6;

interface Span {
  readonly start: number;
  readonly end: number;
}

const isAny = (word: string | undefined, forms: Forms): boolean =>
  word !== undefined && (KNOWN_WORDS.has(word) ? forms.includes(word) : forms.some((f) => typoMatch(word, f)));
const isExact = (word: string | undefined, forms: Forms): boolean => word !== undefined && forms.includes(word);

function spans(ws: readonly string[], pattern: CuePattern): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < ws.length; i++) {
    if (pattern.kind === 'word') {
      if (isAny(ws[i], pattern.forms)) out.push({ start: i, end: i });
    } else if (pattern.kind === 'seq') {
      if (!isAny(ws[i], pattern.parts[0]!)) continue;
      let last = i;
      let complete = true;
      for (const part of pattern.parts.slice(1)) {
        let next = -1;
        for (let k = last + 1; k <= last + pattern.gap && k < ws.length; k++) {
          if (isAny(ws[k], part)) {
            next = k;
            break;
          }
        }
        if (next < 0) {
          complete = false;
          break;
        }
        last = next;
      }
      if (complete) out.push({ start: i, end: last });
    } else if (isAny(ws[i], pattern.a)) {
      for (let k = Math.max(0, i - pattern.window); k <= Math.min(ws.length - 1, i + pattern.window); k++) {
        if (k !== i && isAny(ws[k], pattern.b)) out.push({ start: Math.min(i, k), end: Math.max(i, k) });
      }
    }
  }
  return out;
}

function negated(ws: readonly string[], span: Span): boolean {
  for (let k = Math.max(0, span.start - NEGATION_REACH); k < span.start; k++) if (isExact(ws[k], NEGATORS)) return true;
  return false;
}

/** Whether a word of `forms` is within `reach` tokens of the span (the span itself excluded). */
function near(ws: readonly string[], span: Span, reach: number, forms: Forms, match: (w: string | undefined, f: Forms) => boolean): boolean {
  for (let k = Math.max(0, span.start - reach); k <= Math.min(ws.length - 1, span.end + reach); k++) {
    if ((k < span.start || k > span.end) && match(ws[k], forms)) return true;
  }
  return false;
}

/**
 * A figure of speech: the message jokes, or golf or praise talk sits near the cue — unless something near it says
 * the danger is real. Figure words must match exactly and literal ones typo-tolerantly, so doubt means a flag.
 */
function figurative(ws: readonly string[], span: Span, cue: Cue, joking: boolean): boolean {
  const figure =
    joking ||
    near(ws, span, FIGURATIVE_REACH, GOLF_TALK, isExact) ||
    (cue.figurativeNear !== undefined && near(ws, span, FIGURATIVE_REACH, cue.figurativeNear, isExact)) ||
    (cue.figurativeNext !== undefined && isExact(ws[span.end + 1], cue.figurativeNext));
  return figure && !(cue.literalNear !== undefined && near(ws, span, LITERAL_REACH, cue.literalNear, isAny));
}

function counts(cue: Cue, ws: readonly string[], joking: boolean): boolean {
  if (cue.needs && !ws.some((w) => isExact(w, cue.needs!))) return false;
  if (cue.unlessAny && ws.some((w) => isExact(w, cue.unlessAny!))) return false;
  return spans(ws, cue.pattern).some(
    (span) =>
      !negated(ws, span) &&
      !(cue.idiomNext && isExact(ws[span.end + 1], cue.idiomNext)) &&
      !(cue.idiomPrev && isExact(ws[span.start - 1], cue.idiomPrev)) &&
      !(cue.figurative && figurative(ws, span, cue, joking)),
  );
}

function isShouting(text: string): boolean {
  const letters = text.replace(/[^A-Za-z]/g, '');
  return letters.length >= 10 && letters === letters.toUpperCase();
}

/**
 * Decide whether a customer text is an emergency.
 *
 * @example
 * detectEmergency('Someone fainted in bay 2').emergency; // true, category 'medical'
 * detectEmergency("We're on fire tonight lol").emergency; // false
 * detectEmergency('smells like gas near the entrance').category; // 'gas'
 */
export function detectEmergency(text: string): EmergencyVerdict {
  const ws = words(text);
  const joking = ws.some((w) => isExact(w, JOKE_MARKERS));
  const byCategory = new Map<EmergencyCategory, number>();
  const matched: string[] = [];
  for (const cue of CUES) {
    if (!counts(cue, ws, joking)) continue;
    byCategory.set(cue.category, (byCategory.get(cue.category) ?? 0) + cue.weight);
    matched.push(`${cue.category}:${cue.label}`);
  }
  const declared = byCategory.get('unspecified') ?? 0;
  let category: EmergencyCategory | null = null;
  let best = 0;
  for (const [c, score] of byCategory) {
    if (c !== 'unspecified' && score > best) {
      best = score;
      category = c;
    }
  }
  // "Emergency!" or "call 911" strengthens a named category, or stands alone as 'unspecified'.
  if (category === null && declared > 0) category = 'unspecified';
  let score = category === 'unspecified' ? declared : best + declared;
  if (score >= URGENCY_NEEDS) {
    const urgency = new Set(ws.filter((w) => isExact(w, URGENCY))).size * 0.15 + (isShouting(text) ? 0.1 : 0);
    score += Math.min(URGENCY_MAX, urgency);
  }
  return { emergency: score >= EMERGENCY_THRESHOLD, category, score, matched };
}
