import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, ENTRY_CSV_COLUMNS, entriesCsv } from '../../src/audit/csv.js';
import { buildEntries } from './chain.js';

describe('CSV export', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+SUM(A1:A2)', "'+SUM(A1:A2)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tfoo', "'\tfoo"],
    ['\rfoo', `"'\rfoo"`],
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
  ])('neutralises and quotes %j as %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes numbers, booleans and nulls as data', () => {
    expect(csvRow([-3, 1.5, true, null, 'x'])).toBe('-3,1.5,true,,x\r\n');
  });

  it('exports entries with a header, one CRLF row each, the body as canonical JSON', () => {
    const entries = buildEntries(3);
    const lines = entriesCsv(entries).split('\r\n');
    expect(lines[0]).toBe(ENTRY_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(`,"{""n"":1,""note"":""entry 1"",""tags"":[""a"",1]}",${entries[0]!.prevHash},${entries[0]!.hash}`);
  });

  it('keeps an attacker-controlled body from becoming a formula', () => {
    const [e] = buildEntries(1);
    const row = entriesCsv([{ ...e!, actor: { type: 'api_key', id: '=cmd|calc' }, correlationId: '@SUM(1)' }]);
    expect(row).toContain(",'=cmd|calc,");
    expect(row).toContain(",'@SUM(1),");
  });
});
