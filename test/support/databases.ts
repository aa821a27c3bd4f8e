import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/store/database.js';
import { migrateUp } from '../../src/store/migrate.js';

/**
 * The engines a suite runs on: always PGlite (in memory), and PostgreSQL when DATABASE_URL is set (CI does).
 * Each PostgreSQL suite gets a database of its own, created from DATABASE_URL and dropped afterwards, so suites
 * running in parallel never see each other's rows.
 */
export interface TestEngine {
  readonly name: 'pglite' | 'postgres';
  open(opts?: { migrate?: boolean }): Promise<TestDatabase>;
}

export interface TestDatabase extends Database {
  /** Connection string of this scratch database (PostgreSQL only). */
  readonly url: string | null;
  /** Closes and, on PostgreSQL, drops the scratch database. */
  dispose(): Promise<void>;
}

export const postgresUrl = process.env.DATABASE_URL;

export async function createScratchPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `clubos_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const pglite: TestEngine = {
  name: 'pglite',
  async open(opts) {
    const database = await openDatabase({ kind: 'pglite', dir: null });
    if (opts?.migrate !== false) await migrateUp(database);
    return { ...database, url: null, dispose: () => database.close() };
  },
};

const postgres = (adminUrl: string): TestEngine => ({
  name: 'postgres',
  async open(opts) {
    const scratch = await createScratchPostgres(adminUrl);
    const database = await openDatabase({ kind: 'postgres', url: scratch.url });
    if (opts?.migrate !== false) await migrateUp(database);
    return {
      ...database,
      url: scratch.url,
      dispose: async () => {
        await database.close();
        await scratch.drop();
      },
    };
  },
});

export const engines: readonly TestEngine[] = postgresUrl ? [pglite, postgres(postgresUrl)] : [pglite];
