import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectRequestPart } from '../../../src/security/inspector/part.js';
import { defaultPolicy } from '../../../src/security/inspector/policy.js';
import { judgeSql } from '../../../src/security/inspector/sql/judge.js';
import { lexSql } from '../../../src/security/inspector/sql/lexer.js';

/**
 * A quote closes the value, then a WHERE (or HAVING) whose condition starts with a parenthesised
 * sub-select compared to something: `x' where (select a)=1`. WHERE glued to `(` once lexed as a
 * call of an unknown function, so the appended clause went unseen.
 */
const attacks: readonly string[] = [
  "x' where (select a)=1",
  "x'where(select a)=1",
  "x' WHERE (SELECT a)=1",
  "X' WhErE (SeLeCt a) <> 1",
  "x'/**/where/**/(select/**/a)>1",
  "x'  where  ( select  a )  >=  1",
  "x'\nwhere\n(select a)=1",
  "x'\twhere\t(select a)<=1",
  'x" where (select a)!=1',
  "x' where (select a) like 1-- -",
  "x' where ((select a))=1#",
  "x') where (select a) between 1 and 2",
  "x' where (select a) not between 1 and 2",
  "x' where (select a) in (1,2)",
  "x' where (select a) is not null",
  "x' where (select a)=(select b)",
  "x' where (select a)=1 and '1'='1",
  "x' having (select a)=1",
  "x' HAVING (select a) < 2 /*",
];

/** Text that reads like the payload but is prose: no quote closes a value right before the clause. */
const lookAlikes: readonly string[] = [
  'where (select one) = 1 is in the SQL book',
  "I can't find where (the) bay 1 is",
  "it's where (the) bay 1 is",
  "can't see where (bay 1) is",
  "don't know where (exactly) bay 2 = the one with the heater",
  "Bob's bay - where (exactly) = 1 is?",
  "we're not sure where (select) is on the menu, it's greyed out",
  'Where (if anywhere) is the having-fun bay?',
  "the members' where (the bays) = 1 lol",
  "I'm having (a) great time in bay 1",
];

describe("a quote breaking out into WHERE (select …) compared to a value", () => {
  it('lexes WHERE and HAVING before `(` as clause keywords, never as calls', () => {
    expect(lexSql("x' where (select a)=1", "'").map((t) => t.t).join('')).toBe('sk(E1)on');
    expect(lexSql("x'having(select a)=1", "'").map((t) => t.t).join('')).toBe('sk(E1)on');
  });

  for (const payload of attacks) {
    it(`blocks ${JSON.stringify(payload)}`, () => {
      expect(judgeSql(payload)?.kind).toBe('sqli');
      expect(inspectRequestPart('any', payload, defaultPolicy).verdict).toBe('block');
    });
  }

  it('also sees a bare value followed by HAVING (…) (libinjection sqli-github-110, missed before)', () => {
    for (const payload of ['id having (1 or 1)', 'id having (1 or true)', 'id having (true or 1)']) expect(judgeSql(payload)?.rule).toBe('sql.appended_clause');
  });

  it('blocks it percent-encoded in a query string', () => {
    const v = inspectRequestPart('query_string', `q=${encodeURIComponent("x' where (select a)=1")}`, defaultPolicy);
    expect(v.verdict).toBe('block');
    expect(v.findings.map((f) => f.kind)).toContain('sqli');
  });

  for (const text of lookAlikes) {
    it(`leaves ${JSON.stringify(text)} alone`, () => {
      expect(judgeSql(text)).toBeNull();
      expect(inspectRequestPart('any', text, defaultPolicy).verdict).toBe('clean');
    });
  }
});

/** Mixed case per character, as evasion tools write keywords. */
const anyCase = (word: string) =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((up) => [...word].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));
const gap = fc.constantFrom(' ', '  ', '\t', '\n', '/**/', '/*x*/', ' /**/ ');
const optionalGap = fc.constantFrom('', ' ', '/**/', '\t');

describe('the payload family, generated', () => {
  it('blocks every spacing, comment, case, comparison, closing and tail', () => {
    const payload = fc
      .record({
        value: fc.constantFrom('x', 'admin', '1', 'bay3', ''),
        quote: fc.constantFrom("'", '"'),
        closers: fc.constantFrom('', ')', '))'),
        clause: fc.oneof(anyCase('where'), anyCase('having')),
        select: anyCase('select'),
        column: fc.constantFrom('a', 'name', '1', 'count(*)', 'password from users limit 1'),
        g1: optionalGap,
        g2: optionalGap,
        g3: gap,
        op: fc.constantFrom('=', '<', '>', '<=', '>=', '<>', '!=', ' like ', ' LIKE ', ' in (1,2)', ' between 1 and 2', ' is not null'),
        rhs: fc.constantFrom('1', '0x41', '@a', "'a'"),
        tail: fc.constantFrom('', '-- -', '#', '/*', ';--'),
      })
      .map((p) => {
        const compare = p.op.startsWith(' in') || p.op.startsWith(' between') || p.op.startsWith(' is') ? p.op : `${p.op}${p.rhs}`;
        return `${p.value}${p.quote}${p.closers}${p.g1}${p.clause}${p.g2}(${p.select}${p.g3}${p.column})${compare}${p.tail}`;
      });
    fc.assert(
      fc.property(payload, (s) => {
        expect(judgeSql(s)?.kind).toBe('sqli');
        expect(inspectRequestPart('any', s, defaultPolicy).verdict).toBe('block');
      }),
      { numRuns: 1500 },
    );
  });

  it("keeps customer texts with apostrophes and a parenthesised 'where (…)' clean", () => {
    const text = fc
      .record({
        lead: fc.constantFrom("I can't find", "we don't know", "it's", "can't tell", "I'd like to see", "where's the key? and", "my kid's asking"),
        where: fc.constantFrom('where', 'Where', 'WHERE'),
        inside: fc.constantFrom('the', 'exactly', 'bay 1', 'select one', 'if anywhere', 'the screen', 'or not'),
        rest: fc.constantFrom(' bay 1 is', ' = 1 is in the SQL book', ' is', ' the bays are?', ' bay 2 = the quiet one', ', thanks!', ' -- no rush'),
      })
      .map((p) => `${p.lead} ${p.where} (${p.inside})${p.rest}`);
    fc.assert(
      fc.property(text, (s) => {
        expect(inspectRequestPart('any', s, defaultPolicy).verdict).toBe('clean');
      }),
      { numRuns: 1000 },
    );
  });
});
