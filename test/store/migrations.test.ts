import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrateDown, migrateUp, migrationStatus, migrationsCurrent } from '../../src/store/migrate.js';
import { engines, type TestDatabase } from '../support/databases.js';

async function userTables(database: TestDatabase): Promise<string[]> {
  const res = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name <> 'schema_migrations' order by table_name`.execute(database.db);
  return res.rows.map((r) => r.table_name);
}

for (const engine of engines) {
  describe(`migration chain on ${engine.name}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await engine.open({ migrate: false });
    });
    afterAll(async () => database.dispose());

    it('applies the whole chain up, down to empty and up again from an empty database', async () => {
      const chain = loadMigrations();
      expect(await userTables(database)).toEqual([]);
      expect(await migrationsCurrent(database)).toBe(false);

      expect(await migrateUp(database)).toEqual(chain.map((m) => m.version));
      const tablesAfterUp = await userTables(database);
      expect(tablesAfterUp.length).toBeGreaterThan(0);
      expect(await migrationsCurrent(database)).toBe(true);
      expect(await migrateUp(database)).toEqual([]);

      expect(await migrateDown(database, chain.length)).toEqual(chain.map((m) => m.version).reverse());
      expect(await userTables(database)).toEqual([]);
      expect((await migrationStatus(database)).every((s) => s.state === 'pending')).toBe(true);

      await migrateUp(database);
      expect(await userTables(database)).toEqual(tablesAfterUp);
    });

    it('steps down one migration at a time, newest first', async () => {
      const chain = loadMigrations();
      const last = chain.at(-1)!;
      expect(await migrateDown(database, 1)).toEqual([last.version]);
      const status = await migrationStatus(database);
      expect(status.at(-1)).toEqual({ version: last.version, name: last.name, state: 'pending' });
      await migrateUp(database);
    });

    it('reports a migration whose file changed after it was applied as modified, and not current', async () => {
      const chain = loadMigrations();
      const tampered = chain.map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
      expect((await migrationStatus(database, tampered))[0]?.state).toBe('modified');
      expect(await migrationsCurrent(database, tampered)).toBe(false);
    });

    it('rolls back a failing migration entirely', async () => {
      const chain = loadMigrations();
      const broken = [
        ...chain,
        { version: chain.length + 1, name: 'broken', up: 'create table t_ok (x int); select * from no_such_table;', down: 'drop table t_ok;', checksum: 'x' },
      ];
      await expect(migrateUp(database, broken)).rejects.toThrow();
      expect(await userTables(database)).not.toContain('t_ok');
      expect(await migrationsCurrent(database)).toBe(true);
    });
  });
}

describe('the migration chain on disk', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const chainDir = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'clubos-migrations-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('loads a well-formed chain in order, skipping files that are not SQL', () => {
    const dir = chainDir({ '0002_b.up.sql': 'select 2;', '0002_b.down.sql': '', '0001_a.up.sql': 'select 1;', '0001_a.down.sql': '', 'README.md': '# notes' });
    expect(loadMigrations(dir).map((m) => [m.version, m.name])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('refuses a badly named file, an up without its down, and a gap in the versions', () => {
    expect(() => loadMigrations(chainDir({ '0001_Add Users.up.sql': '', '0001_Add Users.down.sql': '' }))).toThrow('migration file name 0001_Add Users.up.sql must look like 0001_name.up.sql');
    expect(() => loadMigrations(chainDir({ '0001_a.up.sql': '' }))).toThrow('migration 0001_a.up.sql has no 0001_a.down.sql');
    expect(() => loadMigrations(chainDir({ '0001_a.up.sql': '', '0001_a.down.sql': '', '0003_c.up.sql': '', '0003_c.down.sql': '' }))).toThrow('migration versions must run 1..n without gaps; found 3 at 2');
  });
});
