import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SignedCheckpoint, trustedKeys } from '../../src/audit/checkpoint.js';
import { type AuditEntry, sealEntry } from '../../src/audit/entry.js';
import { merkleRoot } from '../../src/audit/merkle.js';
import { verifyChain, verifyCliJson } from '../../src/audit/verify.js';
import { attacker, buildEntries, checkpointsAt, signer, T0 } from './chain.js';

const keys = trustedKeys([signer.publicKey]);

interface Chain {
  readonly entries: AuditEntry[];
  readonly checkpoints: SignedCheckpoint[];
}
interface Tampered extends Chain {
  /** The smallest seq the tampering touched: verify must name it or an earlier one. */
  readonly firstTouched: number;
}

/** A chain whose last entry is covered by a checkpoint (what a periodic checkpoint leaves). */
const chainArb: fc.Arbitrary<Chain> = fc
  .integer({ min: 2, max: 40 })
  .chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 4 })))
  .map(([n, ends]) => {
    const entries = buildEntries(n);
    return { entries, checkpoints: checkpointsAt(entries, [...ends.sort((a, b) => a - b), n]) };
  });

type Tamper = (c: Chain) => Tampered | null;

/** Changes one character (or number) of one stored field of one entry, hashes included. */
const editLeaf = (pick: number, at: number, delta: number): Tamper => {
  return ({ entries, checkpoints }) => {
    const i = pick % entries.length;
    const copy = structuredClone(entries[i]!) as unknown as Record<string, unknown>;
    const leaves = leafPaths(copy);
    const path = leaves[at % leaves.length]!;
    const parent = path.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, copy);
    const key = path[path.length - 1]!;
    const v = parent[key];
    if (typeof v === 'number') parent[key] = v + 1 + (delta % 5);
    else if (typeof v === 'string' && v.length > 0) {
      const p = delta % v.length;
      parent[key] = v.slice(0, p) + (v[p] === 'a' ? 'b' : 'a') + v.slice(p + 1);
    } else parent[key] = `${String(v)}x`;
    const out = [...entries];
    out[i] = copy as unknown as AuditEntry;
    return { entries: out, checkpoints, firstTouched: Math.min(entries[i]!.seq, Number(copy.seq) || Infinity) };
  };
};

const deleteOne =
  (pick: number): Tamper =>
  ({ entries, checkpoints }) => {
    const i = pick % entries.length;
    return { entries: entries.filter((_, j) => j !== i), checkpoints, firstTouched: entries[i]!.seq };
  };

/** Inserts, before entry i, either a copy of an earlier entry or a forgery chained onto i's predecessor. */
const insertOne =
  (pick: number, forge: boolean): Tamper =>
  ({ entries, checkpoints }) => {
    const i = pick % entries.length;
    const prev = entries[i - 1];
    const head = prev === undefined ? { seq: 0, hash: '0'.repeat(64) } : { seq: prev.seq, hash: prev.hash };
    const forged = sealEntry(head, { ...entries[i]!, body: { forged: true } });
    const inserted = forge || prev === undefined ? forged : prev;
    return {
      entries: [...entries.slice(0, i), inserted, ...entries.slice(i)],
      checkpoints,
      firstTouched: Math.min(entries[i]!.seq, inserted.seq),
    };
  };

const swap =
  (a: number, b: number): Tamper =>
  ({ entries, checkpoints }) => {
    const i = a % entries.length;
    const j = b % entries.length;
    if (i === j) return null;
    const out = [...entries];
    [out[i], out[j]] = [out[j]!, out[i]!];
    return { entries: out, checkpoints, firstTouched: Math.min(entries[i]!.seq, entries[j]!.seq) };
  };

const truncate =
  (k: number): Tamper =>
  ({ entries, checkpoints }) => {
    const keep = k % entries.length;
    return { entries: entries.slice(0, keep), checkpoints, firstTouched: entries[keep]!.seq };
  };

/**
 * Rewrites entry i and re-seals everything after it, so the hash chain itself is perfect. The
 * attacker cannot sign with the venue key: they keep the old checkpoints, re-sign with their own
 * key, or reuse the old signatures on the recomputed checkpoints.
 */
