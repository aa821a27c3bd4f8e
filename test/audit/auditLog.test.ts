import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/auditLog.js';
import { trustedKeys, verifyExportedCheckpoint } from '../../src/audit/checkpoint.js';
import type { Actor } from '../../src/audit/entry.js';
import { verifyInclusion } from '../../src/audit/merkle.js';
import { createMinimizer } from '../../src/audit/minimize.js';
import { manualClock } from '../../src/kernel/clock.js';
import { signer } from './chain.js';
import { memoryAuditStore } from './memoryStore.js';

const op: Actor = { type: 'operator', id: 'op_1' };
const DAY = 86_400_000;

function setup(retentionDays = 365) {
  const store = memoryAuditStore();
  const clock = manualClock(new Date('2026-01-01T00:00:00Z'));
  const minimizer = createMinimizer({ key: Buffer.alloc(32, 3), keyId: 'k1' });
  const audit = createAuditLog({ store, clock, signer, minimizer, retentionDays });
  const flag = (i: number) => audit.record({ action: 'flag.changed', actor: op, body: { flag: `f${i}`, on: true } });
  return { store, clock, audit, flag };
}

describe('createAuditLog', () => {
  it('chains concurrent records from many callers without a fork', async () => {
    const { store, audit, flag } = setup();
    await Promise.all(Array.from({ length: 50 }, (_, i) => flag(i)));
    expect(store.entries.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await audit.verify()).toMatchObject({ ok: true, verifiedThrough: 50, at: '2026-01-01T00:00:00.000Z' });
  });

  it('minimises personal data before it is chained', async () => {
    const { store, audit } = setup();
    await audit.record({
      action: 'decision.proposed',
      actor: { type: 'system', id: 'engine' },
      resource: { type: 'suggestion', id: 's1' },
      location: 'loc_a',
      correlationId: 'corr_1',
      body: { eventId: 'evt_1', phone: '+15550100199', text: 'trackman frozen bay 3', decision: 'reset_trackman' },
    });
    const stored = JSON.stringify(store.entries[0]);
    expect(stored).not.toContain('5550100199');
    expect(stored).not.toContain('trackman frozen');
    expect(store.entries[0]!.body).toMatchObject({ eventId: 'evt_1', decision: 'reset_trackman' });
  });

  it('refuses a non-JSON body before taking the write lock', async () => {
    const { store, audit } = setup();
    await expect(audit.record({ action: 'config.changed', actor: op, body: { at: new Date() } as never })).rejects.toThrow(
      /non_plain_object/,
    );
    expect(store.entries).toHaveLength(0);
  });

  it('signs a checkpoint over the new entries, records it, and verifies it', async () => {
    const { store, audit, flag } = setup();
    for (let i = 0; i < 5; i++) await flag(i);
    const out = await audit.checkpoint();
    expect(out).toMatchObject({ kind: 'created', checkpoint: { fromSeq: 1, toSeq: 5, treeSize: 5, keyId: signer.keyId } });
    expect(store.entries[5]).toMatchObject({ seq: 6, action: 'audit.checkpointed', body: { fromSeq: 1, toSeq: 5 } });
    // Its own record alone is nothing new to sign; the next checkpoint covers it with what follows.
    expect(await audit.checkpoint()).toEqual({ kind: 'nothing_new' });
    expect(await audit.verify()).toMatchObject({ ok: true, signedThrough: 5, verifiedThrough: 6 });
    await flag(6);
    expect(await audit.checkpoint()).toMatchObject({ kind: 'created', checkpoint: { fromSeq: 6, toSeq: 7 } });
    expect(await audit.verify()).toMatchObject({ ok: true, signedThrough: 7, verifiedThrough: 8 });
  });

  it('refuses to sign a segment that was tampered with', async () => {
    const { store, audit, flag } = setup();
    for (let i = 0; i < 3; i++) await flag(i);
    store.entries[1] = { ...store.entries[1]!, body: { flag: 'evil', on: false } };
    expect(await audit.checkpoint()).toMatchObject({ kind: 'refused', verification: { firstBadSeq: 2, reason: 'hash_mismatch' } });
    expect(store.checkpoints).toHaveLength(0);
  });

  it('reports the deletion of a checkpoint row', async () => {
    const { store, audit, flag } = setup();
    await flag(1);
    await audit.checkpoint();
    await flag(2);
    store.checkpoints = [];
    expect(await audit.verify()).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'checkpoint_missing' });
  });

  it('proves one entry is in a signed checkpoint', async () => {
    const { audit, flag } = setup();
    for (let i = 0; i < 7; i++) await flag(i);
    await audit.checkpoint();
    const proof = await audit.proveInclusion(4);
    expect(proof.kind).toBe('proved');
    const p = proof as Extract<typeof proof, { kind: 'proved' }>;
    const ok = verifyInclusion({
      index: p.index,
      treeSize: p.checkpoint.treeSize,
      leaf: Buffer.from(p.entry.hash, 'hex'),
      proof: p.proof.map((h) => Buffer.from(h, 'hex')),
      root: Buffer.from(p.checkpoint.merkleRoot, 'hex'),
    });
    expect(ok).toBe(true);
    expect(await audit.proveInclusion(8)).toEqual({ kind: 'not_checkpointed' });
    expect(await audit.proveInclusion(99)).toEqual({ kind: 'not_found' });
  });

  it('prunes whole old segments, stays verifiable from the anchor, and audits the prune', async () => {
    const { store, clock, audit, flag } = setup(30);
    for (let day = 0; day < 4; day++) {
      for (let i = 0; i < 3; i++) await flag(i);
      await audit.checkpoint();
      clock.advance(20 * DAY);
    }
    // Checkpoints were signed on days 0, 20, 40 and 60; on day 80 the cutoff is day 50.
    const out = await audit.applyRetention();
    expect(out).toMatchObject({
      kind: 'pruned',
      plan: { segments: [{ fromSeq: 1, toSeq: 3 }, { fromSeq: 4, toSeq: 7 }, { fromSeq: 8, toSeq: 11 }] },
    });
    expect(store.entries[0]!.seq).toBe(12);
    expect(store.checkpoints.map((c) => c.toSeq)).toEqual([11, 15]);
    expect(store.entries.at(-1)).toMatchObject({ action: 'audit.retention_pruned', body: { fromSeq: 1, toSeq: 11, segments: 3 } });
    expect(await audit.verify()).toMatchObject({ ok: true, fromSeq: 12 });
    expect(await audit.applyRetention()).toMatchObject({ kind: 'nothing_to_prune' });
  });

  it('does not prune a chain that fails verification', async () => {
    const { store, clock, audit, flag } = setup(1);
    await flag(1);
    await audit.checkpoint();
    await flag(2);
    await audit.checkpoint();
    clock.advance(10 * DAY);
    store.entries[0] = { ...store.entries[0]!, actor: { type: 'operator', id: 'someone_else' } };
    expect(await audit.applyRetention()).toMatchObject({ kind: 'chain_not_verified', verification: { firstBadSeq: 1 } });
    expect(store.entries[0]!.seq).toBe(1);
  });

  it('audits every export, and exported checkpoints verify outside', async () => {
    const { store, audit, flag } = setup();
    await flag(1);
    await audit.record({ action: 'auth.login_failed', actor: op, body: { reason: 'bad_password' } });
    await audit.checkpoint();
    const period = { from: new Date('2025-12-31T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') };
    const { report, csv } = await audit.exportReport({ period, requestedBy: op, format: 'csv' });
    expect(report.failedLogins.total).toBe(1);
    expect(report.verification).toMatchObject({ ok: true });
    expect(csv).toContain('failed_logins,,,,bad_password,1');
    const entries = await audit.exportEntries({ period, requestedBy: op, format: 'json' });
    expect(entries.csv).toBeNull();
    expect(entries.entries.map((e) => e.action)).toContain('data.exported');
    const docs = await audit.exportCheckpoints(op);
    expect(docs.map((d) => verifyExportedCheckpoint(JSON.parse(JSON.stringify(d)), trustedKeys([signer.publicKey])))).toEqual(['valid']);
    const exports = store.entries.filter((e) => e.action === 'data.exported').map((e) => e.body.kind);
    expect(exports).toEqual(['compliance_report', 'entries', 'checkpoints']);
  });
});
