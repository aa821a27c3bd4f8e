import type { RuleHit } from '../types.js';
import { type ExprFeatures, parseExpression } from './grammar.js';
import { lexSql, type QuoteContext, type SqlToken } from './lexer.js';
import { isStatement } from './statements.js';
import { dangerFunctions, systemObjects, wordlikeFunctions } from './words.js';

/** Clause keywords an injection appends after breaking out of a value. */
const trailingClauses = new Set(['having', 'limit', 'procedure', 'into', 'where', 'offset']);
/** Operators that can directly follow a closed literal in an injection (`'='`, `'-0-'`, `'+f()+'`). */
const breakOperators = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '<=>', '-', '+', '==', ':=']);
/** Tokens after which a SELECT starts a (sub)statement. */
const statementStarts = new Set(['(', ';', 'U', '&', 'o', ',']);

interface View {
  readonly ctx: QuoteContext;
  /** Tokens without comments. */
  readonly nc: readonly SqlToken[];
  /** commentAfter[i]: the comment after nc[i], if any. */
  readonly commentAfter: readonly (SqlToken | undefined)[];
}

function viewOf(input: string, ctx: QuoteContext): View {
  const toks = lexSql(input, ctx);
  const nc: SqlToken[] = [];
  const commentAfter: (SqlToken | undefined)[] = [];
  for (const t of toks) {
    if (t.t === 'c') {
      if (nc.length > 0 && commentAfter[nc.length - 1] === undefined) commentAfter[nc.length - 1] = t;
    } else {
      nc.push(t);
      commentAfter.push(undefined);
    }
  }
  return { ctx, nc, commentAfter };
}

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'sqli', rule: `sql.${rule}`, score });

/**
 * MySQL's version-conditional comment, `/*!50000 ... *\/`: code only that server runs, written to slip SQL past filters
 * that skip comments. A licence banner (`/*! jQuery v3 *\/`) has no version number.
 */
const versionedComment = /\/\*!\d{5}/;

/**
 * Judges a value as SQL in each quote context it could break out of; the first rule that
 * proves a grammatical injection wins. Prose stays clean because its token shapes are not SQL.
 * @example judgeSql("admin'--")?.rule // 'sql.break_comment'
 * @example judgeSql("can't get in -- door's locked & it's bay 3") // null
 */
export function judgeSql(input: string): RuleHit | null {
  if (systemObjects.test(input)) return hit('system_object');
  if (versionedComment.test(input)) return hit('versioned_comment');
  const bare = judgeView(viewOf(input, ''));
  if (bare !== null) return bare;
  for (const ctx of ["'", '"'] as const) {
    if (input.indexOf(ctx) < 0) continue;
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
    if (t.t === ';' && isStatement(nc, i + 1)) return hit('stacked_statement');
    if (t.t === 'f' && dangerFunctions.has(t.v) && nc[i + 1]?.t === '(' && (t.glued === true || !wordlikeFunctions.has(t.v))) return hit('risky_function');
    if (t.t === 'v' && t.v.startsWith('@@')) return hit('system_variable');
    if (t.v === 'select' && (i === 0 || statementStarts.has(nc[i - 1]!.t)) && isStatement(nc, i)) return hit('select_statement');
    if (t.v === 'waitfor' && isStatement(nc, i)) return hit('time_delay');
    if (t.v === 'into' && (nc[i + 1]?.v === 'outfile' || nc[i + 1]?.v === 'dumpfile')) return hit('into_outfile');
    if (t.v === 'procedure' && nc[i + 1]?.v === 'analyse') return hit('procedure_analyse');
    if (t.t === 'f' && functionCall(nc, i)) return hit('function_call');
    if (t.v === '::' && i > 0 && nc[i + 1]?.t === '1') return hit('type_cast');
    if (t.v === 'case' && caseExpression(nc, i)) return hit('case_expression');
  }
  if (nc.length > 0 && (nc[0]!.t === 'E' || nc[0]!.v === 'set') && isStatement(nc, 0)) return hit('statement');
  return v.ctx === '' ? judgeBare(v) : judgeBreakout(v);
}

