import { type SignedCheckpoint, type TrustedKeys, verifyCheckpointSignature } from './checkpoint.js';
import { type AuditEntry, entryHash, GENESIS_PREV_HASH, isSeq, isSha256Hex } from './entry.js';
import { createMerkleAccumulator, type MerkleAccumulator } from './merkle.js';

/**
 * Verification of a stored chain against its signed checkpoints, in one streaming pass: memory is
 * O(checkpoints + log segment), so a million entries read in pages fit easily. It stops at the
 * first problem and names it; "first" is in sequence order.
 *
 * What it can prove: every entry up to the last signed checkpoint is exactly what was signed (no
 * edit, deletion, insertion, reordering or truncation, even with recomputed hashes), and entries
 * after it form an unbroken chain from it. A tail after the last checkpoint can be cut without a
 * trace by someone with database access: that is why checkpoints are taken periodically and
 * exported.
 */

export type VerifyFailure =
  /** An entry lacks a field, has a malformed hash or a non-JSON body. */
  | 'malformed_entry'
  /** An expected seq is absent (deleted, or renumbered around). */
  | 'missing_entry'
  /** A seq at or below one already seen (inserted, duplicated or reordered). */
  | 'out_of_order'
  /** prevHash is not the previous entry's hash (or the anchor's head hash). */
  | 'prev_hash_mismatch'
  /** The stored hash is not SHA-256(prevHash || canonical content). */
  | 'hash_mismatch'
  /** The entries start after seq 1 and no checkpoint ends right before the first one. */
  | 'missing_anchor'
  /** Entries were pruned although the anchoring checkpoint is younger than the retention period. */
  | 'pruned_within_retention'
  | 'checkpoint_malformed'
  | 'checkpoint_unknown_key'
  | 'checkpoint_bad_signature'
  /** Checkpoints do not tile the chain: a gap or an overlap between consecutive segments. */
  | 'checkpoint_gap'
  /** The segment's entries do not hash to the signed Merkle root. */
  | 'checkpoint_root_mismatch'
  /** The segment's last entry hash differs from the signed head hash. */
  | 'checkpoint_head_mismatch'
  /** The chain records a checkpoint (audit.checkpointed) that is not among the checkpoints given. */
  | 'checkpoint_missing'
  /** A signed checkpoint covers entries that are no longer there. */
  | 'truncated';

export interface VerifyOk {
  readonly ok: true;
  /** The last entry checked (or the anchor's toSeq when nothing follows it); 0 for an empty log. */
  readonly verifiedThrough: number;
  /** The last seq covered by a valid checkpoint; entries after it are chained but unsigned. */
  readonly signedThrough: number;
  readonly headHash: string;
  readonly entries: number;
  readonly checkpoints: number;
  /** The first entry checked: 1, or the one after the retained anchor checkpoint. */
  readonly fromSeq: number;
}

export interface VerifyFailed {
  readonly ok: false;
  readonly firstBadSeq: number;
  readonly reason: VerifyFailure;
  /** Everything before firstBadSeq that was proven good. */
  readonly verifiedThrough: number;
}

export type VerifyResult = VerifyOk | VerifyFailed;

export interface VerifyInput {
  /** Entries in ascending seq order as stored (an async iterable straight from the store is fine). */
  readonly entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>;
  /** All stored checkpoints in any order (sorted here; they are few). */
  readonly checkpoints: readonly SignedCheckpoint[];
  readonly keys: TrustedKeys;
  /** When given, pruned entries must be older than `days` before `now` (checked on the anchor). */
  readonly retention?: { readonly now: Date; readonly days: number };
}

/**
 * @example
 * const r = await verifyChain({ entries: store.readRange(1, head.seq), checkpoints, keys });
 * if (!r.ok) console.log(`first bad seq ${r.firstBadSeq}: ${r.reason}`);
 */
