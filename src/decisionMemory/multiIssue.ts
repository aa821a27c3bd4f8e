/**
 * Several issues in one message ("the tv says no signal. also how do we add time"): one automated answer
 * would settle one issue and leave the other unanswered, and the classifier may pick the lesser one, so such
 * messages go to the approval queue.
 *
 * Two signals, of different strength:
 * - a connective people use to tack on a second issue (a clause boundary followed by "also", "plus", "btw",
 *   "oh and", " + ", "p.s.", "one more thing") says so by itself; plain words like "also" inside one clause
 *   ("is a card also available") do not count;
 * - two separate questions only *may* be two issues: "is it open? can we bring food?" is, but "my transfer
 *   is stuck pending? how do we fix it?" asks twice about one problem, which is how most people write. So
 *   the questions are returned as parts and the engine asks its classifier about each ({@link isSecondIssue}).
 */

const CONNECTIVE =
  /\bbtw\b|\bby the way\b|\boh and\b|\bone more thing\b|\banother thing\b|\bp\.s\.|(?:^|[.,;:!?\u2026]\s*|\band\s+)also\b|[.,;:!?\u2026]\s*plus\b|\s\+\s/i;

export type IssueShape =
  | { readonly kind: 'single' }
  | { readonly kind: 'connective' }
  /** Two or more questions, each with its own words: the question texts, in order. */
  | { readonly kind: 'questions'; readonly parts: readonly string[] };

/**
 * How many issues a message's wording suggests.
 * @example issueShape('the tv says no signal. also how do we add time').kind // 'connective'
 * @example issueShape('is it open? can we bring food?') // { kind: 'questions', parts: ['is it open', 'can we bring food'] }
 * @example issueShape('why was I charged twice??').kind // 'single'
 */
export function issueShape(text: string): IssueShape {
  if (CONNECTIVE.test(text)) return { kind: 'connective' };
  // Text after the last "?" is not a question; "really??" is one question, not two.
  const parts = text
    .split(/\?+/)
    .slice(0, -1)
    .map((part) => part.trim())
    .filter((part) => /[a-z]{2,}/i.test(part));
  return parts.length >= 2 ? { kind: 'questions', parts } : { kind: 'single' };
}

/** What the classifier makes of one question of a message, on its own. */
export interface PartReading {
  readonly decision: string;
  readonly probability: number;
}

/** A part read as another decision at least this probable is a second issue. */
export const SECOND_ISSUE_PROBABILITY = 0.5;

/**
 * Whether the questions of a message carry an issue other than the one proposed for the whole message: some
 * question, read alone, is confidently another decision. A question read as "no automatable decision" (a
 * "what should I do?" tacked on) or read without confidence adds no issue of its own.
 * @example isSecondIssue('reply_faq_hours', [{ decision: 'reply_faq_food', probability: 0.8 }], '__unknown__') // true
 * @example isSecondIssue('reply_faq_hours', [{ decision: 'reply_faq_hours', probability: 0.9 }], '__unknown__') // false
 */
export function isSecondIssue(proposed: string, parts: readonly PartReading[], unknown: string): boolean {
  return parts.some((p) => p.decision !== proposed && p.decision !== unknown && p.probability >= SECOND_ISSUE_PROBABILITY);
}
