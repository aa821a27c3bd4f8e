import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportCheckpoint, isWellFormedCheckpoint, parsePublicKey, trustedKeys, verifyExportedCheckpoint } from '../../src/audit/checkpoint.js';
import { type AuditEntry, sealEntry } from '../../src/audit/entry.js';
import { consistencyProof, inclusionProof, merkleRoot, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { verifyChain } from '../../src/audit/verify.js';
import { buildEntries, checkpointsAt, signer, T0 } from './chain.js';

const keys = trustedKeys([signer.publicKey]);
const rootHex = (entries: readonly AuditEntry[]) => Buffer.from(merkleRoot(entries.map((e) => Buffer.from(e.hash, 'hex')))).toString('hex');

describe('verifyChain: checkpoint structure', () => {
  const entries = buildEntries(8);

  it('names the first seq after a gap between two checkpoints', async () => {
    const [first] = checkpointsAt(entries, [3]);
    const later = checkpointsAt(entries.slice(4), [8]);
    expect(await verifyChain({ entries, checkpoints: [first!, ...later], keys })).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'checkpoint_gap' });
  });

  it('refuses a validly signed checkpoint that starts after the entries it is met with', async () => {
    const cp = signer.sign({ fromSeq: 2, toSeq: 3, treeSize: 2, headHash: entries[2]!.hash, merkleRoot: rootHex(entries.slice(1, 3)), at: new Date(T0).toISOString() });
    expect(await verifyChain({ entries, checkpoints: [cp], keys })).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'checkpoint_gap', verifiedThrough: 0 });
  });

  it('refuses a signed checkpoint whose head hash is not the segment’s last entry', async () => {
    const cp = signer.sign({ fromSeq: 1, toSeq: 3, treeSize: 3, headHash: entries[1]!.hash, merkleRoot: rootHex(entries.slice(0, 3)), at: new Date(T0).toISOString() });
    expect(await verifyChain({ entries, checkpoints: [cp], keys })).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'checkpoint_head_mismatch' });
  });

  it('blames seq 1 for a checkpoint row too mangled to have a range', async () => {
    const [cp] = checkpointsAt(entries, [8]);
    const mangled = { ...cp!, fromSeq: 'one' } as unknown as typeof cp & object;
    expect(await verifyChain({ entries, checkpoints: [mangled], keys })).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'checkpoint_malformed', verifiedThrough: 0 });
  });
});

describe('verifyChain: malformed entries', () => {
  const entries = buildEntries(4);

  it('names the seq where a row stops looking like an entry', async () => {
    const broken = [entries[0]!, { ...entries[1]!, hash: 'not-a-hash' }, ...entries.slice(2)];
    expect(await verifyChain({ entries: broken, checkpoints: [], keys })).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'malformed_entry', verifiedThrough: 1 });
    expect(await verifyChain({ entries: [null as unknown as AuditEntry], checkpoints: [], keys })).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'malformed_entry' });
  });

  it('reports a missing checkpoint at the entry when the checkpoint entry does not say where its range began', async () => {
    const head = { seq: entries[3]!.seq, hash: entries[3]!.hash };
    const marker = sealEntry(head, {
      seq: 5,
      at: new Date(T0 + 5 * 60_000).toISOString(),
      actor: { type: 'system', id: 'audit' },
      action: 'audit.checkpointed',
      resource: null,
      location: null,
      correlationId: null,
      body: { toSeq: 4, merkleRoot: rootHex(entries) },
    } as never);
    expect(await verifyChain({ entries: [...entries, marker], checkpoints: [], keys })).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'checkpoint_missing', verifiedThrough: 0 });
  });
});

describe('exported checkpoints as an outsider reads them', () => {
  const [cp] = checkpointsAt(buildEntries(3), [3]);

  it('calls anything that is not a checkpoint document malformed', () => {
    expect(verifyExportedCheckpoint(null, keys)).toBe('malformed');
    expect(verifyExportedCheckpoint('checkpoint', keys)).toBe('malformed');
    expect(verifyExportedCheckpoint({ ...exportCheckpoint(cp!, signer.publicKey), checkpoint: null }, keys)).toBe('malformed');
    expect(verifyExportedCheckpoint(exportCheckpoint(cp!, signer.publicKey), keys)).toBe('valid');
    expect(isWellFormedCheckpoint(null)).toBe(false);
  });

  it('accepts only Ed25519 public keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parsePublicKey(ec)).toThrow('audit public key must be Ed25519');
    expect(verifyExportedCheckpoint({ ...exportCheckpoint(cp!, signer.publicKey), publicKey: ec }, keys)).toBe('malformed');
  });
});

describe('Merkle proofs with extra hashes', () => {
  const leavesArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 20 });

  it('rejects an inclusion proof with a hash too many', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.uint8Array({ minLength: 32, maxLength: 32 }), (leaves, pick, extra) => {
        const index = pick % leaves.length;
        const proof = inclusionProof(leaves, index);
        const root = merkleRoot(leaves);
        expect(verifyInclusion({ index, treeSize: leaves.length, leaf: leaves[index]!, proof, root })).toBe(true);
        expect(verifyInclusion({ index, treeSize: leaves.length, leaf: leaves[index]!, proof: [...proof, extra], root })).toBe(false);
      }),
    );
  });

  it('rejects a consistency proof with a hash too many, and an empty proof between different sizes', () => {
    fc.assert(
      fc.property(leavesArb.filter((l) => l.length >= 2), fc.nat(), fc.uint8Array({ minLength: 32, maxLength: 32 }), (leaves, pick, extra) => {
        const oldSize = 1 + (pick % (leaves.length - 1));
        const oldRoot = merkleRoot(leaves.slice(0, oldSize));
        const newRoot = merkleRoot(leaves);
        const proof = consistencyProof(leaves, oldSize);
        expect(verifyConsistency({ oldSize, newSize: leaves.length, oldRoot, newRoot, proof })).toBe(true);
        expect(verifyConsistency({ oldSize, newSize: leaves.length, oldRoot, newRoot, proof: [...proof, extra] })).toBe(false);
        expect(verifyConsistency({ oldSize, newSize: leaves.length, oldRoot, newRoot, proof: [] })).toBe(false);
      }),
    );
  });
});