/**
 * A known SQL function called as SQL would call it: a name that is not an English word, or one
 * glued to its `(` with SQL inside or nothing after (`insert(`), or nested (`ascii(substring(`).
 */
function functionCall(nc: readonly SqlToken[], i: number): boolean {
  const t = nc[i]!;
  if (nc[i + 1]?.t !== '(') return false;
  const inner = nc[i + 2];
  if (inner?.t === 'f' || inner?.t === 'F') return true;
  if (!wordlikeFunctions.has(t.v)) return true;
  if (t.glued !== true) return false;
  return inner === undefined || ((inner.t === 'n' || inner.t === 's' || inner.t === 'v') && nc[i + 3] !== undefined && nc[i + 3]!.t !== ')');
}

/** `CASE [x] WHEN ... THEN ... [ELSE ...] END` */
function caseExpression(nc: readonly SqlToken[], i: number): boolean {
  let when = false;
  let then = false;
  for (let j = i + 1; j < nc.length && j < i + 40; j++) {
    const v = nc[j]!.v;
    if (v === 'when') when = true;
    else if (v === 'then' && when) then = true;
    else if (v === 'end' && then) return true;
  }
  return false;
}

/**
 * `UNION [ALL] [(] SELECT ...`: the select may end the input (a probe) or go on as SQL; only a
 * select followed by two bare words ("union select my card") reads as prose.
 */
function selectFollows(nc: readonly SqlToken[], from: number): boolean {
  let i = from;
  while (nc[i]?.t === '(') i++;
  if (nc[i]?.v !== 'select') return false;
  const next = nc[i + 1];
  if (next === undefined || i > from) return true;
  if (next.t === '1') return nc[i + 2] === undefined || nc[i + 2]!.t === ',' || nc[i + 2]!.v === 'from' || nc[i + 2]!.t === ';';
  return next.t !== 'E' && next.t !== '&' && next.t !== 'U';
}

