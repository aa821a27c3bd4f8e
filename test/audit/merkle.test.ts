import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  createMerkleAccumulator,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** MTH exactly as RFC 6962 §2.1 defines it, recursively: the reference the fast paths must match. */
function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

// The leaves of the RFC 6962 reference test tree (certificate-transparency test vectors).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => Buffer.from(h, 'hex'),
);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const leavesArb = fc.array(fc.uint8Array({ minLength: 0, maxLength: 8 }), { minLength: 1, maxLength: 70 });

describe('RFC 6962 Merkle tree', () => {
  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(hex(merkleRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('reproduces the certificate-transparency reference roots for 1 to 8 leaves', () => {
    expect(CT_LEAVES.map((_, i) => hex(merkleRoot(CT_LEAVES.slice(0, i + 1))))).toEqual(CT_ROOTS);
  });

  it('computes in streaming form the same root as the recursive definition', () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const acc = createMerkleAccumulator();
        for (const l of leaves) acc.push(l);
        expect(acc.size()).toBe(leaves.length);
        expect(hex(acc.root())).toBe(hex(referenceRoot(leaves)));
      }),
    );
  });

  it('separates leaves from nodes: a node pair is never a leaf of the same bytes', () => {
    const [a, b] = [Buffer.from('a'), Buffer.from('b')];
    const asNode = merkleRoot([a, b]);
    expect(hex(merkleRoot([Buffer.concat([leafHash(a), leafHash(b)])]))).not.toBe(hex(asNode));
  });

  it('proves every leaf included, and nothing else', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), (leaves, pick) => {
        const index = pick % leaves.length;
        const root = merkleRoot(leaves);
        const proof = inclusionProof(leaves, index);
        const treeSize = leaves.length;
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(treeSize)));
        expect(verifyInclusion({ index, treeSize, leaf: leaves[index]!, proof, root })).toBe(true);
        const other = Buffer.concat([leaves[index]!, Buffer.from([1])]);
        expect(verifyInclusion({ index, treeSize, leaf: other, proof, root })).toBe(false);
        expect(verifyInclusion({ index: index + treeSize, treeSize, leaf: leaves[index]!, proof, root })).toBe(false);
        const otherRoot = merkleRoot([...leaves, Buffer.from('extra')]);
        expect(verifyInclusion({ index, treeSize, leaf: leaves[index]!, proof, root: otherRoot })).toBe(false);
      }),
    );
  });

  it('rejects an inclusion proof with a flipped bit', () => {
    fc.assert(
      fc.property(leavesArb.filter((l) => l.length > 1), fc.nat(), fc.nat(), (leaves, pick, bit) => {
        const index = pick % leaves.length;
        const proof = inclusionProof(leaves, index).map((h) => Buffer.from(h));
        const at = bit % proof.length;
        proof[at]![(bit >> 3) % 32]! ^= 1 << (bit % 8);
        const root = merkleRoot(leaves);
        expect(verifyInclusion({ index, treeSize: leaves.length, leaf: leaves[index]!, proof, root })).toBe(false);
      }),
    );
  });

  it('proves every prefix consistent with the whole tree', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), (leaves, pick) => {
        const oldSize = pick % (leaves.length + 1);
        const proof = consistencyProof(leaves, oldSize);
        const args = { oldSize, newSize: leaves.length, oldRoot: merkleRoot(leaves.slice(0, oldSize)), newRoot: merkleRoot(leaves) };
        expect(verifyConsistency({ ...args, proof })).toBe(true);
      }),
    );
  });

  it('refuses consistency when the old tree was rewritten', () => {
    fc.assert(
      fc.property(leavesArb.filter((l) => l.length > 1), fc.nat(), fc.nat(), (leaves, pick, which) => {
        const oldSize = 1 + (pick % (leaves.length - 1));
        const rewritten = [...leaves];
        rewritten[which % oldSize] = Buffer.concat([leaves[which % oldSize]!, Buffer.from('x')]);
        const proof = consistencyProof(leaves, oldSize);
        const forgedOldRoot = merkleRoot(rewritten.slice(0, oldSize));
        const ok = verifyConsistency({ oldSize, newSize: leaves.length, oldRoot: forgedOldRoot, newRoot: merkleRoot(leaves), proof });
        expect(ok).toBe(false);
      }),
    );
  });

  it('checks the RFC 6962 §2.1.3 example shapes: tree of 7, path of d0 and consistency of 3 in 7', () => {
    const d = CT_LEAVES.slice(0, 7);
    const path = inclusionProof(d, 0);
    // PATH(0, D[7]) = [h(d1), k = h(c,d), l = h(i,j)] in the RFC's picture.
    expect(path.map(hex)).toEqual([
      hex(leafHash(d[1]!)),
      hex(nodeHash(leafHash(d[2]!), leafHash(d[3]!))),
      hex(nodeHash(nodeHash(leafHash(d[4]!), leafHash(d[5]!)), leafHash(d[6]!))),
    ]);
    // PROOF(3, D[7]) = [c, d, g, l].
    expect(consistencyProof(d, 3).map(hex)).toEqual([
      hex(leafHash(d[2]!)),
      hex(leafHash(d[3]!)),
      hex(nodeHash(leafHash(d[0]!), leafHash(d[1]!))),
      hex(nodeHash(nodeHash(leafHash(d[4]!), leafHash(d[5]!)), leafHash(d[6]!))),
    ]);
  });

  it('refuses out-of-range requests', () => {
    expect(() => inclusionProof([], 0)).toThrow(RangeError);
    expect(() => consistencyProof([Buffer.from('a')], 2)).toThrow(RangeError);
    expect(verifyConsistency({ oldSize: 3, newSize: 2, oldRoot: merkleRoot([]), newRoot: merkleRoot([]), proof: [] })).toBe(false);
  });
});
