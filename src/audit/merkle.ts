import { createHash } from 'node:crypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hashing: leaves are prefixed 0x00, interior nodes
 * 0x01 (so a leaf can never be passed off as a node), and a tree of n leaves splits at the largest
 * power of two below n. An outside party holding a signed root can then check any single entry
 * (inclusion proof) or that a later tree extends an earlier one (consistency proof) with
 * O(log n) hashes.
 */

export type Hash = Uint8Array;

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

/**
 * @example
 * leafHash(Buffer.from('')) // SHA-256(0x00), 6e340b9c…
 */
export function leafHash(data: Uint8Array): Hash {
  return createHash('sha256').update(LEAF).update(data).digest();
}

/**
 * @example
 * nodeHash(leafHash(a), leafHash(b)) // the root of the two-leaf tree [a, b]
 */
export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

const EMPTY_ROOT: Hash = createHash('sha256').digest();

/**
 * MTH(D[n]) of RFC 6962 §2.1 over the leaves' data.
 * @example
 * merkleRoot([]) // SHA-256 of the empty string
 * merkleRoot([a]) // leafHash(a)
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Hash {
  const acc = createMerkleAccumulator();
  for (const leaf of leaves) acc.push(leaf);
  return acc.root();
}

/** Computes the RFC 6962 root of a stream of leaves in O(log n) memory. */
export interface MerkleAccumulator {
  push(leafData: Uint8Array): void;
  readonly size: () => number;
  root(): Hash;
}

/**
 * @example
 * const acc = createMerkleAccumulator();
 * for (const entry of entries) acc.push(Buffer.from(entry.hash, 'hex'));
 * acc.root() // equals merkleRoot(all leaves)
 */
export function createMerkleAccumulator(): MerkleAccumulator {
  // Perfect subtrees of strictly decreasing size, left to right: the tree's left-complete shape.
  const hashes: Hash[] = [];
  const sizes: number[] = [];
  let count = 0;
  return {
    push(leafData) {
      let h = leafHash(leafData);
      let size = 1;
      while (sizes.length > 0 && sizes[sizes.length - 1] === size) {
        h = nodeHash(hashes.pop()!, h);
        sizes.pop();
        size *= 2;
      }
      hashes.push(h);
      sizes.push(size);
      count++;
    },
    size: () => count,
    root() {
      if (hashes.length === 0) return EMPTY_ROOT;
      let h = hashes[hashes.length - 1]!;
      for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
      return h;
    },
  };
}

/**
 * The audit path PATH(m, D[n]) of RFC 6962 §2.1.1 for the leaf at `index`.
 * @example
 * const proof = inclusionProof(leaves, 3);
 * verifyInclusion({ index: 3, treeSize: leaves.length, leaf: leaves[3], proof, root }) // true
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Hash[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError('leaf index out of range');
  const hashed = leaves.map(leafHash);
  const path: Hash[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    if (hi - lo === 1) return;
    const k = splitPoint(hi - lo);
    if (m < k) {
      walk(m, lo, lo + k);
      path.push(subtreeRoot(hashed, lo + k, hi));
    } else {
      walk(m - k, lo + k, hi);
      path.push(subtreeRoot(hashed, lo, lo + k));
    }
  };
  walk(index, 0, hashed.length);
  return path;
}

/**
 * The consistency proof PROOF(m, D[n]) of RFC 6962 §2.1.2: the first `oldSize` leaves are a prefix.
 * @example
 * const proof = consistencyProof(leaves, 3);
 * verifyConsistency({ oldSize: 3, newSize: leaves.length, oldRoot, newRoot, proof }) // true
 */
export function consistencyProof(leaves: readonly Uint8Array[], oldSize: number): Hash[] {
  if (!Number.isInteger(oldSize) || oldSize < 0 || oldSize > leaves.length) throw new RangeError('old size out of range');
  if (oldSize === 0 || oldSize === leaves.length) return [];
  const hashed = leaves.map(leafHash);
  const proof: Hash[] = [];
  const sub = (m: number, lo: number, hi: number, complete: boolean): void => {
    if (m === hi - lo) {
      if (!complete) proof.push(subtreeRoot(hashed, lo, hi));
      return;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      sub(m, lo, lo + k, complete);
      proof.push(subtreeRoot(hashed, lo + k, hi));
    } else {
      sub(m - k, lo + k, hi, false);
      proof.push(subtreeRoot(hashed, lo, lo + k));
    }
  };
  sub(oldSize, 0, hashed.length, true);
  return proof;
}

/**
 * Checks an inclusion proof (RFC 9162 §2.1.3.2). `leaf` is the leaf's data, not its hash.
 * @example
 * verifyInclusion({ index: 0, treeSize: 1, leaf: a, proof: [], root: leafHash(a) }) // true
 */
export function verifyInclusion(p: {
  readonly index: number;
  readonly treeSize: number;
  readonly leaf: Uint8Array;
  readonly proof: readonly Hash[];
  readonly root: Hash;
}): boolean {
  if (!Number.isSafeInteger(p.index) || !Number.isSafeInteger(p.treeSize) || p.index < 0 || p.index >= p.treeSize) {
    return false;
  }
  // Plain numbers, not bitwise ops: tree sizes may pass 2^31.
  let fn = p.index;
  let sn = p.treeSize - 1;
  let r = leafHash(p.leaf);
  for (const h of p.proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(h, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, h);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, p.root);
}

/**
 * Checks a consistency proof (RFC 9162 §2.1.4.2): the old tree is a prefix of the new one.
 * @example
 * verifyConsistency({ oldSize: 4, newSize: 4, oldRoot: r, newRoot: r, proof: [] }) // true
 */
export function verifyConsistency(p: {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Hash;
  readonly newRoot: Hash;
  readonly proof: readonly Hash[];
}): boolean {
  const { oldSize, newSize } = p;
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return p.proof.length === 0 && equal(p.oldRoot, p.newRoot);
  if (oldSize === 0) return p.proof.length === 0;
  if (p.proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [p.oldRoot, ...p.proof] : [...p.proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, p.oldRoot) && equal(sr, p.newRoot);
}

function subtreeRoot(hashed: readonly Hash[], lo: number, hi: number): Hash {
  if (hi - lo === 1) return hashed[lo]!;
  const k = splitPoint(hi - lo);
  return nodeHash(subtreeRoot(hashed, lo, lo + k), subtreeRoot(hashed, lo + k, hi));
}

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = n;
  while (k > 1 && k % 2 === 0) k /= 2;
  return k === 1;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
