import { sql } from 'kysely';
import type { Database } from '../database.js';

/**
 * Planner statistics for the embedded database. PostgreSQL's autovacuum daemon analyzes tables as they grow;
 * PGlite runs no background workers, so without this its planner never has row counts or value distributions
 * and picks plans for empty tables forever (measured: the 30-day metrics statement ran a third faster after
 * one ANALYZE at 20k decisions). A server on PostgreSQL leaves it to autovacuum.
 *
 * Returns whether statistics were gathered.
 */
export async function refreshPlannerStatistics(database: Database): Promise<boolean> {
  if (database.engine !== 'pglite') return false;
  await sql`ANALYZE`.execute(database.db);
  return true;
}
