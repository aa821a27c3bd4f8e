import type { SignedCheckpoint } from './checkpoint.js';
import type { AuditAction, AuditEntry, ChainHead, ResourceRef } from './entry.js';
import type { Segment } from './retention.js';

/**
 * An entry sealed on the head it is appended to, under the write lock: what `AuditLog.prepared` hands a store that
 * appends it inside the transaction making the change it records (`store/audit/auditStore.ts`:
 * `appendInTransaction`), so the change and its entry commit together or not at all.
 */
export type PreparedEntry<A extends AuditAction = AuditAction> = (head: ChainHead) => AuditEntry<A>;

/**
 * The audit log's durable state, implemented in SQL by `store/`. The table is insert-only for the
 * application role; only `deleteSegment` removes rows, and only whole pruned segments.
 *
 * Seqs are JavaScript numbers (safe integers): PostgreSQL `bigint` arrives from `pg` as a string
 * and from PGlite as a number, so the repository converts both with `Number()` after checking
 * `Number.isSafeInteger`.
 */
export interface AuditStore {
  /**
   * Appends one entry so the chain can never fork, whatever the number of instances:
   * in ONE transaction, take the audit write lock (PostgreSQL: `pg_advisory_xact_lock`; PGlite:
   * its single serialized connection), read the head (the entry with the highest seq, or
   * `GENESIS_HEAD` when there is none), call `build(head)` exactly once, insert what it returns
   * and commit. `build` is synchronous and pure apart from reading the clock, so time stamps
   * follow seq order. `seq` is the primary key as a second guard. Resolves to the stored entry;
   * rejects (storing nothing) when the transaction fails.
   */
  append<A extends AuditAction>(build: (head: ChainHead) => AuditEntry<A>): Promise<AuditEntry<A>>;

  /**
   * `append`, unless an entry with this action about this resource is already stored: checked under the same
   * write lock, so of any number of instances (or a rerun after a crash) exactly one appends. Resolves to null,
   * storing nothing and never calling `build`, when one is there. Only retained entries count.
   */
  appendOnce<A extends AuditAction>(once: { readonly action: A; readonly resource: ResourceRef }, build: (head: ChainHead) => AuditEntry<A>): Promise<AuditEntry<A> | null>;

  /** The last entry's seq and hash, or `GENESIS_HEAD` for an empty log. */
  head(): Promise<ChainHead>;

  /** The smallest seq stored (1 until retention removed a segment); null for an empty log. */
  oldestSeq(): Promise<number | null>;

  /**
   * Entries with fromSeq ≤ seq ≤ toSeq in ascending seq order, read in pages (keyset pagination
   * on seq) so a million entries never sit in memory at once. Must return rows exactly as stored:
   * no filtering of "invalid" rows, the verifier has to see them.
   */
  readRange(fromSeq: number, toSeq: number): AsyncIterable<AuditEntry>;

  /**
   * Stores a checkpoint iff it extends the newest one (`cp.fromSeq === latest.toSeq + 1`, or
   * `=== oldestSeq` / 1 when there is none), checked under the same write lock as `append`.
   * 'conflict' when another instance checkpointed first: nothing is stored then.
   */
  saveCheckpoint(cp: SignedCheckpoint): Promise<'saved' | 'conflict'>;

  /** The checkpoint with the highest toSeq, or null. */
  latestCheckpoint(): Promise<SignedCheckpoint | null>;

  /** All stored checkpoints in ascending toSeq order. */
  listCheckpoints(): Promise<readonly SignedCheckpoint[]>;

  /**
   * Retention: in one transaction, delete the entries fromSeq..toSeq and every checkpoint with
   * toSeq < segment.fromSeq (the previous anchor); the segment's own checkpoint stays as the new
   * anchor. 'not_oldest' (deleting nothing) unless `segment.fromSeq` is the oldest stored seq, so
   * a hole can never be cut into the middle of the chain.
   */
  deleteSegment(segment: Segment): Promise<'deleted' | 'not_oldest'>;
}
