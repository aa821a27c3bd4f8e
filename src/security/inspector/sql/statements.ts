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
  if (e.v === 'select') return selectList(nc, from + 1);
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
      // `DROP TABLE users`: the object must be named.
      return next !== undefined && objectWords.has(next.v) && (after?.t === '1' || after?.v === 'if');
    case 'insert':
      // `INSERT INTO t VALUES`, `INSERT INTO t (a, b)`.
      return next?.v === 'into' && (after?.t === '1' || after?.t === 'k' || after?.t === 'F') && (nc[from + 3]?.v === 'values' || nc[from + 3]?.t === '(' || nc[from + 3]?.v === 'select');
    case 'delete':
      if (next?.v === 'low_priority' || next?.v === 'quick' || next?.v === 'ignore') return true;
      // `DELETE FROM t` then the end, `WHERE` or `;` — not "delete from can't".
      return next?.v === 'from' && after?.t === '1' && (nc[from + 3] === undefined || nc[from + 3]!.v === 'where' || nc[from + 3]!.t === ';');
    case 'update':
      return next !== undefined && next.t === '1' && after?.v === 'set';
    case 'declare':
    case 'set':
      return next?.t === 'v';
    case 'waitfor':
      return (next?.v === 'delay' || next?.v === 'time') && after?.t === 's';
    case 'exec':
    case 'execute':
    case 'call': {
      // `EXEC xp_cmdshell 'dir'`, `EXEC(@s)`, `CALL proc(1)`: a procedure with arguments, not "exec team".
      if (next === undefined) return false;
      if (/^(?:master|xp_|sp_)/.test(next.v) || next.t === 'v' || next.t === 's') return true;
      const arg = after?.t;
      if (next.t === '(') return arg === 's' || arg === 'v';
      // The procedure must be named like code (`sp_who`, `dbo.proc`, `proc(`), not like a person ("call me").
      const codeName = /[_.$]/.test(next.v) || ((next.t === 'f' || next.t === 'F') && next.glued === true);
      return codeName && (arg === 's' || arg === 'n' || arg === 'v' || arg === '(' || arg === ';');
    }
    default:
      return false;
  }
}

/**
 * After SELECT: a column list a database would accept (`1,2,3`, `*`, `concat(...)`, `a, b FROM t`).
 */
function selectList(nc: readonly SqlToken[], from: number): boolean {
  if (fromDual(nc, from)) return true;
  let i = from;
  while (nc[i]?.t === 'o' && (nc[i]!.v === '-' || nc[i]!.v === '+' || nc[i]!.v === 'binary')) i++;
  const t = nc[i];
  if (t === undefined) return false;
  const after = nc[i + 1];
  switch (t.t) {
    case 'f':
    case 'v':
      return true;
    case '(': {
      // `select (select ...)`, `select ((pi()))`: not "select (416) 555-0140".
      let j = i;
      while (nc[j]?.t === '(') j++;
      const inner = nc[j];
      if (inner === undefined) return false;
      if (inner.t === 'f' || inner.t === 'v' || inner.t === 'E' || inner.v === 'select') return true;
      // `select (1),(2),3 from bar`: parenthesised values are columns in a list of several with a table after them,
      // not "Select (2) from inventory".
      return (inner.t === 'n' || inner.t === 's' || inner.t === '1') && listBeforeFrom(nc, j + 1) && fromTable(nc, j + 1, true);
    }
    case 'o':
      // `select * from`, `select *,`: not "Select * seems greyed out".
      return t.v === '*' && after !== undefined && (after.t === ',' || after.t === ')' || after.t === 'U' || (after.v === 'from' && fromTable(nc, i + 1, true)));
    case 'n':
    case 's': {
      if (after === undefined) return false;
      if (after.v === 'from') return fromTable(nc, i + 1, true);
      const third = nc[i + 2]?.t;
      // `select 1,(2),3 from bar`: a parenthesised value further on in a list with a table after it.
      if (after.t === ',' && third === '(') return fromTable(nc, i + 1, true);
      return (after.t === ',' && (third === 'n' || third === 's' || third === 'f' || third === 'v')) || after.t === 'U' || after.t === ')';
    }
    case '1':
      return fromTable(nc, i + 1, false);
    case 'k':
      return t.v === 'distinct' || t.v === 'top' || t.v === 'null' || t.v === 'all';
    default:
      return false;
  }
}

/** How far after SELECT a `FROM DUAL` is looked for. */
const DUAL_REACH = 8;

/**
 * `SELECT ... FROM DUAL` then the end, `)`, `;` or another clause: DUAL is the dummy table of Oracle and MySQL,
 * a name only a query gives (`(select (1) from dual)`, `(select 1 foobar from dual)`).
 */
function fromDual(nc: readonly SqlToken[], from: number): boolean {
  for (let i = from; i < nc.length && i <= from + DUAL_REACH; i++) {
    const t = nc[i]!;
    if (t.t === ';' || t.t === 'E' || t.t === 'U') return false;
    if (t.v !== 'from') continue;
    if (i === from || nc[i + 1]?.v !== 'dual') return false;
    const next = nc[i + 2];
    return next === undefined || next.t === ')' || next.t === ';' || next.t === 'U' || next.t === 'k' || next.t === 'B';
  }
  return false;
}

/** Whether a comma separates items before the next FROM (a column list of several). */
function listBeforeFrom(nc: readonly SqlToken[], from: number): boolean {
  for (let i = from; i < nc.length && nc[i]!.v !== 'from'; i++) if (nc[i]!.t === ',') return true;
  return false;
}

/**
 * `col, col FROM table` then end or another clause: the shape of a real column list. `sqlList`:
 * the items already looked like SQL (numbers, calls), so a dangling `WHERE` is still SQL.
 */
function fromTable(nc: readonly SqlToken[], from: number, sqlList: boolean): boolean {
  let i = from;
  let sql = sqlList;
  while (i < nc.length && nc[i]!.v !== 'from') {
    const t = nc[i]!.t;
    // Two bare words in a row ("my card") read as prose, not as a column list.
    if (t === 'E' || t === ';' || t === 'U' || (t === '1' && nc[i + 1]?.t === '1')) return false;
    if (t === 'n' || t === 'f' || t === ',' || t === 'v' || t === '(') sql = true;
    i++;
  }
  const table = nc[i + 1];
  if (table === undefined || table.t !== '1') return false;
  const next = nc[i + 2];
  // `... FROM y WHERE` must go on to a condition.
  if (next?.v === 'where') return sql || nc[i + 3] !== undefined;
  return next === undefined || next.t === 'k' || next.t === ';' || next.t === 'B' || next.t === ')' || next.t === 'U';
}
