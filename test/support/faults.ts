import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/store/schema.js';

/**
 * A fault injected into the real database for crash tests, on PGlite and PostgreSQL alike: a trigger that raises
 * for the rows `when` matches. `statement`: the write itself is refused, as a crash just before it. `commit`: the
 * write happens and the commit is refused (a deferred constraint trigger), as a crash after every write of the
 * transaction and before it is durable; a write outside a transaction fails at the end of its own statement.
 */
export interface Fault {
  /** A plain identifier, unique per test: the trigger's and its function's name. */
  readonly name: string;
  readonly table: string;
  readonly on: 'insert' | 'update';
  /** The trigger's WHEN condition over `new` (and `old` for updates), as SQL. */
  readonly when: string;
  readonly at: 'statement' | 'commit';
}

export const FAULT_MESSAGE = /refused for the test/;

/** Runs `body` with the fault in place and removes it afterwards, whatever `body` did. */
export async function withFault<T>(db: Kysely<DB>, fault: Fault, body: () => Promise<T>): Promise<T> {
  const name = sql.id(fault.name);
  const table = sql.id(fault.table);
  await sql`create function ${name}() returns trigger language plpgsql as $$
    begin raise exception 'write refused for the test'; end $$`.execute(db);
  const event = sql.raw(fault.on);
  const when = sql.raw(fault.when);
  if (fault.at === 'statement') {
    await sql`create trigger ${name} before ${event} on ${table} for each row when (${when}) execute function ${name}()`.execute(db);
  } else {
    await sql`create constraint trigger ${name} after ${event} on ${table} deferrable initially deferred
      for each row when (${when}) execute function ${name}()`.execute(db);
  }
  try {
    return await body();
  } finally {
    await sql`drop trigger ${name} on ${table}`.execute(db);
    await sql`drop function ${name}()`.execute(db);
  }
}
