import { describe, expect, it } from 'vitest';
import { judgeSql } from '../../../src/security/inspector/sql/judge.js';
import { lexSql } from '../../../src/security/inspector/sql/lexer.js';

/**
 * Each injection shape the SQL judge recognises, with the rule that names it, and the prose
 * that begins like SQL but must stay clean. Payloads follow the OWASP / PayloadsAllTheThings
 * SQL injection cheat sheets (stacked statements, breakouts, appended clauses, bare values).
 */
const attacks: ReadonlyArray<readonly [payload: string, rule: string]> = [
  // Stacked statements: each statement kind the judge knows, in the forms databases accept.
  ['1; begin declare @x int', 'sql.stacked_statement'],
  ['1; shutdown', 'sql.stacked_statement'],
  ['1; declare @x int', 'sql.stacked_statement'],
  ['1; set @a=1', 'sql.stacked_statement'],
  ['1; drop table if exists users', 'sql.stacked_statement'],
  ['1; insert into users select * from admins', 'sql.stacked_statement'],
  ['1; delete low_priority from users', 'sql.stacked_statement'],
  ['1; delete from users', 'sql.stacked_statement'],
  ['1; delete from users where 1=1', 'sql.stacked_statement'],
  ['1; delete from users; --', 'sql.stacked_statement'],
  ["1; update users set pw='x'", 'sql.stacked_statement'],
  ["1; exec('select 1')", 'sql.stacked_statement'],
  ['1; exec(@s)', 'sql.stacked_statement'],
  ['1; exec concat(1)', 'sql.stacked_statement'],
  ["1; exec dbo.proc 'x'", 'sql.stacked_statement'],
  ['1; exec dbo.proc 1', 'sql.stacked_statement'],
  ['1; exec dbo.proc @x', 'sql.stacked_statement'],
  ['1; call my_proc(1)', 'sql.stacked_statement'],
  ['1; exec my_proc;', 'sql.stacked_statement'],
  ['1; select 1,2,3', 'sql.stacked_statement'],
  ['1; select 1 from users', 'sql.stacked_statement'],
  ['1; select 1,@@version', 'sql.stacked_statement'],
  ['1; select null,null', 'sql.stacked_statement'],
  ['1; select all name from users', 'sql.stacked_statement'],
  ['1; select (1),(2),3 from bar', 'sql.stacked_statement'],
  // A whole statement as the value.
  ['drop table users', 'sql.statement'],
  ['shutdown', 'sql.statement'],
  // Functions, variables, files.
  ['1 and benchmark (1000000,md5(1))', 'sql.risky_function'],
  ['1 and @@version', 'sql.system_variable'],
  ["' into outfile '/tmp/x' --", 'sql.into_outfile'],
  ["x' into dumpfile '/tmp/x", 'sql.into_outfile'],
  ['1 union select users;', 'sql.union_select'],
  ["x' having (select top 1 name)--", 'sql.select_statement'],
  // Breaking out of a quoted value.
  ["x' or 1=1/**/blah", 'sql.break_logic'],
  ["x' or 1=1 limit 1", 'sql.break_logic'],
  ["x'/**/drop table users", 'sql.break_comment'],
  ["x';--", 'sql.break_stacked'],
  ["x' where not (select name)", 'sql.appended_clause'],
  ["x' where 1 or 2", 'sql.appended_clause'],
  ["x' where exists(select name)", 'sql.appended_clause'],
  ["x' order by name", 'sql.appended_clause'],
  ["x' order by name/**/ stuff", 'sql.appended_clause'],
  // Bare values spliced into SQL.
  ['-1 union', 'sql.union_select'],
  ['1 or true', 'sql.bare_tautology'],
  ['database() like schema()', 'sql.bare_logic'],
  ["'x'!='y", 'sql.bare_logic'],
  ['1 and sleep (5)', 'sql.bare_logic'],
  ['1) and (select name)', 'sql.bare_logic'],
  // A column list of parenthesised values with a table after it.
  ['select (1),(2),3 from bar where', 'sql.select_statement'],
  ["select (('1')),(2),3 from bar where", 'sql.select_statement'],
  ['select (((id))),(2),3 from bar where', 'sql.select_statement'],
  ['select (((((1,2,3,4)))) from bar', 'sql.select_statement'],
  ['select 1,(2),3 from bar where', 'sql.select_statement'],
  // Oracle's and MySQL's dummy table: only a query selects from DUAL.
  ['(SELECT (1) FROM DUAL)', 'sql.select_statement'],
  ["(select ('foo' - 1) from dual)", 'sql.select_statement'],
  ['(select 1 foobar from dual)', 'sql.select_statement'],
  ['select user from dual limit 1', 'sql.select_statement'],
  // A number glued to UNION: an exponent (`1e0`) or Oracle's float and double suffixes (`1f`, `1d`).
  ['1e0UNION SELECT 2', 'sql.union_select'],
  ['1FUNION SELECT 2', 'sql.union_select'],
  ['-1dUNION SELECT column_name FROM table_name', 'sql.union_select'],
  // MySQL's version-conditional comments.
  ['395 /*!32359 AND 0 */', 'sql.versioned_comment'],
  ['SELECT /*!32302 1/0, */ 1 FROM tablename', 'sql.versioned_comment'],
  // A grouped column list followed by a HAVING tautology.
  ['1 GROUP BY 1,TRANSID,ACCOUNTID HAVING 1=1', 'sql.appended_clause'],
  ['1 group by tblProducts.ProductID having 1=1--', 'sql.appended_clause'],
  // Numbers multiplied, then a comment that cuts off the rest of the query.
  ['1 * 1--', 'sql.bare_terminated'],
  ['1*1/*', 'sql.bare_terminated'],
  ['2 * 3 * 4 #', 'sql.bare_terminated'],
];