const rewriteSuffix =
  (pick: number, mode: 'keep' | 'own_key' | 'reuse_signature'): Tamper =>
  ({ entries, checkpoints }) => {
    const i = pick % entries.length;
    const out = entries.slice(0, i);
    let head = i === 0 ? { seq: 0, hash: '0'.repeat(64) } : { seq: out[i - 1]!.seq, hash: out[i - 1]!.hash };
    for (const e of entries.slice(i)) {
      const sealed = sealEntry(head, e.seq === entries[i]!.seq ? { ...e, body: { rewritten: true } } : e);
      out.push(sealed);
      head = { seq: sealed.seq, hash: sealed.hash };
    }
    const touched = entries[i]!.seq;
    const affected = checkpoints.filter((c) => c.toSeq >= touched);
    const untouched = checkpoints.filter((c) => c.toSeq < touched);
    const recomputed = (by: typeof signer) =>
      affected.map((c) => {
        const seg = out.filter((e) => e.seq >= c.fromSeq && e.seq <= c.toSeq);
        return by.sign({
          ...c,
          headHash: seg[seg.length - 1]!.hash,
          merkleRoot: Buffer.from(merkleRoot(seg.map((e) => Buffer.from(e.hash, 'hex')))).toString('hex'),
        });
      });
    const forgedCps =
      mode === 'keep'
        ? affected
        : mode === 'own_key'
          ? recomputed(attacker)
          : recomputed(attacker).map((c, k) => ({ ...c, keyId: signer.keyId, signature: affected[k]!.signature }));
    return { entries: out, checkpoints: [...untouched, ...forgedCps], firstTouched: touched };
  };

const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([p, a, d]) => editLeaf(p, a, d)),
  fc.nat().map(deleteOne),
  fc.tuple(fc.nat(), fc.boolean()).map(([p, f]) => insertOne(p, f)),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => swap(a, b)),
  fc.nat().map(truncate),
  fc
    .tuple(fc.nat(), fc.constantFrom('keep' as const, 'own_key' as const, 'reuse_signature' as const))
    .map(([p, m]) => rewriteSuffix(p, m)),
);

async function* stream<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

