import { base64Text, decodedVariants } from './decode.js';
import { isPlainToken } from './precheck.js';
import { judgeCodeInjection } from './rules/codeInjection.js';
import { judgeCommandInjection } from './rules/commandInjection.js';
import { judgeNosqlText } from './rules/nosql.js';
import { judgePathTraversal } from './rules/pathTraversal.js';
import { judgePrototypePollutionText } from './rules/prototypePollution.js';
import { judgeSsti } from './rules/ssti.js';
import { judgeSql } from './sql/judge.js';
import type { AttackKind, RuleHit } from './types.js';
import { judgeJsSink, judgeXss } from './xss/judge.js';

type Judge = (s: string) => RuleHit | null;

/** Which detectors apply: URL paths name pages (`/manual/document.cookie`), so script-sink rules skip them. */
export type TextContext = 'text' | 'path';

const pathJudges: readonly Judge[] = [
  judgeSql,
  judgeXss,
  judgeSsti,
  judgePrototypePollutionText,
  judgeCommandInjection,
  judgePathTraversal,
  judgeNosqlText,
  judgeCodeInjection,
];
const textJudges: readonly Judge[] = [...pathJudges, judgeJsSink];

/** A value's hits and their anomaly score: the best hit of each kind, summed (as CRS sums rule scores). */
export interface TextJudgement {
  readonly hits: readonly RuleHit[];
  readonly score: number;
}

const none: TextJudgement = Object.freeze({ hits: Object.freeze([]) as readonly RuleHit[], score: 0 });

/**
 * Runs every detector on `s` and on its decoded copies (the input is never changed). Values that
 * pass the plain-token pre-check cost one character scan.
 * @example detectText("1' or '1'='1", 16384).score >= 5 // true
 * @example detectText('door code isn\'t working', 16384).score // 0
 */
export function detectText(s: string, maxLength: number, context: TextContext = 'text'): TextJudgement {
  if (s.length === 0) return none;
  let variants: string[];
  if (isPlainToken(s)) {
    // A plain token is clean unless it is base64 of readable text (a cookie carrying a payload).
    const decoded = base64Text(s);
    if (decoded === null) return none;
    variants = decodedVariants(decoded);
  } else {
    variants = decodedVariants(s.length > maxLength ? s.slice(0, maxLength) : s);
    const decoded = base64Text(variants[variants.length - 1]!);
    if (decoded !== null) variants.push(...decodedVariants(decoded));
  }
  let best: Map<AttackKind, RuleHit> | null = null;
  for (const variant of variants) {
    for (const judge of context === 'path' ? pathJudges : textJudges) {
      const h = judge(variant);
      if (h === null) continue;
      best ??= new Map();
      const prior = best.get(h.kind);
      if (prior === undefined || prior.score < h.score) best.set(h.kind, h);
    }
    // A decisive hit on a less-decoded form is enough; decoding further adds nothing.
    if (best !== null && [...best.values()].some((h) => h.score >= 5)) break;
  }
  if (best === null) return none;
  const hits = [...best.values()];
  return { hits, score: hits.reduce((sum, h) => sum + h.score, 0) };
}
