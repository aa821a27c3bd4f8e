// biome-ignore-all lint/suspicious/noTemplateCurlyInString: this file holds source snippets as data, placeholders included, on purpose.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(join(ROOT, 'src')).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

/** SQL or Kysely calls that change compliance_log rows (reads and the table's own migration are fine). */
const AUDIT_WRITE = [
  /\b(insert\s+into|update|delete\s+from|truncate(\s+table)?|merge\s+into|copy)\s+compliance_log\b/i,
  /\b(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*['"`]compliance_log['"`]/,
];

/** SQL keywords that open a statement: a template literal starting with one is SQL text. */
const SQL_START = /`\s*(select|insert|update|delete|create|alter|drop|with|truncate|grant|revoke|merge|copy)\b/gi;

/**
 * Places where SQL text is assembled from values instead of passing them as parameters: `sql.raw`/`sql.lit`, SQL
 * templates with `${…}` that are not Kysely's parameterising `sql` tag, and SQL strings joined with `+`.
 */
function stringBuiltSql(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\bsql\.(raw|lit)\s*\(/g)) found.push(m[0]);
  for (const m of text.matchAll(SQL_START)) {
    const start = m.index!;
    const end = text.indexOf('`', start + 1);
    const literal = text.slice(start, end < 0 ? undefined : end + 1);
    const tagged = /\bsql(<[^`;]*>)?\s*$/.test(text.slice(Math.max(0, start - 80), start));
    if (literal.includes('${') && !tagged) found.push(literal.slice(0, 60));
  }
  for (const m of text.matchAll(/['"`]\s*(select|insert\s+into|update|delete\s+from)\b[^'"`\n]*['"`]\s*\+/gi)) found.push(m[0].slice(0, 60));
  return found;
}

describe('source guards', () => {
  it('finds the sources (the guards below are not vacuous)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.path === 'src/audit/auditLog.ts')).toBe(true);
  });

  it('lets nothing but the AuditLog’s own store write compliance_log', () => {
    const writers = files.filter((f) => AUDIT_WRITE.some((re) => re.test(f.text))).map((f) => f.path);
    // The audit store's insert is the one write; it is reached through AuditStore.append…
    expect(writers).toEqual(['src/store/audit/auditStore.ts']);
    const appenders = files.filter((f) => /\bstore\.append\(/.test(f.text)).map((f) => f.path);
    expect(appenders).toEqual(['src/audit/auditLog.ts']);
    // Or, sealed by AuditLog.prepared, inside the transaction of the claim it records: only those claims append so.
    const inClaims = files.filter((f) => /\bappendInTransaction\(/.test(f.text) && f.path !== 'src/store/audit/auditStore.ts').map((f) => f.path);
    expect(inClaims.sort()).toEqual(['src/store/identity/endGraceWindows.ts', 'src/store/venue/markBreached.ts']);
    // Everything else goes through runtime.audit.record (AuditLog.record).
    const recorders = files.filter((f) => /\baudit\.record\(\{/.test(f.text)).map((f) => f.path);
    expect(recorders.length).toBeGreaterThan(5);
  });

  it('has no string-built SQL: values always travel as parameters', () => {
    const offenders = files.flatMap((f) => stringBuiltSql(f.text).map((s) => `${f.path}: ${s}`));
    // DDL takes no parameters: the benchmark names its scratch database itself (`clubos_bench_` + random hex).
    const KNOWN = ['src/bench/audit.ts: `create database ${name}`', 'src/bench/audit.ts: `drop database if exists ${name} with (force)`'];
    expect(offenders).toEqual(KNOWN);
  });

  it('recognises string-built SQL when it sees it (and leaves parameterised SQL alone)', () => {
    const bad = [
      'db.query(`select * from events where id = ${id}`)',
      "db.query('select * from events where id = ' + id)",
      'sql.raw(`drop table ${name}`)',
      'sql.lit(name)',
      'const q = `delete from events where location = \'${loc}\'`;',
    ];
    for (const code of bad) expect(stringBuiltSql(code), code).not.toEqual([]);
    const good = [
      'sql`select * from events where id = ${id}`',
      'sql<{ n: number }>`select count(*) as n from events where at > ${since}`',
      "r.query('select * from events where id = $1', [id])",
      'const INSERT = `insert into events (id) values ($1)`;',
      'db.selectFrom("events").where("id", "=", id)',
    ];
    for (const code of good) expect(stringBuiltSql(code), code).toEqual([]);
  });
});
