/**
 * Several issues in one message ("the tv says no signal. also how do we add time"): one automated answer
 * would settle one issue and leave the other unanswered, and the classifier may pick the lesser one, so such
 * messages go to the approval queue. Detection is by the connectives people use to tack on a second issue
 * (a clause boundary followed by "also", "plus", "btw", "oh and", " + ", "p.s.", "one more thing") or by two
 * separate questions; plain words like "also" inside one clause ("is a card also available") do not count.
 */

const CONNECTIVE =
  /\bbtw\b|\bby the way\b|\boh and\b|\bone more thing\b|\banother thing\b|\bp\.s\.|(?:^|[.,;:!?\u2026]\s*|\band\s+)also\b|[.,;:!?\u2026]\s*plus\b|\s\+\s/i;

/**
 * Whether a message carries more than one issue.
 * @example isMultiIssue('the tv says no signal. also how do we add time') // true
 * @example isMultiIssue('is a physical card also available') // false
 */
export function isMultiIssue(text: string): boolean {
  if (CONNECTIVE.test(text)) return true;
  // Two questions, each with its own words: "is it open? can we bring food?" (not "really??").
  const questions = text.split(/\?+/).slice(0, -1).filter((part) => /[a-z]{2,}/i.test(part));
  return questions.length >= 2;
}
