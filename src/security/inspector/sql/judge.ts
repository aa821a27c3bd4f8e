import type { RuleHit } from '../types.js';
import { type ExprFeatures, parseExpression } from './grammar.js';
import { lexSql, type QuoteContext, type SqlToken } from './lexer.js';
import { dangerFunctions } from './words.js';

/** Clause keywords an injection appends after breaking out of a value. */
const trailingClauses = new Set(['having', 'limit', 'procedure', 'into', 'where', 'offset']);

interface View {
  readonly ctx: QuoteContext;
  /** Tokens without comments. */
  readonly nc: readonly SqlToken[];
  /** commentAfter[i]: a comment follows nc[i] in the input. */
  readonly commentAfter: readonly boolean[];
  readonly leadingComment: boolean;
}

function viewOf(input: string, ctx: QuoteContext): View {
  const toks = lexSql(input, ctx);
  const nc: SqlToken[] = [];
  const commentAfter: boolean[] = [];
  let leadingComment = false;
  for (const t of toks) {
    if (t.t === 'c') {
      if (nc.length === 0) leadingComment = true;
      else commentAfter[nc.length - 1] = true;
    } else {
      nc.push(t);
      commentAfter.push(false);
    }
  }
  return { ctx, nc, commentAfter, leadingComment };
}

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'sqli', rule: `sql.${rule}`, score });

/**
 * Judges a value as SQL in each quote context it could break out of; the first rule that
 * proves a grammatical injection wins. Prose stays clean because its token shapes are not SQL.
 * @example judgeSql("admin'--")?.rule // 'sql.break_comment'
 * @example judgeSql("can't get in -- door's locked & it's bay 3") // null
 */
export function judgeSql(input: string): RuleHit | null {
  const contexts: QuoteContext[] = [''];
  if (input.includes("'")) contexts.push("'");
  if (input.includes('"')) contexts.push('"');
  for (const ctx of contexts) {
    const found = judgeView(viewOf(input, ctx));
    if (found !== null) return found;
  }
  return null;
}

function judgeView(v: View): RuleHit | null {
  const { nc } = v;
  for (let i = 0; i < nc.length; i++) {
    const t = nc[i]!;
    if (t.t === 'U' && selectFollows(nc, i + 1)) return hit('union_select');
    if (t.t === ';' && stackedStatement(nc, i + 1)) return hit('stacked_statement');
    if (t.t === 'f' && dangerFunctions.has(t.v) && nc[i + 1]?.t === '(') return hit('risky_function');
    if (t.t === 'v' && t.v.startsWith('@@')) return hit('system_variable');
    if ((t.t === 'E' || t.t === 'f') && t.v === 'select' && selectList(nc, i + 1)) return hit('select_statement');
  }
  return v.ctx === '' ? judgeBare(v) : judgeBreakout(v);
}

function selectFollows(nc: readonly SqlToken[], from: number): boolean {
  let i = from;
  while (nc[i]?.t === '(') i++;
  const t = nc[i];
  return t !== undefined && t.v === 'select';
}

function stackedStatement(nc: readonly SqlToken[], from: number): boolean {
  const e = nc[from];
  if (e === undefined || e.t !== 'E') return false;
  if (e.v === 'shutdown') return true;
  const next = nc[from + 1];
  if (next === undefined) return false;
  if (e.v === 'select') return selectList(nc, from + 1);
  return next.t !== '1' || nc[from + 2] === undefined || nc[from + 2]!.t !== '1';
}

/** After SELECT: a column list a database would accept (not `select a time`). */
function selectList(nc: readonly SqlToken[], from: number): boolean {
  const t = nc[from];
  if (t === undefined) return false;
  const after = nc[from + 1];
  const ends = after === undefined || [',', ')', 'k', 'o', 'U', ';', '&'].includes(after.t) || after.v === 'from';
  switch (t.t) {
    case 'f':
    case 'v':
    case '(':
      return true;
    case 'o':
      return t.v === '*';
    case 'n':
    case 's':
      return ends;
    case '1':
      return fromTable(nc, from + 1);
    case 'k':
      return t.v === 'distinct' || t.v === 'top' || t.v === 'null';
    default:
      return false;
  }
}

