import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical.js';
import { createEd25519Signer, type SignedCheckpoint, trustedKeys } from '../audit/checkpoint.js';
import { AUDIT_ACTIONS, type AuditEntry, type AuditEntryContent, GENESIS_PREV_HASH, sealEntry } from '../audit/entry.js';
import { createMerkleAccumulator } from '../audit/merkle.js';
import { verifyChain } from '../audit/verify.js';
import { type Bench, type BenchFigure, figure } from './types.js';

/**
 * Verification throughput of the audit chain over a generated log (default 1M entries, a signed
 * checkpoint every 10k). Entries are regenerated on the fly from their seq and a 32-byte-per-entry
 * hash table, so a million of them fit the memory budget exactly as a paged store read would.
 * Baseline: plain SHA-256 over each entry's canonical bytes, generated the same way, in the same run.
 */

const SEGMENT = 10_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const ACTIONS = AUDIT_ACTIONS.filter((a) => !a.startsWith('audit.'));

function content(seq: number): AuditEntryContent {
  return {
    seq,
    at: new Date(T0 + seq * 1000).toISOString(),
    actor: { type: seq % 3 === 0 ? 'operator' : 'system', id: `actor_${seq % 17}` },
    action: ACTIONS[seq % ACTIONS.length]!,
    resource: { type: 'suggestion', id: `sug_${seq}` },
    location: `loc_${seq % 4}`,
    correlationId: `corr_${seq}`,
    body: { decision: 'reset_trackman', bay: seq % 8, confidence: (seq % 100) / 100, eventId: `evt_${seq}` },
  } as AuditEntryContent;
}

function* entriesFrom(hashes: Buffer, n: number): Generator<AuditEntry> {
  let prev = GENESIS_PREV_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const hash = hashes.toString('hex', (seq - 1) * 32, seq * 32);
    yield { ...content(seq), prevHash: prev, hash };
    prev = hash;
  }
}

/** Builds the log (not timed), then times verification against the baseline. */
export async function benchAuditVerify(n: number): Promise<readonly BenchFigure[]> {
  const signer = createEd25519Signer(Buffer.alloc(32, 42).toString('base64'));
  const hashes = Buffer.alloc(n * 32);
  const checkpoints: SignedCheckpoint[] = [];
  let head = { seq: 0, hash: GENESIS_PREV_HASH };
  let acc = createMerkleAccumulator();
  let from = 1;
  for (let seq = 1; seq <= n; seq++) {
    const e = sealEntry(head, content(seq));
    hashes.write(e.hash, (seq - 1) * 32, 'hex');
    acc.push(Buffer.from(e.hash, 'hex'));
    head = { seq, hash: e.hash };
    if (seq % SEGMENT === 0 || seq === n) {
      const root = Buffer.from(acc.root()).toString('hex');
      const at = new Date(T0 + seq * 1000 + 500).toISOString();
      checkpoints.push(signer.sign({ fromSeq: from, toSeq: seq, treeSize: seq - from + 1, headHash: e.hash, merkleRoot: root, at }));
      acc = createMerkleAccumulator();
      from = seq + 1;
    }
  }
  const keys = trustedKeys([signer.publicKey]);

  let t = performance.now();
  let sink = 0;
  for (const e of entriesFrom(hashes, n)) sink ^= createHash('sha256').update(canonicalJson(content(e.seq)), 'utf8').digest()[0]!;
  const baselineS = (performance.now() - t) / 1000;

  t = performance.now();
  const result = await verifyChain({ entries: entriesFrom(hashes, n), checkpoints, keys });
  const verifyS = (performance.now() - t) / 1000;
  if (!result.ok || result.verifiedThrough !== n) throw new Error(`benchmark chain failed to verify: ${JSON.stringify(result)}`);

  return [
    figure({
      id: `audit.verify_entries_per_s.${n}`,
      value: n / verifyS,
      unit: 'entries/s',
      baseline: { label: 'plain SHA-256 of each entry’s canonical bytes', value: n / baselineS },
      better: 'higher',
      note: `${checkpoints.length} signed checkpoints, every ${SEGMENT} entries; checksum ${sink}`,
    }),
  ];
}

export const bench: Bench = () => benchAuditVerify(1_000_000);
