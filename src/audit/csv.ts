import { canonicalJson } from './canonical.js';
import type { AuditEntry } from './entry.js';

/**
 * CSV for auditors, who open it in a spreadsheet: RFC 4180 quoting, CRLF line ends, and cells that
 * a spreadsheet would run as a formula (leading = + - @ tab or CR, OWASP "CSV injection") are
 * prefixed with an apostrophe so they display as text. Audit bodies carry customer-influenced
 * strings, so every cell goes through this.
 */

export type CsvValue = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * @example
 * csvCell('=HYPERLINK("http://x")') // '"\'=HYPERLINK(""http://x"")"'
 * csvCell('a,b') // '"a,b"'
 * csvCell(-3) // '-3' (numbers are data, not formulas)
 */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * @example
 * csvRow(['seq', 1, null]) // 'seq,1,\r\n'
 */
export function csvRow(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const ENTRY_CSV_COLUMNS = [
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'location',
  'correlation_id',
  'body',
  'prev_hash',
  'hash',
] as const;

/**
 * One CSV row per entry, with the body as canonical JSON so the hash can be recomputed from it.
 * @example
 * entryCsvRow(entry) // '7,2026-01-01T00:00:00.000Z,operator,op_1,decision.approved,…\r\n'
 */
export function entryCsvRow(e: AuditEntry): string {
  return csvRow([
    e.seq,
    e.at,
    e.actor.type,
    e.actor.id,
    e.action,
    e.resource?.type ?? null,
    e.resource?.id ?? null,
    e.location,
    e.correlationId,
    canonicalJson(e.body),
    e.prevHash,
    e.hash,
  ]);
}

/**
 * @example
 * entriesCsv(entries).startsWith('seq,at,actor_type') // true
 */
export function entriesCsv(entries: Iterable<AuditEntry>): string {
  const parts = [csvRow(ENTRY_CSV_COLUMNS)];
  for (const e of entries) parts.push(entryCsvRow(e));
  return parts.join('');
}