/** `col, col FROM table` then end or another clause: the shape of a real column list. */
function fromTable(nc: readonly SqlToken[], from: number): boolean {
  let i = from;
  while (i < nc.length && nc[i]!.v !== 'from') {
    if (nc[i]!.t !== '1' && nc[i]!.t !== ',') return false;
    i++;
  }
  const table = nc[i + 1];
  if (table === undefined || table.t !== '1') return false;
  const next = nc[i + 2];
  return next === undefined || next.t === 'k' || next.t === ';' || next.t === 'B' || next.t === ')' || next.t === 'U';
}

/** After the expression: where an injected fragment may stop so the whole query still parses. */
function cleanTail(v: View, e: ExprFeatures): boolean {
  const { nc } = v;
  if (e.end >= nc.length) return true;
  if (v.commentAfter[e.end - 1]) return true;
  const t = nc[e.end]!;
  return t.t === ';' || t.t === 'U' || t.t === 'B' || (t.t === 'k' && trailingClauses.has(t.v)) || t.t === ')';
}

/** Input assumed inside a quoted literal: it must close the literal, then continue as SQL. */
function judgeBreakout(v: View): RuleHit | null {
  const { nc } = v;
  const first = nc[0];
  if (first === undefined || first.t !== 's' || first.open) return null;
  if (v.commentAfter[0]) return hit('break_comment');
  let p = 1;
  while (nc[p]?.t === ')') p++;
  if (p > 1 && v.commentAfter[p - 1]) return hit('break_comment');
  const t = nc[p];
  if (t === undefined) return null;
  if (t.t === ';' && (nc[p + 1] === undefined || v.commentAfter[p])) return hit('break_stacked');
  if (t.t === '&') {
    const e = parseExpression(nc, p + 1);
    if (e !== null && cleanTail(v, e) && (e.compare || e.call || e.subquery || !e.bareOnly)) return hit('break_logic');
    return null;
  }
  if (t.t === 'o') {
    const e = parseExpression(nc, 0);
    if (e !== null && e.end > p + 1 && cleanTail(v, e) && (e.compare || e.call || e.logic || endsOpen(nc, e))) return hit('break_operator');
    return null;
  }
  return clauseAfterValue(v, p);
}

const endsOpen = (nc: readonly SqlToken[], e: ExprFeatures): boolean => e.end >= nc.length && nc[nc.length - 1]!.open;

/** `... ORDER BY 1`, `... HAVING 1=1`, `... LIMIT 1`: a clause appended after a value. */
function clauseAfterValue(v: View, p: number): RuleHit | null {
  const { nc } = v;
  const t = nc[p];
  if (t === undefined) return null;
  if (t.t === 'B' || (t.t === 'k' && trailingClauses.has(t.v))) {
    const e = parseExpression(nc, p + 1);
    if (e !== null && !e.bareOnly && cleanTail(v, e)) return hit('appended_clause');
    if (e !== null && t.t === 'B' && (e.end >= nc.length || v.commentAfter[e.end - 1])) return hit('appended_clause');
  }
  return null;
}

/** Input as a bare value (a number or name spliced into SQL). */
function judgeBare(v: View): RuleHit | null {
  const { nc } = v;
  const first = parseExpression(nc, 0);
  if (first === null) return null;
  let p = first.end;
  while (nc[p]?.t === ')') p++;
  const t = nc[p];
  if (first.logic && (first.compare || first.call || first.subquery) && cleanTail(v, first)) {
    // `1 or 1=1`, `1) and sleep(5)#`; prose rarely both compares and joins with AND/OR.
    if (!first.bareOnly) return hit('bare_logic');
  }
  if (t?.t === '&') {
    const e = parseExpression(nc, p + 1);
    if (e !== null && cleanTail(v, e) && (e.compare || e.call || e.subquery) && !e.bareOnly) return hit('bare_logic');
    return null;
  }
  return t === undefined ? null : clauseAfterValue(v, p);
}
