import { describe, expect, it } from 'vitest';
import { lexSql } from '../../../src/security/inspector/sql/lexer.js';
import { judgeSql } from '../../../src/security/inspector/sql/judge.js';
import { judgeXss } from '../../../src/security/inspector/xss/judge.js';
import { scanTags } from '../../../src/security/inspector/xss/htmlScan.js';

const shape = (s: string, q: '' | "'" | '"'): string => lexSql(s, q).map((t) => t.t).join('');

describe('SQL token classes', () => {
  it('classifies by grammatical role, in each quote context', () => {
    expect(shape("1' or '1'='1", "'")).toBe('s&sos');
    expect(shape('-1 union all select 1,2 --', '')).toBe('onUEn,nc');
    expect(shape('sleep(5) and @@version', '')).toBe('f(n)&v');
    expect(shape("can't get in", "'")).toBe('s11o');
  });
});

describe('judgeSql', () => {
  const attacks = [
    "admin'--",
    "1' or '1'='1",
    '1 union select username, password from users',
    "'; drop table users --",
    '1 and sleep(5)',
    '1) or (1=1',
    "x' having 1=1 --",
    '-1 order by 3 --',
    "1; exec xp_cmdshell 'dir'",
    "' waitfor delay '0:0:5'--",
    "'{\"a\":1}'::jsonb @> '{\"a\":1}'",
  ];
  for (const a of attacks) it(`detects ${a}`, () => expect(judgeSql(a)?.kind).toBe('sqli'));

  const prose = [
    "can't get in -- door's locked & it's bay 3, select a time 'please'",
    'Select * seems greyed out on the menu screen -- is that normal?',
    "Our league's name is 'Drop Zone' - can you add it?",
    'Apt is gated; call when you get here',
    'O\'connors UNION selected a few friends',
    '1950 UNION MADE',
    'tried 3 times; still locked :(',
    'order by phone? group of 6 from 7 to 9',
  ];
  for (const p of prose) it(`leaves prose alone: ${p}`, () => expect(judgeSql(p)).toBeNull());
});

describe('HTML/JS scanning', () => {
  it('tokenizes tags like a browser: slashes and odd quotes split attributes', () => {
    expect(scanTags('<svg/onload=alert(1)>')[0]).toEqual({ name: 'svg', closing: false, attributes: [{ name: 'onload', value: 'alert(1)' }] });
    expect(scanTags('<a href=`javascript:x`>')[0]?.attributes).toEqual([{ name: 'href', value: 'javascript:x' }]);
  });

  it('finds script URLs hidden with entities and whitespace, but not ordinary links', () => {
    expect(judgeXss('<a href="jav&#x09;ascript:alert(1)">x</a>')?.rule).toBe('xss.script_url');
    expect(judgeXss('<a href="https://example.com/bays">Bays</a>')).toBeNull();
  });
});
