import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshPlannerStatistics } from '../../src/store/maintenance/plannerStatistics.js';
import { type TestDatabase, engines } from '../support/databases.js';

/** The planner's row estimate for a table (-1: never analyzed). */
async function estimatedRows(db: TestDatabase, table: string): Promise<number> {
  const r = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where relname = ${table}`.execute(db.db);
  return Number(r.rows[0]!.n);
}

const pglite = engines.find((e) => e.name === 'pglite')!;
const postgres = engines.find((e) => e.name === 'postgres');

describe('planner statistics on the embedded database, which has no autovacuum', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await pglite.open();
    await sql`insert into locations (name, created_at, updated_at) select 'Loc ' || g, now(), now() from generate_series(1, 500) g`.execute(db.db);
  });
  afterAll(() => db.dispose());

  it('are gathered by the scheduled task', async () => {
    expect(await estimatedRows(db, 'locations')).toBe(-1);
    expect(await refreshPlannerStatistics(db)).toBe(true);
    expect(await estimatedRows(db, 'locations')).toBe(500);
  });
});

describe.runIf(postgres !== undefined)('planner statistics on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await postgres!.open();
  });
  afterAll(() => db.dispose());

  it('are left to autovacuum: the task does nothing', async () => {
    expect(await refreshPlannerStatistics(db)).toBe(false);
  });
});