const prose = [
  'tried again; call',
  'see you; exec team meeting',
  'ok; call bay_3 later',
  'ok; begin',
  'so; begin the booking',
  'Select',
  'please select - any bay',
  'bay 1 union',
  '1 union',
  'count me in',
  'see javascript: the good parts',
  'Select (2) from inventory',
  'Select (optional) from settings',
  'select (416) 555-0140',
  'select (one), then pick a time from the list',
  'select one from dual screens',
  'how do I select the input from dual monitors?',
  '/*! jQuery v3.6.0 | (c) OpenJS Foundation */',
  'order by size, colour having fun',
  '3 group by name having a party',
  'I need 1d left on the membership',
  '2024-10-12 --',
  '10/12 --',
  '5-3--',
  '2 * 3 -- thanks for checking',
];

describe('SQL injection shapes', () => {
  for (const [payload, rule] of attacks) it(`names ${payload} as ${rule}`, () => expect(judgeSql(payload)).toEqual({ kind: 'sqli', rule, score: 5 }));
  for (const p of prose) it(`leaves prose alone: ${p}`, () => expect(judgeSql(p)).toBeNull());
});

describe('SQL lexing of operators and numbers', () => {
  const tokens = (s: string) => lexSql(s, '').map((t) => `${t.t}:${t.v}`);

  it('reads PostgreSQL JSON path and MySQL null-safe operators as one operator each', () => {
    expect(tokens("data #>> '{a,b}'")).toEqual(['1:data', 'o:#>>', 's:{a,b}']);
    expect(tokens("data #> '{a}'")).toEqual(['1:data', 'o:#>', 's:{a}']);
    expect(tokens("data ->> 'a'")).toEqual(['1:data', 'o:->>', 's:a']);
    expect(tokens('a <=> b')).toEqual(['1:a', 'o:<=>', '1:b']);
  });

  it('reads exponents as part of a number, also at the very end of the input, but not a dangling e', () => {
    expect(tokens('1e5')).toEqual(['n:1e5']);
    expect(tokens('1e+5')).toEqual(['n:1e+5']);
    expect(tokens('2.5E-3 or 1')).toEqual(['n:2.5E-3', '&:or', 'n:1']);
    expect(tokens('1e')).toEqual(['1:1e']);
    expect(tokens('1e0union')).toEqual(['n:1e0', 'U:union']);
    expect(tokens('2e3x')).toEqual(['1:2e3x']);
  });

  it("keeps Oracle's f and d suffixes on a number only when SQL is glued after them", () => {
    expect(tokens('1funion')).toEqual(['n:1f', 'U:union']);
    expect(tokens('3dand 1')).toEqual(['n:3d', '&:and', 'n:1']);
    expect(tokens('1d left')).toEqual(['1:1d', '1:left']);
    expect(tokens('5fun')).toEqual(['1:5fun']);
  });
});
