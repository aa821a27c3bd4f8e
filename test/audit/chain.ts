import { type CheckpointSigner, createEd25519Signer, type SignedCheckpoint } from '../../src/audit/checkpoint.js';
import { AUDIT_ACTIONS, type AuditEntry, type ChainHead, GENESIS_HEAD, sealEntry } from '../../src/audit/entry.js';
import { merkleRoot } from '../../src/audit/merkle.js';

/** Fixed test keys: the venue's signing key and an attacker's. */
export const SIGNING_SEED = Buffer.alloc(32, 7).toString('base64');
export const ATTACKER_SEED = Buffer.alloc(32, 9).toString('base64');
export const signer: CheckpointSigner = createEd25519Signer(SIGNING_SEED);
export const attacker: CheckpointSigner = createEd25519Signer(ATTACKER_SEED);

// Chains built here carry no audit.* bookkeeping entries: those must match real checkpoints.
const ACTIONS = AUDIT_ACTIONS.filter((a) => !a.startsWith('audit.'));
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** Chains `count` entries after `head`, one per minute, with bodies varied by seq. */
export function buildEntries(count: number, head: ChainHead = GENESIS_HEAD, startMs = T0): AuditEntry[] {
  const out: AuditEntry[] = [];
  let h = head;
  for (let i = 0; i < count; i++) {
    const seq = h.seq + 1;
    const entry = sealEntry(h, {
      seq,
      at: new Date(startMs + seq * 60_000).toISOString(),
      actor: { type: seq % 3 === 0 ? 'operator' : 'system', id: `actor_${seq % 5}` },
      action: ACTIONS[seq % ACTIONS.length]!,
      resource: seq % 2 === 0 ? { type: 'suggestion', id: `sug_${seq}` } : null,
      location: seq % 4 === 0 ? 'loc_a' : null,
      correlationId: `corr_${seq}`,
      body: { n: seq, note: `entry ${seq}`, tags: ['a', seq % 7] },
    } as never);
    out.push(entry);
    h = { seq: entry.seq, hash: entry.hash };
  }
  return out;
}

/** Signs checkpoints over `entries` at the given segment ends (seq numbers, ascending). */
export function checkpointsAt(
  entries: readonly AuditEntry[],
  ends: readonly number[],
  by: CheckpointSigner = signer,
  atMs?: (toSeq: number) => number,
): SignedCheckpoint[] {
  const first = entries[0]?.seq ?? 1;
  let from = first;
  return ends.map((toSeq) => {
    const segment = entries.filter((e) => e.seq >= from && e.seq <= toSeq);
    const cp = by.sign({
      fromSeq: from,
      toSeq,
      treeSize: toSeq - from + 1,
      headHash: segment[segment.length - 1]!.hash,
      merkleRoot: Buffer.from(merkleRoot(segment.map((e) => Buffer.from(e.hash, 'hex')))).toString('hex'),
      at: new Date(atMs?.(toSeq) ?? T0 + toSeq * 60_000 + 1000).toISOString(),
    });
    from = toSeq + 1;
    return cp;
  });
}
