import type { Clock } from '../kernel/clock.js';
import { canonicalJson } from './canonical.js';
import {
  type CheckpointSigner,
  type ExportedCheckpoint,
  exportCheckpoint,
  recordsCheckpoint,
  type SignedCheckpoint,
  type TrustedKeys,
  trustedKeys,
} from './checkpoint.js';
import { entriesCsv } from './csv.js';
import { type Actor, type AuditAction, type AuditBody, type AuditEntry, type ChainHead, type ResourceRef, sealEntry } from './entry.js';
import { createMerkleAccumulator, inclusionProof } from './merkle.js';
import type { Minimizer } from './minimize.js';
import type { AuditStore, PreparedEntry } from './ports.js';
import { type ComplianceReport, complianceReportCsv, buildComplianceReport, type ReportPeriod } from './report.js';
import { DEFAULT_RETENTION_DAYS, planRetention, type RetentionPlan } from './retention.js';
import { type VerifyFailed, type VerifyResult, verifyChain } from './verify.js';

/**
 * The audit log service: the only way anything in ClubOS writes an audit entry. It minimises the
 * body, chains the entry under the store's lock, signs checkpoints, verifies, prunes by retention
 * and produces exports, each export being audited itself.
 */

export interface AuditInput<A extends AuditAction> {
  readonly action: A;
  readonly actor: Actor;
  readonly body: AuditBody<A>;
  readonly resource?: ResourceRef | null;
  readonly location?: string | null;
  readonly correlationId?: string | null;
}

/** What the status endpoint and the dashboard show: "verified up to N at T". */
export type VerificationStatus = VerifyResult & { readonly at: string };

export type CheckpointOutcome =
  | { readonly kind: 'created'; readonly checkpoint: SignedCheckpoint }
  | { readonly kind: 'nothing_new' }
  /** Another instance checkpointed the same range first. */
  | { readonly kind: 'conflict' }
  /** The segment does not verify: signing it would vouch for tampered data. */
  | { readonly kind: 'refused'; readonly verification: VerifyFailed };

export type RetentionOutcome =
  | { readonly kind: 'pruned'; readonly plan: RetentionPlan & { kind: 'prune' }; readonly entry: AuditEntry }
  | Exclude<RetentionPlan, { kind: 'prune' }>
  | { readonly kind: 'chain_not_verified'; readonly verification: VerifyFailed }
  | { readonly kind: 'conflict'; readonly segment: { readonly fromSeq: number; readonly toSeq: number } };

export type InclusionOutcome =
  | {
      readonly kind: 'proved';
      readonly entry: AuditEntry;
      readonly checkpoint: SignedCheckpoint;
      /** The entry's leaf index in the checkpoint's tree (seq - fromSeq). */
      readonly index: number;
      /** RFC 6962 audit path, hex; leaf data is the entry hash's 32 bytes. */
      readonly proof: readonly string[];
    }
  | { readonly kind: 'not_checkpointed' | 'not_found' };

export type ExportFormat = 'json' | 'csv';

export interface AuditLog {
  record<A extends AuditAction>(input: AuditInput<A>): Promise<AuditEntry<A>>;
  /**
   * Records the entry unless one with the same action about the same resource is stored: the log itself is the
   * record that the work was done, so a task whose own mark is written after the entry can crash in between and
   * its rerun neither loses nor repeats the entry. Null when it was there already.
   */
  recordOnce<A extends AuditAction>(input: AuditInput<A> & { readonly resource: ResourceRef }): Promise<AuditEntry<A> | null>;
  /**
   * The entry, minimised and checked now, for a store to append inside the transaction that makes the change it
   * records: a task that claims a row and audits it then commits both or neither, so a crash in between loses
   * nothing and its rerun finds the row unclaimed.
   */
  prepared<A extends AuditAction>(input: AuditInput<A>): PreparedEntry<A>;
  checkpoint(): Promise<CheckpointOutcome>;
  verify(): Promise<VerificationStatus>;
  applyRetention(): Promise<RetentionOutcome>;
  proveInclusion(seq: number): Promise<InclusionOutcome>;
  exportCheckpoints(requestedBy: Actor): Promise<readonly ExportedCheckpoint[]>;
  exportReport(q: ExportQuery): Promise<{ readonly report: ComplianceReport; readonly csv: string | null }>;
  exportEntries(q: ExportQuery): Promise<{ readonly entries: readonly AuditEntry[]; readonly csv: string | null }>;
}

