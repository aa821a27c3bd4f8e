import type { SqlToken } from './lexer.js';

/** What an expression parse saw: the judge decides from these, not from words. */
export interface ExprFeatures {
  /** Index just after the last token the expression consumed. */
  readonly end: number;
  readonly logic: boolean;
  readonly compare: boolean;
  /** A call of a known SQL function. */
  readonly call: boolean;
  /** A parenthesised `SELECT`. */
  readonly subquery: boolean;
  /** Operands that were only bare words (as English prose would be). */
  readonly bareOnly: boolean;
  /** At least one operand was a bare word. */
  readonly anyBare: boolean;
  /** Number of operands parsed at the top level. */
  readonly operands: number;
}

const compareOps = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '<=>', '==', '!<', '!>', 'like', 'rlike', 'regexp', 'is', 'in', 'between', 'sounds', 'glob']);
const unaryOps = new Set(['-', '+', '!', '~', 'not', 'binary']);
const literalWords = new Set(['null', 'true', 'false']);

interface Acc {
  logic: boolean;
  compare: boolean;
  call: boolean;
  subquery: boolean;
  bareOnly: boolean;
  anyBare: boolean;
  operands: number;
}

/**
 * Parses `a op b op c ...` from `from` as far as it stays a valid SQL expression.
 * Returns null when not even one operand parses.
 * @example parseExpression(lexSql('1=1 --', ''), 0)?.compare // true
 */
export function parseExpression(toks: readonly SqlToken[], from: number): ExprFeatures | null {
  const acc: Acc = { logic: false, compare: false, call: false, subquery: false, bareOnly: true, anyBare: false, operands: 0 };
  let i = parseOperand(toks, from, acc);
  if (i < 0) return null;
  for (;;) {
    const op = toks[i];
    if (op === undefined || (op.t !== 'o' && op.t !== '&')) break;
    let j = i + 1;
    // `NOT LIKE`, `IS NOT`, `NOT IN`: operator words chain.
    while (toks[j]?.t === 'o' && (toks[j]!.v === 'not' || toks[j]!.v === 'like' || toks[j]!.v === 'in' || toks[j]!.v === 'null' || toks[j]!.v === 'between')) j++;
    const next = parseOperand(toks, j, acc);
    if (next < 0) break;
    if (op.t === '&') acc.logic = true;
    if (compareOps.has(op.v) || compareOps.has(toks[j - 1]?.v ?? '')) acc.compare = true;
    i = next;
  }
  return { end: i, ...acc };
}

function parseOperand(toks: readonly SqlToken[], from: number, acc: Acc): number {
  let i = from;
  while (toks[i]?.t === 'o' && unaryOps.has(toks[i]!.v)) i++;
  const t = toks[i];
  if (t === undefined) return -1;
  switch (t.t) {
    case 'n':
    case 's':
    case 'v':
      acc.bareOnly = false;
      acc.operands++;
      return i + 1;
    case '1':
      acc.anyBare = true;
      acc.operands++;
      return i + 1;
    case 'k':
      if (!literalWords.has(t.v)) return -1;
      acc.bareOnly = false;
      return i + 1;
    case 'f':
    case 'F': {
      if (toks[i + 1]?.t !== '(') return -1;
      const close = matchParen(toks, i + 1, acc);
      if (t.t === 'f') {
        acc.call = true;
        acc.bareOnly = false;
      }
      return close;
    }
    case '(':
      return matchParen(toks, i, acc);
    default:
      return -1;
  }
}

/** Skips a balanced `( ... )` (an open one runs to the end: the application closes it). */
function matchParen(toks: readonly SqlToken[], open: number, acc: Acc): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.t === '(') depth++;
    else if (t.t === ')') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (t.t === 'E' || (t.t === 'f' && t.v === 'select')) {
      acc.subquery = true;
      acc.bareOnly = false;
    } else if (t.t === 'f') {
      acc.call = true;
      acc.bareOnly = false;
    } else if (t.t === 'n' || t.t === 's' || t.t === 'v') acc.bareOnly = false;
    else if (t.t === '1') acc.anyBare = true;
    else if (t.t === '&') acc.logic = true;
    else if (t.t === 'o' && compareOps.has(t.v)) acc.compare = true;
  }
  return toks.length;
}
