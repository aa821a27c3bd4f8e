import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect, SerialLock } from './dialects/pglite.js';
import { pgliteTemplate } from './dialects/pgliteTemplate.js';
import type { DB } from './schema.js';

/** Raw access to one connection, for multi-statement SQL (migrations) and adapters such as pg-boss. */
export interface SqlRunner {
  exec(text: string): Promise<void>;
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<DB>;
  /** Runs `fn` on one connection that nobody else uses meanwhile; the caller issues BEGIN/COMMIT if it wants them. */
  exclusive<T>(fn: (runner: SqlRunner) => Promise<T>): Promise<T>;
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseLocation = { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dir: string | null };

/** int8 as a JS number on both engines (pg gives strings, PGlite numbers); refuse values that would lose precision. */
export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
}

const INT8_OID = 20;

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  return location.kind === 'postgres' ? openPostgres(location.url) : openPGlite(location.dir);
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reports the outage.
  pool.on('error', () => {});
  // The same for a client that is checked out but between queries when the server goes (found by the outage
  // fault test: it crashed the process); pg-pool discards such a client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: 'postgres',
    db,
    async exclusive(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        return await fn({
          exec: async (text) => {
            await client.query(text);
          },
          query: async (text, params) => (await client.query(text, params ? [...params] : undefined)).rows,
        });
      } catch (err) {
        broken = true;
        try {
          await client.query('rollback');
          broken = false;
        } catch {}
        throw err;
      } finally {
        client.release(broken);
      }
    },
    ping: () => ping(db),
    async close() {
      await db.destroy();
      // Kysely ends the pool only if it ran a query itself; migrations use `exclusive`, so a start that failed
      // before any Kysely query left an idle client that kept the process alive for the pool's idle timeout.
      if (!pool.ended) await pool.end();
    },
  };
}

async function openPGlite(dir: string | null): Promise<Database> {
  if (dir !== null) mkdirSync(dir, { recursive: true });
  const dataDir = dir === null ? undefined : join(dir, 'pglite');
  // A new database starts from the build's pre-initialised template when there is one (skips initdb).
  const fresh = dataDir === undefined || !existsSync(join(dataDir, 'PG_VERSION'));
  const template = fresh ? pgliteTemplate() : undefined;
  const pglite = await PGlite.create(dataDir, {
    parsers: { [INT8_OID]: parseInt8 },
    ...(template ? { loadDataDir: template } : {}),
  });
  const lock = new SerialLock();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite, lock) });
  let closed = false;
  return {
    engine: 'pglite',
    db,
    async exclusive(fn) {
      const release = await lock.acquire();
      try {
        return await fn({
          exec: async (text) => {
            await pglite.exec(text);
          },
          query: async (text, params) => (await pglite.query(text, params ? [...params] : undefined)).rows as never,
        });
      } catch (err) {
        if (pglite.isInTransaction?.()) await pglite.exec('rollback').catch(() => {});
        throw err;
      } finally {
        release();
      }
    },
    ping: () => ping(db),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await pglite.close();
    },
  };
}

async function ping(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