describe('verifyChain', () => {
  it('accepts every untouched chain and reports how far it is signed', async () => {
    await fc.assert(
      fc.asyncProperty(chainArb, async ({ entries, checkpoints }) => {
        const r = await verifyChain({ entries: stream(entries), checkpoints, keys });
        expect(r).toMatchObject({ ok: true, verifiedThrough: entries.length, signedThrough: entries.length });
      }),
      { numRuns: 100 },
    );
  });

  it('catches 100 % of random tamperings and names a seq no later than the first one touched', async () => {
    let caught = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(chainArb, tamperArb, fc.boolean(), async (chain, tamper, asStream) => {
        const t = tamper(chain);
        fc.pre(t !== null);
        runs++;
        // As AuditLog runs it: with the retention period, so cutting the oldest whole segment
        // cannot pass for a legitimate prune.
        const r = await verifyChain({
          entries: asStream ? stream(t!.entries) : t!.entries,
          checkpoints: t!.checkpoints,
          keys,
          retention: { now: new Date(T0 + 86_400_000), days: 365 },
        });
        expect(r.ok).toBe(false);
        if (!r.ok) caught++;
        expect(r).toHaveProperty('firstBadSeq');
        expect((r as { firstBadSeq: number }).firstBadSeq).toBeLessThanOrEqual(t!.firstTouched);
      }),
      { numRuns: 1500 },
    );
    expect(caught).toBe(runs);
  });

  it('names the edited entry and the hash mismatch for an edited body', async () => {
    const entries = buildEntries(10);
    const edited = entries.map((e) => (e.seq === 6 ? { ...e, body: { n: 600 } } : e));
    const r = await verifyChain({ entries: edited, checkpoints: checkpointsAt(entries, [10]), keys });
    expect(r).toEqual({ ok: false, firstBadSeq: 6, reason: 'hash_mismatch', verifiedThrough: 5 });
  });

  it('names a deleted entry as missing', async () => {
    const entries = buildEntries(10);
    const r = await verifyChain({ entries: entries.filter((e) => e.seq !== 4), checkpoints: [], keys });
    expect(r).toEqual({ ok: false, firstBadSeq: 4, reason: 'missing_entry', verifiedThrough: 3 });
  });

  it('detects a truncated signed range', async () => {
    const entries = buildEntries(10);
    const r = await verifyChain({ entries: entries.slice(0, 7), checkpoints: checkpointsAt(entries, [10]), keys });
    expect(r).toEqual({ ok: false, firstBadSeq: 8, reason: 'truncated', verifiedThrough: 7 });
  });

  it('localises a rewritten suffix to the first segment whose signed root no longer matches', async () => {
    const entries = buildEntries(30);
    const checkpoints = checkpointsAt(entries, [10, 20, 30]);
    const t = rewriteSuffix(14, 'keep')({ entries, checkpoints })!;
    const r = await verifyChain({ entries: t.entries, checkpoints: t.checkpoints, keys });
    expect(r).toEqual({ ok: false, firstBadSeq: 11, reason: 'checkpoint_root_mismatch', verifiedThrough: 10 });
  });

  it('refuses checkpoints signed by a key it does not trust', async () => {
    const entries = buildEntries(5);
    const r = await verifyChain({ entries, checkpoints: checkpointsAt(entries, [5], attacker), keys });
    expect(r).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'checkpoint_unknown_key' });
  });

  it('leaves entries after the last checkpoint chained but unsigned', async () => {
    const entries = buildEntries(12);
    const r = await verifyChain({ entries, checkpoints: checkpointsAt(entries, [8]), keys });
    expect(r).toMatchObject({ ok: true, verifiedThrough: 12, signedThrough: 8, entries: 12, checkpoints: 1 });
  });

  it('reports a deleted checkpoint that the chain itself recorded', async () => {
    const first = buildEntries(5);
    const [cp] = checkpointsAt(first, [5]);
    const note = sealEntry(
      { seq: 5, hash: first[4]!.hash },
      {
        seq: 6,
        at: new Date(T0 + 6 * 60_000).toISOString(),
        actor: { type: 'system', id: 'audit' },
        action: 'audit.checkpointed',
        resource: { type: 'audit_checkpoint', id: '5' },
        location: null,
        correlationId: null,
        body: { fromSeq: 1, toSeq: 5, merkleRoot: cp!.merkleRoot, keyId: cp!.keyId },
      },
    );
    const entries = [...first, note];
    expect(await verifyChain({ entries, checkpoints: [cp!], keys })).toMatchObject({ ok: true, signedThrough: 5 });
    expect(await verifyChain({ entries, checkpoints: [], keys })).toEqual({
      ok: false,
      firstBadSeq: 1,
      reason: 'checkpoint_missing',
      verifiedThrough: 0,
    });
  });

  describe('after retention removed the oldest segments', () => {
    const entries = buildEntries(30);
    const checkpoints = checkpointsAt(entries, [10, 20, 30]);
    const kept = entries.filter((e) => e.seq > 10);
    const keptCps = checkpoints.filter((c) => c.toSeq >= 10);

    it('verifies from the retained anchor checkpoint', async () => {
      const r = await verifyChain({ entries: kept, checkpoints: keptCps, keys });
      expect(r).toMatchObject({ ok: true, fromSeq: 11, verifiedThrough: 30, signedThrough: 30, entries: 20 });
    });

    it('needs the anchor: the first kept prevHash must equal its head hash', async () => {
      const r = await verifyChain({ entries: kept, checkpoints: keptCps.slice(1), keys });
      expect(r).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'missing_anchor' });
    });

    it('rejects a prune inside the retention period', async () => {
      const anchorAt = Date.parse(checkpoints[0]!.at);
      const young = { now: new Date(anchorAt + 10 * 86_400_000), days: 365 };
      const old = { now: new Date(anchorAt + 400 * 86_400_000), days: 365 };
      expect(await verifyChain({ entries: kept, checkpoints: keptCps, keys, retention: young })).toMatchObject({
        ok: false,
        reason: 'pruned_within_retention',
      });
      expect(await verifyChain({ entries: kept, checkpoints: keptCps, keys, retention: old })).toMatchObject({ ok: true });
    });
  });

  it('accepts an empty log and reports an emptied one as truncated', async () => {
    expect(await verifyChain({ entries: [], checkpoints: [], keys })).toMatchObject({ ok: true, verifiedThrough: 0 });
    const cps = checkpointsAt(buildEntries(4), [4]);
    expect(await verifyChain({ entries: [], checkpoints: cps, keys })).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: 'truncated',
    });
  });
});

describe('verifyCliJson', () => {
  it('maps results to the snake_case keys DESIGN.md promises', async () => {
    const entries = buildEntries(3);
    expect(verifyCliJson(await verifyChain({ entries, checkpoints: [], keys }))).toEqual({
      ok: true,
      verified_through: 3,
      signed_through: 0,
      from_seq: 1,
    });
    expect(verifyCliJson(await verifyChain({ entries: entries.slice(1), checkpoints: [], keys }))).toEqual({
      ok: false,
      first_bad_seq: 1,
      reason: 'missing_anchor',
      verified_through: 0,
    });
  });
});

function leafPaths(obj: unknown, prefix: string[] = []): string[][] {
  if (obj === null || typeof obj !== 'object') return [prefix];
  const out: string[][] = [];
  for (const [k, v] of Object.entries(obj)) out.push(...leafPaths(v, [...prefix, k]));
  return out.length === 0 ? [prefix] : out;
}
