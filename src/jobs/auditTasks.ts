import type { AuditLog } from '../audit/auditLog.js';
import type { AuditStore } from '../audit/ports.js';
import type { VerifyFailure } from '../audit/verify.js';

/**
 * The audit log's periodic work, as tasks the scheduler calls: sign a checkpoint over what was
 * appended since the last one, and apply `COMPLIANCE_RETENTION_DAYS`. Each returns a named
 * outcome with the level it deserves in the log, so the scheduler only has to write it down.
 */

export type TaskLevel = 'info' | 'warn' | 'error';

export type CheckpointTaskOutcome =
  | {
      readonly task: 'audit.checkpoint';
      readonly outcome: 'created';
      readonly level: 'info';
      readonly fromSeq: number;
      readonly toSeq: number;
      readonly merkleRoot: string;
      readonly keyId: string;
    }
  /** Nothing but the previous checkpoint's own `audit.checkpointed` record since it. */
  | { readonly task: 'audit.checkpoint'; readonly outcome: 'nothing_new'; readonly level: 'info'; readonly signedThrough: number }
  /** Another instance signed the same range first: its checkpoint stands. */
  | { readonly task: 'audit.checkpoint'; readonly outcome: 'conflict'; readonly level: 'warn' }
  /** The segment failed verification, so it was not signed: someone must look at the log. */
  | {
      readonly task: 'audit.checkpoint';
      readonly outcome: 'refused';
      readonly level: 'error';
      readonly firstBadSeq: number;
      readonly reason: VerifyFailure;
    };

export type RetentionTaskOutcome =
  | {
      readonly task: 'audit.retention';
      readonly outcome: 'pruned';
      readonly level: 'info';
      /** The removed entries, whole segments only. */
      readonly fromSeq: number;
      readonly toSeq: number;
      readonly segments: number;
      /** The first entry kept; the chain verifies from here via the anchor checkpoint ending at toSeq. */
      readonly keptFromSeq: number;
      readonly cutoff: string;
      /** The `audit.retention_pruned` entry recording the removal. */
      readonly recordedSeq: number;
    }
  | { readonly task: 'audit.retention'; readonly outcome: 'nothing_to_prune'; readonly level: 'info'; readonly cutoff: string }
  | {
      readonly task: 'audit.retention';
      readonly outcome: 'refused';
      readonly level: 'error';
      readonly reason: 'checkpoints_not_contiguous';
      readonly cutoff: string;
    }
  /** Never delete evidence from a chain that does not verify. */
  | {
      readonly task: 'audit.retention';
      readonly outcome: 'chain_not_verified';
      readonly level: 'error';
      readonly firstBadSeq: number;
      readonly reason: VerifyFailure;
    }
  | { readonly task: 'audit.retention'; readonly outcome: 'conflict'; readonly level: 'warn'; readonly fromSeq: number; readonly toSeq: number };

/** The part of the audit store the checkpoint task reads: how far the chain is signed, for its report. */
export type ChainPosition = Pick<AuditStore, 'latestCheckpoint'>;

/**
 * Signs a checkpoint when entries were appended since the last one. The checkpoint's own
 * `audit.checkpointed` record does not count (`AuditLog.checkpoint` decides), or every run would sign a
 * segment of one record.
 * @example
 * const outcome = await checkpointTask(runtime.audit, createAuditStore(runtime.database));
 * logger[outcome.level](outcome, 'audit checkpoint task');
 */
export async function checkpointTask(audit: Pick<AuditLog, 'checkpoint'>, chain: ChainPosition): Promise<CheckpointTaskOutcome> {
  const task = 'audit.checkpoint';
  const latest = await chain.latestCheckpoint();
  const out = await audit.checkpoint();
  switch (out.kind) {
    case 'created': {
      const cp = out.checkpoint;
      return { task, outcome: 'created', level: 'info', fromSeq: cp.fromSeq, toSeq: cp.toSeq, merkleRoot: cp.merkleRoot, keyId: cp.keyId };
    }
    case 'nothing_new':
      return { task, outcome: 'nothing_new', level: 'info', signedThrough: latest?.toSeq ?? 0 };
    case 'conflict':
      return { task, outcome: 'conflict', level: 'warn' };
    case 'refused':
      return { task, outcome: 'refused', level: 'error', firstBadSeq: out.verification.firstBadSeq, reason: out.verification.reason };
  }
}

/**
 * Removes whole segments older than the retention period, oldest first, keeping the last removed
 * segment's checkpoint as the anchor the rest of the chain verifies from.
 * @example
 * const outcome = await retentionTask(runtime.audit);
 * logger[outcome.level](outcome, 'audit retention task');
 */
export async function retentionTask(audit: Pick<AuditLog, 'applyRetention'>): Promise<RetentionTaskOutcome> {
  const task = 'audit.retention';
  const out = await audit.applyRetention();
  switch (out.kind) {
    case 'pruned':
      return {
        task,
        outcome: 'pruned',
        level: 'info',
        fromSeq: out.plan.segments[0]!.fromSeq,
        toSeq: out.plan.anchor.toSeq,
        segments: out.plan.segments.length,
        keptFromSeq: out.plan.anchor.toSeq + 1,
        cutoff: out.plan.cutoff.toISOString(),
        recordedSeq: out.entry.seq,
      };
    case 'nothing_to_prune':
      return { task, outcome: 'nothing_to_prune', level: 'info', cutoff: out.cutoff.toISOString() };
    case 'refused':
      return { task, outcome: 'refused', level: 'error', reason: out.reason, cutoff: out.cutoff.toISOString() };
    case 'chain_not_verified':
      return { task, outcome: 'chain_not_verified', level: 'error', firstBadSeq: out.verification.firstBadSeq, reason: out.verification.reason };
    case 'conflict':
      return { task, outcome: 'conflict', level: 'warn', fromSeq: out.segment.fromSeq, toSeq: out.segment.toSeq };
  }
}
