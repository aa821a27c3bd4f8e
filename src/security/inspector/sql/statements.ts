import type { SqlToken } from './lexer.js';

const objectWords = new Set(['table', 'database', 'user', 'view', 'index', 'function', 'procedure', 'trigger', 'schema', 'login', 'column']);

/**
 * Whether the tokens from `from` read as a real statement of the kind `nc[from]` starts
 * (`DROP TABLE x`, `EXEC xp_cmdshell 'dir'`, `SELECT a, b FROM t`), not prose that happens to
 * begin with the same word ("call when you get here", "select a time").
 * @example isStatement(lexSql('drop table users', ''), 0) // true
 */
export function isStatement(nc: readonly SqlToken[], from: number): boolean {
  const e = nc[from];
  if (e === undefined) return false;
  const next = nc[from + 1];
  const after = nc[from + 2];
  if (e.v === 'select') return selectList(nc, from + 1, true);
  switch (e.v) {
    case 'begin':
      return next !== undefined && (next.t === 'E' || next.v === 'declare');
    case 'if':
      return next !== undefined && (next.t === '(' || next.v === 'exists' || next.v === 'not');
    case 'load':
      return next?.v === 'data' || next?.v === 'xml';
    case 'do':
      return next?.t === '(';
    case 'shutdown':
      return true;
    case 'drop':
    case 'create':
    case 'alter':
    case 'truncate':
    case 'rename':
      return next !== undefined && objectWords.has(next.v);
    case 'insert':
      return next?.v === 'into';
    case 'delete':
      return next?.v === 'from' || next?.v === 'low_priority' || next?.v === 'quick' || next?.v === 'ignore';
    case 'update':
      return next !== undefined && next.t === '1' && after?.v === 'set';
    case 'declare':
    case 'set':
      return next?.t === 'v';
    case 'waitfor':
      return (next?.v === 'delay' || next?.v === 'time') && after?.t === 's';
    case 'exec':
    case 'execute':
    case 'call':
      return (
        next !== undefined &&
        (/^(?:master|xp_|sp_)/.test(next.v) ||
        (next.t === 'v' || next.t === 's' || (next.t === '(' && (after?.t === 's' || after?.t === 'v')) || ((next.t === '1' || next.t === 'f' || next.t === 'F') && (after === undefined || after.t === 's' || after.t === 'n' || after.t === 'v' || after.t === '(' || after.t === ';'))))
      );
    default:
      return false;
  }
}

/**
 * After SELECT: a column list a database would accept (`1,2,3`, `*`, `concat(...)`, `a, b FROM t`).
 * `loose` accepts `a,` lists too (used where SELECT starts the input or follows `(`, `;`, UNION).
 */
export function selectList(nc: readonly SqlToken[], from: number, loose: boolean): boolean {
  let i = from;
  while (nc[i]?.t === 'o' && (nc[i]!.v === '-' || nc[i]!.v === '+' || nc[i]!.v === 'binary')) i++;
  const t = nc[i];
  if (t === undefined) return false;
  const after = nc[i + 1];
  switch (t.t) {
    case 'f':
    case 'v':
    case '(':
      return true;
    case 'o':
      // `select * from`, `select *,`: not "Select * seems greyed out".
      return t.v === '*' && (after === undefined ? false : after.v === 'from' || after.t === ',' || after.t === ')' || after.t === 'U');
    case 'n':
    case 's':
      return after !== undefined && (after.t === ',' || after.t === 'U' || after.v === 'from' || after.t === ')' || after.t === 'o' || after.t === '&' || after.t === ';' || after.t === 'k');
    case '1':
      return (loose && (after?.t === ',' || after?.t === 'o')) || fromTable(nc, i + 1);
    case 'k':
      return t.v === 'distinct' || t.v === 'top' || t.v === 'null' || t.v === 'all';
    default:
      return false;
  }
}

/** `col, col FROM table` then end or another clause: the shape of a real column list. */
function fromTable(nc: readonly SqlToken[], from: number): boolean {
  let i = from;
  while (i < nc.length && nc[i]!.v !== 'from') {
    if (nc[i]!.t === 'E' || nc[i]!.t === ';' || nc[i]!.t === 'U') return false;
    i++;
  }
  const table = nc[i + 1];
  if (table === undefined || table.t !== '1') return false;
  const next = nc[i + 2];
  // `... FROM y WHERE` must go on to a condition.
  if (next?.v === 'where') return nc[i + 3] !== undefined;
  return next === undefined || next.t === 'k' || next.t === ';' || next.t === 'B' || next.t === ')' || next.t === 'U';
}
