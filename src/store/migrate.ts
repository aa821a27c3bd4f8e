import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database, SqlRunner } from './database.js';

/**
 * One chain of plain `.sql` migrations (`NNNN_name.up.sql` + `NNNN_name.down.sql`), run through the driver's
 * multi-statement path on PGlite and PostgreSQL alike. The directory is found relative to this file, which sits at
 * the same depth in `src/store/` and `dist/store/`.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string;
  readonly down: string;
  readonly checksum: string;
}

export interface MigrationStatus {
  readonly version: number;
  readonly name: string;
  readonly state: 'applied' | 'pending' | 'modified';
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  const ups = files.filter((f) => f.endsWith('.up.sql')).sort();
  const migrations = ups.map((file) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.up\.sql$/.exec(file);
    if (!match) throw new Error(`migration file name ${file} must look like 0001_name.up.sql`);
    const base = file.slice(0, -'.up.sql'.length);
    const downFile = `${base}.down.sql`;
    if (!files.includes(downFile)) throw new Error(`migration ${file} has no ${downFile}`);
    const up = readFileSync(`${dir}/${file}`, 'utf8');
    return {
      version: Number(match[1]),
      name: match[2]!,
      up,
      down: readFileSync(`${dir}/${downFile}`, 'utf8'),
      checksum: createHash('sha256').update(up).digest('hex'),
    };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration versions must run 1..n without gaps; found ${m.version} at ${i + 1}`);
  });
  return migrations;
}

const LEDGER = `create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
)`;

// Any constant: several instances starting at once take turns instead of racing the same DDL.
const MIGRATION_LOCK = 725_100_001;

async function inTransaction<T>(database: Database, fn: (r: SqlRunner) => Promise<T>): Promise<T> {
  return database.exclusive(async (r) => {
    await r.exec('begin');
    if (database.engine === 'postgres') await r.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await r.exec(LEDGER);
    const out = await fn(r);
    await r.exec('commit');
    return out;
  });
}

async function applied(r: SqlRunner): Promise<Map<number, string>> {
  const rows = await r.query<{ version: number; checksum: string }>('select version, checksum from schema_migrations');
  return new Map(rows.map((row) => [Number(row.version), row.checksum]));
}

/** Applies every pending migration in one transaction; returns the versions applied. */
export async function migrateUp(database: Database, migrations = loadMigrations()): Promise<number[]> {
  return inTransaction(database, async (r) => {
    const done = await applied(r);
    const pending = migrations.filter((m) => !done.has(m.version));
    for (const m of pending) {
      await r.exec(m.up);
      await r.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [m.version, m.name, m.checksum]);
    }
    return pending.map((m) => m.version);
  });
}

/** Reverts the latest `steps` applied migrations (newest first); returns the versions reverted. */
export async function migrateDown(database: Database, steps = 1, migrations = loadMigrations()): Promise<number[]> {
  return inTransaction(database, async (r) => {
    const done = await applied(r);
    const targets = migrations
      .filter((m) => done.has(m.version))
      .sort((a, b) => b.version - a.version)
      .slice(0, steps);
    for (const m of targets) {
      await r.exec(m.down);
      await r.query('delete from schema_migrations where version = $1', [m.version]);
    }
    return targets.map((m) => m.version);
  });
}

export async function migrationStatus(database: Database, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  return inTransaction(database, async (r) => {
    const done = await applied(r);
    return migrations.map((m) => {
      const sum = done.get(m.version);
      const state = sum === undefined ? 'pending' : sum === m.checksum ? 'applied' : 'modified';
      return { version: m.version, name: m.name, state };
    });
  });
}

/** Readiness: every migration applied and unmodified. */
export async function migrationsCurrent(database: Database, migrations = loadMigrations()): Promise<boolean> {
  const status = await migrationStatus(database, migrations);
  return status.every((s) => s.state === 'applied');
}
