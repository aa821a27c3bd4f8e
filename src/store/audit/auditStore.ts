import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { SignedCheckpoint } from '../../audit/checkpoint.js';
import type { AuditAction, AuditEntry, ChainHead } from '../../audit/entry.js';
import { GENESIS_HEAD } from '../../audit/entry.js';
import type { AuditStore, PreparedEntry } from '../../audit/ports.js';
import type { Database, SqlRunner } from '../database.js';
import type { DB } from '../schema.js';

/** Any constant: every instance appending to the chain takes this lock, so the chain can never fork. */
const AUDIT_LOCK = 725_100_002;
const PAGE = 1000;

interface Row {
  seq: number;
  at: Date;
  actor_type: string;
  actor_id: string;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  location: string | null;
  correlation_id: string | null;
  body: unknown;
  prev_hash: string;
  hash: string;
}

function toEntry(r: Row): AuditEntry {
  return {
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actor: { type: r.actor_type as AuditEntry['actor']['type'], id: r.actor_id },
    action: r.action as AuditEntry['action'],
    resource: r.resource_type === null || r.resource_id === null ? null : { type: r.resource_type, id: r.resource_id },
    location: r.location,
    correlationId: r.correlation_id,
    body: r.body as AuditEntry['body'],
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The insert of one stored entry; the benchmark's plain-insert baseline uses the same statement shape. */
export const INSERT_ENTRY = `insert into compliance_log (seq, at, actor_type, actor_id, action, resource_type, resource_id, location, correlation_id, body, prev_hash, hash)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

/** Column values of an entry in the order of INSERT_ENTRY. */
export function entryRowValues(e: AuditEntry): unknown[] {
  return [e.seq, e.at, e.actor.type, e.actor.id, e.action, e.resource?.type ?? null, e.resource?.id ?? null, e.location, e.correlationId, JSON.stringify(e.body), e.prevHash, e.hash];
}

async function lockedTransaction<T>(database: Database, fn: (r: SqlRunner) => Promise<T>, writesOnce = false): Promise<T> {
  return database.exclusive(async (r) => {
    // PGlite: one process, one connection, and `exclusive` already keeps everyone else out. A single write needs
    // no transaction there (it cut appends to 0.3x of a plain insert); multi-statement writes still get one.
    if (database.engine === 'pglite' && writesOnce) return fn(r);
    await r.exec('begin');
    if (database.engine === 'postgres') await r.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    try {
      const out = await fn(r);
      await r.exec('commit');
      return out;
    } catch (err) {
      await r.exec('rollback');
      throw err;
    }
  });
}

async function headOf(r: SqlRunner): Promise<ChainHead> {
  const rows = await r.query<{ seq: number; hash: string }>('select seq, hash from compliance_log order by seq desc limit 1');
  const row = rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : GENESIS_HEAD;
}

/** The SQL implementation of the audit port: insert-only rows, checkpoints, retention through compliance_log_prune(). */
/**
 * PGlite belongs to this process: once read, its chain head is known without asking, so an append is one insert.
 * Kept per connection (the Kysely instance), so every store and runtime sharing it sees the same head.
 * PostgreSQL is shared by instances and always reads the head under the advisory lock.
 */
const knownHeads = new WeakMap<object, ChainHead>();

/**
 * Appends an entry inside the caller's transaction, next to the change it records, so both commit or neither does
 * (a task that claims a row and audits it cannot crash in between). The audit write lock is taken here and held to
 * the caller's commit, so the chain never forks; take it after the rows the caller claims, never before a wait on
 * them (claim with `skip locked`). `db` is the Kysely instance the transaction was opened on: PGlite's known head is
 * kept per instance and forgotten here, because this transaction may still roll back.
 */
export async function appendInTransaction<A extends AuditAction>(db: Kysely<DB>, tx: Transaction<DB>, build: PreparedEntry<A>): Promise<AuditEntry<A>> {
  knownHeads.delete(db);
  const r: SqlRunner = {
    exec: async (text) => {
      await tx.executeQuery(CompiledQuery.raw(text));
    },
    query: async <R>(text: string, params: readonly unknown[] = []) => (await tx.executeQuery<R>(CompiledQuery.raw(text, [...params]))).rows as R[],
  };
  // Both engines: PGlite's single connection is already this transaction's, and the lock costs nothing there.
  await r.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const entry = build(await headOf(r));
  await r.query(INSERT_ENTRY, entryRowValues(entry));
  return entry;
}

export function createAuditStore(database: Database): AuditStore {
  /** Inside the write lock: seal the entry on the head and insert it. */
  const insertOnHead = async <E extends AuditEntry>(r: SqlRunner, build: (head: ChainHead) => E): Promise<E> => {
    const cached = database.engine === 'pglite' ? knownHeads.get(database.db) : undefined;
    knownHeads.delete(database.db);
    const entry = build(cached ?? (await headOf(r)));
    await r.query(INSERT_ENTRY, entryRowValues(entry));
    if (database.engine === 'pglite') knownHeads.set(database.db, { seq: entry.seq, hash: entry.hash });
    return entry;
  };

  return {
    append(build) {
      return lockedTransaction(database, (r) => insertOnHead(r, build), true);
    },
    appendOnce(once, build) {
      // The read sees every committed append: it runs after the lock is taken (PostgreSQL: a new snapshot per
      // statement under read committed). compliance_log_action (action, at) keeps it to this action's entries.
      return lockedTransaction(database, async (r) => {
        const seen = await r.query('select 1 from compliance_log where action = $1 and resource_type = $2 and resource_id = $3 limit 1', [
          once.action,
          once.resource.type,
          once.resource.id,
        ]);
        return seen.length > 0 ? null : insertOnHead(r, build);
      }, true);
    },
    head: () => database.exclusive(headOf),
    async oldestSeq() {
      const rows = await database.exclusive((r) => r.query<{ seq: number | null }>('select min(seq) as seq from compliance_log'));
      const seq = rows[0]?.seq;
      return seq === null || seq === undefined ? null : Number(seq);
    },
    async *readRange(fromSeq, toSeq) {
      let next = fromSeq;
      while (next <= toSeq) {
        const rows = await database.exclusive((r) =>
          r.query<Row>('select * from compliance_log where seq >= $1 and seq <= $2 order by seq limit $3', [next, toSeq, PAGE]),
        );
        for (const row of rows) yield toEntry(row);
        if (rows.length < PAGE) return;
        next = Number(rows[rows.length - 1]!.seq) + 1;
      }
    },
    saveCheckpoint(cp) {
      return lockedTransaction(database, async (r) => {
        const latest = await r.query<{ to_seq: number }>('select to_seq from compliance_checkpoints order by to_seq desc limit 1');
        const oldest = await r.query<{ seq: number | null }>('select min(seq) as seq from compliance_log');
        const expectedFrom = latest[0] ? Number(latest[0].to_seq) + 1 : Number(oldest[0]?.seq ?? 1);
        if (cp.fromSeq !== expectedFrom) return 'conflict' as const;
        await r.query('insert into compliance_checkpoints (to_seq, from_seq, document) values ($1, $2, $3)', [cp.toSeq, cp.fromSeq, JSON.stringify(cp)]);
        return 'saved' as const;
      });
    },
    async latestCheckpoint() {
      const rows = await database.exclusive((r) => r.query<{ document: SignedCheckpoint }>('select document from compliance_checkpoints order by to_seq desc limit 1'));
      return rows[0]?.document ?? null;
    },
    async listCheckpoints() {
      const rows = await database.exclusive((r) => r.query<{ document: SignedCheckpoint }>('select document from compliance_checkpoints order by to_seq'));
      return rows.map((row) => row.document);
    },
    deleteSegment(segment) {
      return lockedTransaction(database, async (r) => {
        const rows = await r.query<{ ok: boolean }>('select compliance_log_prune($1, $2) as ok', [segment.fromSeq, segment.toSeq]);
        return rows[0]?.ok ? ('deleted' as const) : ('not_oldest' as const);
      });
    },
  };
}