export async function verifyChain(input: VerifyInput): Promise<VerifyResult> {
  const cps = [...input.checkpoints].sort((a, b) => a.toSeq - b.toSeq);
  for (const cp of cps) {
    const sig = verifyCheckpointSignature(cp, input.keys);
    if (sig !== 'valid') return fail(Number.isSafeInteger(cp?.fromSeq) ? cp.fromSeq : 1, `checkpoint_${sig}`, 0);
  }
  for (let i = 1; i < cps.length; i++) {
    if (cps[i]!.fromSeq !== cps[i - 1]!.toSeq + 1) return fail(cps[i - 1]!.toSeq + 1, 'checkpoint_gap', 0);
  }

  let started = false;
  let expectedSeq = 1;
  let prevHash = GENESIS_PREV_HASH;
  let fromSeq = 1;
  let signedThrough = 0;
  let next = 0; // index of the next checkpoint to meet
  let acc: MerkleAccumulator = createMerkleAccumulator();
  let count = 0;

  for await (const entry of input.entries) {
    if (!started) {
      started = true;
      if (isSeq(entry?.seq) && entry.seq > 1) {
        const anchor = cps.find((c) => c.toSeq === entry.seq - 1);
        if (anchor === undefined) return fail(1, 'missing_anchor', 0);
        if (input.retention !== undefined && !olderThan(anchor.at, input.retention)) {
          // The oldest checkpoint still listed marks the earliest seq that was removed.
          return fail(cps[0]!.fromSeq, 'pruned_within_retention', 0);
        }
        expectedSeq = entry.seq;
        prevHash = anchor.headHash;
        fromSeq = entry.seq;
        signedThrough = anchor.toSeq;
        next = cps.indexOf(anchor) + 1;
      }
    }
    const last = expectedSeq - 1;
    if (!isWellFormedEntry(entry)) return fail(expectedSeq, 'malformed_entry', last);
    if (entry.seq > expectedSeq) return fail(expectedSeq, 'missing_entry', last);
    if (entry.seq < expectedSeq) return fail(entry.seq, 'out_of_order', Math.min(last, entry.seq - 1));
    if (entry.prevHash !== prevHash) return fail(entry.seq, 'prev_hash_mismatch', last);
    let hash: string;
    try {
      hash = entryHash(prevHash, entry);
    } catch {
      return fail(entry.seq, 'malformed_entry', last);
    }
    if (hash !== entry.hash) return fail(entry.seq, 'hash_mismatch', last);

    if (entry.action === 'audit.checkpointed') {
      // Deleting checkpoint rows must not quietly turn signed entries back into an unsigned tail.
      const ref = entry.body as { fromSeq?: unknown; toSeq?: unknown; merkleRoot?: unknown };
      const cp = cps.find((c) => c.toSeq === ref.toSeq && c.merkleRoot === ref.merkleRoot);
      if (cp === undefined) {
        const first = isSeq(ref.fromSeq) ? ref.fromSeq : entry.seq;
        return fail(first, 'checkpoint_missing', Math.min(signedThrough, first - 1));
      }
    }
    acc.push(Buffer.from(hash, 'hex'));
    const cp = cps[next];
    if (cp !== undefined && cp.toSeq === entry.seq) {
      // A rewritten segment cannot be localised inside it: the whole segment is unproven.
      if (cp.fromSeq !== entry.seq - acc.size() + 1) return fail(signedThrough + 1, 'checkpoint_gap', signedThrough);
      if (Buffer.from(acc.root()).toString('hex') !== cp.merkleRoot) {
        return fail(cp.fromSeq, 'checkpoint_root_mismatch', signedThrough);
      }
      if (cp.headHash !== hash) return fail(cp.fromSeq, 'checkpoint_head_mismatch', signedThrough);
      signedThrough = cp.toSeq;
      acc = createMerkleAccumulator();
      next++;
    }
    prevHash = hash;
    expectedSeq = entry.seq + 1;
    count++;
  }

  if (!started && cps.length > 0) {
    // Retention always keeps the newest segment, so checkpoints without any entries mean the
    // entries were cut; the oldest checkpoint's range is the first that should have been there.
    return fail(cps[0]!.fromSeq, 'truncated', 0);
  }
  if (cps[next] !== undefined) return fail(expectedSeq, 'truncated', expectedSeq - 1);
  return ok(expectedSeq - 1, signedThrough, prevHash, count, cps.length, fromSeq);
}

function olderThan(at: string, retention: { readonly now: Date; readonly days: number }): boolean {
  return Date.parse(at) <= retention.now.getTime() - retention.days * 86_400_000;
}

function isWellFormedEntry(e: unknown): e is AuditEntry {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as Record<string, unknown>;
  return isSeq(x.seq) && isSha256Hex(x.prevHash) && isSha256Hex(x.hash) && typeof x.at === 'string';
}

function ok(
  verifiedThrough: number,
  signedThrough: number,
  headHash: string,
  entries: number,
  checkpoints: number,
  fromSeq: number,
): VerifyOk {
  return { ok: true, verifiedThrough, signedThrough, headHash, entries, checkpoints, fromSeq };
}

function fail(firstBadSeq: number, reason: VerifyFailure, verifiedThrough: number): VerifyFailed {
  return { ok: false, firstBadSeq, reason, verifiedThrough: Math.max(0, verifiedThrough) };
}

/** The `clubos audit verify --json` object of DESIGN.md (snake_case keys, stable for scripts). */
export type VerifyCliJson =
  | { readonly ok: true; readonly verified_through: number; readonly signed_through: number; readonly from_seq: number }
  | { readonly ok: false; readonly first_bad_seq: number; readonly reason: VerifyFailure; readonly verified_through: number };

/**
 * @example
 * verifyCliJson({ ok: false, firstBadSeq: 7, reason: 'hash_mismatch', verifiedThrough: 6 })
 * // { ok: false, first_bad_seq: 7, reason: 'hash_mismatch', verified_through: 6 } → exit 1
 */
export function verifyCliJson(r: VerifyResult): VerifyCliJson {
  return r.ok
    ? { ok: true, verified_through: r.verifiedThrough, signed_through: r.signedThrough, from_seq: r.fromSeq }
    : { ok: false, first_bad_seq: r.firstBadSeq, reason: r.reason, verified_through: r.verifiedThrough };
}