/** A comment that ends an injection: empty or short (`--`, `#`, `-- -`, `/*`), not a prose remark. */
const terminating = (c: SqlToken | undefined): boolean => c !== undefined && c.v.replace(/^(?:--|#|\/\*)|\*\/$/g, '').trim().length <= 3;

/** After the expression: where an injected fragment may stop so the whole query still parses. */
function cleanTail(v: View, e: ExprFeatures): boolean {
  const { nc } = v;
  if (e.end >= nc.length) return true;
  if (v.commentAfter[e.end - 1] !== undefined) return true;
  const t = nc[e.end]!;
  return t.t === ';' || t.t === 'U' || t.t === 'B' || (t.t === 'k' && trailingClauses.has(t.v)) || t.t === ')';
}

/** Input assumed inside a quoted literal: it must close the literal, then continue as SQL. */
function judgeBreakout(v: View): RuleHit | null {
  const { nc } = v;
  const first = nc[0];
  if (first === undefined || first.t !== 's' || first.open) return null;
  let p = 1;
  while (nc[p]?.t === ')') p++;
  if (terminating(v.commentAfter[p - 1]) && (nc[p] === undefined || nc[p]!.t === 'U' || nc[p]!.t === 'E')) return hit('break_comment');
  const t = nc[p];
  if (t === undefined) return null;
  if (t.t === ';' && (v.commentAfter[p] !== undefined || nc[p + 1]?.t === 'E')) return hit('break_stacked');
  if ((t.t === 'E' || t.v === 'if' || t.v === 'begin') && isStatement(nc, p)) return hit('break_statement');
  if (shortOperandAfterOperators(v, p)) return hit('break_operator');
  if (t.t === '&') {
    const e = parseExpression(nc, p + 1);
    // A lone trailing quote (`x' and '`) is not enough: something must compare, call or select.
    const loneQuote = e !== null && e.end === nc.length && e.end === p + 2 && nc[p + 1]!.open;
    if (e !== null && cleanTail(v, e) && (e.compare || e.call || e.subquery || (!e.bareOnly && !loneQuote))) return hit('break_logic');
    return null;
  }
  // Single `&` and `|` are URL and prose punctuation far more often than SQL bit operators.
  if (t.t === 'o' && t.v !== '&' && t.v !== '|') {
    const e = parseExpression(nc, 0);
    // A word operator right after a quote (`"LIKE" STAMP`, `id'is notes`) is prose unless it joins values.
    const wordOp = /^[a-z]/.test(t.v);
    const trailingQuoteOnly = e !== null && e.end === p + 2 && nc[p + 1]!.open;
    if (wordOp && (/\s/.test(nc[0]!.v.trim()) || nc[0]!.v.length === 0 || trailingQuoteOnly || e?.anyBare === true)) return null;
    const shaped = e !== null && (e.compare || e.call || e.logic || (breakOperators.has(t.v) && endsInContext(v, e) && !e.anyBare));
    if (e !== null && shaped && e.end > p + 1 && cleanTail(v, e)) return hit('break_operator');
    return null;
  }
  return clauseAfterValue(v, p);
}

/** `A' AND 'B`, `' DIV '`: operators between the closed literal and a reopened one-word literal. */
function shortOperandAfterOperators(v: View, p: number): boolean {
  const { nc } = v;
  let i = p;
  while (nc[i]?.t === 'o' || nc[i]?.t === '&') i++;
  const last = nc[i];
  const first = nc[0]!.v;
  // `A' AND 'B` or `' DIV '`; not `"*"` nor `BROWNING "LIKE"` (prose before the quote).
  const wordOps = nc.slice(p, i).every((t) => /^[a-z]/.test(t.v));
  if (/\s/.test(first) || (first.length === 0 && !wordOps)) return false;
  return i > p && i === nc.length - 1 && last!.t === 's' && last!.open && last!.q === v.ctx && !/\s/.test(last!.v) && last!.v.length <= 12;
}

/** The input ends inside a literal of the same quote: the application's closing quote closes it. */
const endsInContext = (v: View, e: ExprFeatures): boolean => {
  const last = v.nc[v.nc.length - 1]!;
  return e.end >= v.nc.length && last.open && last.q === v.ctx;
};

/** `... ORDER BY 1`, `... HAVING 1=1`, `... LIMIT 1`: a clause appended after a value. */
function clauseAfterValue(v: View, p: number): RuleHit | null {
  const { nc } = v;
  const t = nc[p];
  if (t === undefined) return null;
  if (t.t === 'B' && groupedThenHaving(v, p + 1)) return hit('appended_clause');
  if (t.t === 'B' || (t.t === 'k' && trailingClauses.has(t.v))) {
    const e = parseExpression(nc, p + 1);
    // A lone reopened quote (`"WHERE'S GEORGE"`) is prose, not an appended clause.
    const loneOpen = e !== null && e.end === p + 2 && nc[p + 1]!.open;
    // WHERE/HAVING need a condition; ORDER BY/GROUP BY/LIMIT a column or number.
    const condition =
      t.v === 'where' || t.v === 'having' ? e !== null && !e.bareOnly && (e.compare || e.call || e.subquery || (e.logic && !e.anyBare)) : e !== null && !e.bareOnly;
    if (e !== null && condition && !loneOpen && cleanTail(v, e)) return hit('appended_clause');
    if (e !== null && t.t === 'B' && (e.end >= nc.length || v.commentAfter[e.end - 1] !== undefined)) return hit('appended_clause');
  }
  return null;
}

/** `GROUP BY 1, a.b, c HAVING 1=1`: a list of columns, then a HAVING condition that compares, then a clean end. */
function groupedThenHaving(v: View, from: number): boolean {
  const { nc } = v;
  let e = parseExpression(nc, from);
  while (e !== null && nc[e.end]?.t === ',') e = parseExpression(nc, e.end + 1);
  if (e === null || nc[e.end]?.v !== 'having') return false;
  const condition = parseExpression(nc, e.end + 1);
  if (condition === null) return false;
  return condition.compare && !condition.bareOnly && cleanTail(v, condition);
}

/**
 * Only numbers multiplied between `from` and `to`. Not `-` or `/`: dates and phone numbers (`2024-10-12 --`,
 * `10/12 --`) are written with them.
 */
function productOnly(nc: readonly SqlToken[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const t = nc[i]!;
    if (t.t !== 'n' && !(t.t === 'o' && t.v === '*')) return false;
  }
  return true;
}

/** Input as a bare value (a number or name spliced into SQL). */
function judgeBare(v: View): RuleHit | null {
  const { nc } = v;
  let start = 0;
  // `) OR (SELECT ...`, `OR 1=1`: a fragment that continues someone else's expression.
  while (nc[start]?.t === ')') start++;
  if (nc[start]?.t === '&') {
    const e = parseExpression(nc, start + 1);
    if (e !== null && (e.compare || e.subquery) && !e.bareOnly && cleanTail(v, e)) return hit('bare_logic');
    return null;
  }
  const first = parseExpression(nc, start);
  if (first === null) return null;
  const after = nc[first.end];
  const comment = v.commentAfter[first.end - 1];
  // `-1 union`, `1/1/**/union`: a numeric value followed by a set operator and nothing prose-like.
  const negative = nc[start]!.t === 'o' && nc[start]!.v === '-' && nc[start + 1]?.t === 'n';
  const unionNext = nc[first.end + 1];
  if (!first.anyBare && (nc[start]!.t === 'n' || negative) && after?.t === 'U' && ((unionNext === undefined && negative) || selectFollows(nc, first.end + 1))) return hit('union_select');
  // `@version --`, `1 OR (1 OR 1)--`, `9999 or true`: a value expression closed off or tautological.
  if (!first.anyBare && !first.bareOnly && first.end >= nc.length && terminating(comment) && (nc[start]!.t === 'v' || first.logic)) return hit('bare_terminated');
  // `1 * 1--`: numbers multiplied, then a comment cutting off the rest of the query.
  if (first.end >= nc.length && first.operands >= 2 && terminating(comment) && productOnly(nc, start, first.end)) return hit('bare_terminated');
  if (!first.anyBare && first.logic && first.end >= nc.length && (nc[nc.length - 1]!.v === 'true' || nc[nc.length - 1]!.v === 'false')) return hit('bare_tautology');
  // `DATABASE() LIKE SCHEMA()`: functions compared with each other.
  if (first.call && first.compare && !first.anyBare && first.end >= nc.length) return hit('bare_logic');
  // `'x'!='y`: literal compared with a reopened literal.
  if (nc[start]!.t === 's' && first.compare && first.end >= nc.length && nc[nc.length - 1]!.open) return hit('bare_logic');
  if (first.logic && (first.compare || first.call || first.subquery) && !first.bareOnly && cleanTail(v, first)) return hit('bare_logic');
  // `( 1 OR @a ) --`: a parenthesised expression closed off by a comment.
  if (nc[0]!.t === '(' && nc[nc.length - 1]!.t === ')' && !first.bareOnly && first.end >= nc.length && terminating(v.commentAfter[nc.length - 1])) return hit('bare_group');
  let p = first.end;
  while (nc[p]?.t === ')') p++;
  const t = nc[p];
  if (t?.t === '&') {
    const e = parseExpression(nc, p + 1);
    if (e !== null && cleanTail(v, e) && (e.compare || e.call || e.subquery) && !e.bareOnly) return hit('bare_logic');
    return null;
  }
  return t === undefined ? null : clauseAfterValue(v, p);
}