export interface ExportQuery {
  readonly period: ReportPeriod;
  readonly requestedBy: Actor;
  readonly format: ExportFormat;
}

export interface AuditLogDeps {
  readonly store: AuditStore;
  readonly clock: Clock;
  readonly signer: CheckpointSigner;
  readonly minimizer: Minimizer;
  /** Public keys of earlier signing keys still trusted after a rotation (PEM or raw base64). */
  readonly previousPublicKeys?: readonly string[];
  /** `COMPLIANCE_RETENTION_DAYS`. */
  readonly retentionDays?: number;
  /** The correlation id of the work being done (the HTTP request's), for entries whose caller passes none. */
  readonly correlationId?: () => string | null | undefined;
}

const ALL = Number.MAX_SAFE_INTEGER;
const SYSTEM: Actor = { type: 'system', id: 'audit' };

/**
 * @example
 * const audit = createAuditLog({ store, clock, signer, minimizer });
 * await audit.record({ action: 'key.revoked', actor: { type: 'operator', id: 'op_1' },
 *   resource: { type: 'api_key', id: 'key_9' }, body: { reason: 'leaked' } });
 */
export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const { store, clock, signer, minimizer } = deps;
  const keys: TrustedKeys = trustedKeys([signer.publicKey, ...(deps.previousPublicKeys ?? [])]);
  const retentionDays = deps.retentionDays ?? DEFAULT_RETENTION_DAYS;

  /** The entry's builder, run under the store's write lock; the body is minimised and checked before the lock. */
  const sealer = <A extends AuditAction>(input: AuditInput<A>): PreparedEntry<A> => {
    const body = minimizer.minimize(input.body) as AuditBody<A>;
    canonicalJson(body); // refuse a non-JSON body here, before the write lock is taken
    return (head: ChainHead): AuditEntry<A> =>
      sealEntry(head, {
        seq: head.seq + 1,
        at: clock.now().toISOString(),
        actor: { type: input.actor.type, id: input.actor.id },
        action: input.action,
        resource: input.resource ?? null,
        location: input.location ?? null,
        correlationId: input.correlationId ?? deps.correlationId?.() ?? null,
        body,
      });
  };

  const record = async <A extends AuditAction>(input: AuditInput<A>): Promise<AuditEntry<A>> => store.append(sealer(input));

  const verify = async (): Promise<VerificationStatus> => {
    // Head first: every audit.checkpointed entry up to it names a checkpoint already listed below.
    const head = await store.head();
    const checkpoints = await store.listCheckpoints();
    const now = clock.now();
    const result = await verifyChain({
      entries: store.readRange(1, head.seq),
      checkpoints,
      keys,
      retention: { now, days: retentionDays },
    });
    return { ...result, at: now.toISOString() };
  };

  const onlyRecordOf = async (seq: number, cp: SignedCheckpoint): Promise<boolean> => {
    for await (const e of store.readRange(seq, seq)) return recordsCheckpoint(e, cp);
    return false;
  };

  const checkpoint = async (): Promise<CheckpointOutcome> => {
    const latest = await store.latestCheckpoint();
    const head = await store.head();
    const fromSeq = latest === null ? ((await store.oldestSeq()) ?? 1) : latest.toSeq + 1;
    if (head.seq < fromSeq) return { kind: 'nothing_new' };
    // Another instance checkpointed between our caller's look and ours: its own record is all that is new.
    if (latest !== null && head.seq === fromSeq && (await onlyRecordOf(fromSeq, latest))) return { kind: 'nothing_new' };
    const acc = createMerkleAccumulator();
    // One pass both checks the segment against the previous checkpoint and builds its tree.
    const verification = await verifyChain({
      entries: tap(store.readRange(fromSeq, head.seq), (e) => acc.push(Buffer.from(e.hash, 'hex'))),
      checkpoints: latest === null ? [] : [latest],
      keys,
    });
    if (!verification.ok) return { kind: 'refused', verification };
    const cp = signer.sign({
      fromSeq,
      toSeq: head.seq,
      treeSize: head.seq - fromSeq + 1,
      headHash: verification.headHash,
      merkleRoot: Buffer.from(acc.root()).toString('hex'),
      at: clock.now().toISOString(),
    });
    if ((await store.saveCheckpoint(cp)) === 'conflict') return { kind: 'conflict' };
    await record({
      action: 'audit.checkpointed',
      actor: SYSTEM,
      resource: { type: 'audit_checkpoint', id: String(cp.toSeq) },
      body: { fromSeq: cp.fromSeq, toSeq: cp.toSeq, merkleRoot: cp.merkleRoot, keyId: cp.keyId },
    });
    return { kind: 'created', checkpoint: cp };
  };

  const applyRetention = async (): Promise<RetentionOutcome> => {
    // Never delete evidence: prune only a chain that verifies right now.
    const status = await verify();
    if (!status.ok) return { kind: 'chain_not_verified', verification: status };
    const plan = planRetention({
      checkpoints: await store.listCheckpoints(),
      oldestSeq: (await store.oldestSeq()) ?? 1,
      now: clock.now(),
      retentionDays,
    });
    if (plan.kind !== 'prune') return plan;
    for (const segment of plan.segments) {
      if ((await store.deleteSegment(segment)) === 'not_oldest') return { kind: 'conflict', segment };
    }
    const entry = await record({
      action: 'audit.retention_pruned',
      actor: { type: 'system', id: 'retention' },
      body: {
        fromSeq: plan.segments[0]!.fromSeq,
        toSeq: plan.anchor.toSeq,
        segments: plan.segments.length,
        anchorHeadHash: plan.anchor.headHash,
        cutoff: plan.cutoff.toISOString(),
        retentionDays,
      },
    });
    return { kind: 'pruned', plan, entry };
  };

  const proveInclusion = async (seq: number): Promise<InclusionOutcome> => {
    const cp = (await store.listCheckpoints()).find((c) => c.fromSeq <= seq && seq <= c.toSeq);
    if (cp === undefined) return { kind: (await store.head()).seq >= seq ? 'not_checkpointed' : 'not_found' };
    const leaves: Uint8Array[] = [];
    let entry: AuditEntry | null = null;
    for await (const e of store.readRange(cp.fromSeq, cp.toSeq)) {
      leaves.push(Buffer.from(e.hash, 'hex'));
      if (e.seq === seq) entry = e;
    }
    if (entry === null) return { kind: 'not_found' };
    const index = seq - cp.fromSeq;
    const proof = inclusionProof(leaves, index).map((h) => Buffer.from(h).toString('hex'));
    return { kind: 'proved', entry, checkpoint: cp, index, proof };
  };

  const audited = (q: ExportQuery, kind: string, count: number) =>
    record({
      action: 'data.exported',
      actor: q.requestedBy,
      resource: { type: 'audit_export', id: kind },
      body: { kind, format: q.format, from: q.period.from.toISOString(), to: q.period.to.toISOString(), count },
    });

  return {
    record,
    recordOnce: async (input) => store.appendOnce({ action: input.action, resource: input.resource }, sealer(input)),
    prepared: sealer,
    checkpoint,
    verify,
    applyRetention,
    proveInclusion,
    async exportCheckpoints(requestedBy) {
      const docs = (await store.listCheckpoints()).map((cp) => exportCheckpoint(cp, signer.publicKey));
      const all = { from: new Date(0), to: clock.now() };
      await audited({ period: all, requestedBy, format: 'json' }, 'checkpoints', docs.length);
      return docs;
    },
    async exportReport(q) {
      const report = await buildComplianceReport({
        entries: store.readRange(1, ALL),
        period: q.period,
        verification: await verify(),
        now: clock.now(),
      });
      await audited(q, 'compliance_report', report.entries);
      return { report, csv: q.format === 'csv' ? complianceReportCsv(report) : null };
    },
    async exportEntries(q) {
      const entries: AuditEntry[] = [];
      for await (const e of store.readRange(1, ALL)) {
        const t = Date.parse(e.at);
        if (t >= q.period.from.getTime() && t < q.period.to.getTime()) entries.push(e);
      }
      await audited(q, 'entries', entries.length);
      return { entries, csv: q.format === 'csv' ? entriesCsv(entries) : null };
    },
  };
}

async function* tap<T>(source: AsyncIterable<T>, see: (item: T) => void): AsyncIterable<T> {
  for await (const item of source) {
    see(item);
    yield item;
  }
}
