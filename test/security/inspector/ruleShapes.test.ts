import { describe, expect, it } from 'vitest';
import { judgeCommandInjection } from '../../../src/security/inspector/rules/commandInjection.js';
import { judgePathTraversal } from '../../../src/security/inspector/rules/pathTraversal.js';
import { judgeXss } from '../../../src/security/inspector/xss/judge.js';

const table = (judge: (s: string) => { rule: string } | null, cases: ReadonlyArray<readonly [string, string | null]>) => {
  for (const [input, rule] of cases) it(`${JSON.stringify(input)} → ${rule ?? 'clean'}`, () => expect(judge(input)?.rule ?? null).toBe(rule));
};

describe('XSS shapes', () => {
  table(judgeXss, [
    // A script URL outside any tag, with a sink after it; a mention of "javascript:" in prose is not one.
    ['x javascript: alert(1)', 'xss.script_url'],
    ['see javascript: the good parts', null],
    // http-equiv refresh on any element; other http-equiv values are harmless.
    ['<div http-equiv="refresh" content="0;url=//evil">', 'xss.meta_refresh'],
    ['<div http-equiv="x-ua-compatible">', null],
    // Declaring the XLink namespace on SVG or MathML, not on ordinary elements.
    ['<math xmlns:xlink="http://www.w3.org/1999/xlink">', 'xss.scripting_tag'],
    ['<svg xmlns:xlink="http://www.w3.org/1999/xlink">', 'xss.scripting_tag'],
    ['<div xmlns:xlink="x" title="a">', null],
    // Tag names spelled with spaces.
    ['< s c r i p t >', 'xss.spaced_tag'],
    ['< b r >', null],
    ['< a b c >', null],
    // Leaving a JS string and calling a sink.
    ["';alert(1)//", 'xss.js_string_breakout'],
    // A script tag the tag scanner does not read as a tag.
    ['x < / script', 'xss.scripting_tag'],
    ['1 < 2 and 3 > 2', null],
  ]);
});

describe('command injection shapes', () => {
  table(judgeCommandInjection, [
    ['reg query HKLM', 'cmd.command_line'],
    ['; reg query HKLM', 'cmd.command_after_separator'],
    ['net user', 'cmd.command_line'],
    ['timeout 10', 'cmd.command_line'],
    ['ping 10', 'cmd.command_line'],
    ['; sleep 10', 'cmd.command_after_separator'],
    ['; whoami', 'cmd.command_after_separator'],
    // A lone command word as the whole value is a word, not a command line.
    ['whoami', null],
  ]);
});

describe('path traversal shapes', () => {
  table(judgePathTraversal, [
    ['./././config', 'path.dot_run'],
    ['././x', null],
    ['see ./docs', null],
    // Look-alike slashes (division slash, fullwidth solidus) fold to '/'.
    ['..\u2215..\u2215secret', 'path.traversal'],
    ['..\uff0f..\uff0fx', 'path.traversal'],
  ]);
});
