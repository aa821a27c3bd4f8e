import type { SignedCheckpoint } from './checkpoint.js';

/**
 * Retention planning: which whole segments (the entries between two checkpoints) may go once they
 * are older than the retention period. Only whole segments, oldest first, are removed, and the
 * checkpoint of the last removed segment stays as the anchor the remaining chain starts from, so
 * the log verifies from there exactly as before. The newest segment is never removed: the chain
 * head must always be an entry the next append can link to.
 */

export interface Segment {
  readonly fromSeq: number;
  readonly toSeq: number;
}

export type RetentionPlan =
  | {
      readonly kind: 'prune';
      /** Delete in this order (oldest first); each deletion leaves its checkpoint as the anchor. */
      readonly segments: readonly Segment[];
      /** The checkpoint the kept chain starts after: its headHash is the next entry's prevHash. */
      readonly anchor: SignedCheckpoint;
      /** Entries older than this instant may be removed. */
      readonly cutoff: Date;
    }
  | { readonly kind: 'nothing_to_prune'; readonly cutoff: Date }
  /** The stored checkpoints do not tile the kept chain: prune nothing, let verification report it. */
  | { readonly kind: 'refused'; readonly reason: 'checkpoints_not_contiguous'; readonly cutoff: Date };

export interface RetentionInput {
  /** Stored checkpoints, any order. */
  readonly checkpoints: readonly SignedCheckpoint[];
  /** The smallest seq still stored (1 before the first prune). */
  readonly oldestSeq: number;
  readonly now: Date;
  /** `COMPLIANCE_RETENTION_DAYS`, default 365. */
  readonly retentionDays: number;
}

export const DEFAULT_RETENTION_DAYS = 365;
const DAY_MS = 86_400_000;

/**
 * A segment is removable when its checkpoint was signed before the cutoff (the checkpoint is
 * younger than every entry it covers, so all of them are older too).
 * @example
 * planRetention({ checkpoints, oldestSeq: 1, now: new Date('2027-06-01Z'), retentionDays: 365 })
 * // { kind: 'prune', segments: [{ fromSeq: 1, toSeq: 5000 }], anchor: cp5000, cutoff }
 */
export function planRetention(input: RetentionInput): RetentionPlan {
  if (!Number.isFinite(input.retentionDays) || input.retentionDays < 1) {
    throw new RangeError('retention period must be at least one day');
  }
  const cutoff = new Date(input.now.getTime() - input.retentionDays * DAY_MS);
  const kept = [...input.checkpoints].filter((c) => c.toSeq >= input.oldestSeq).sort((a, b) => a.toSeq - b.toSeq);
  let expectedFrom = input.oldestSeq;
  for (const cp of kept) {
    if (cp.fromSeq !== expectedFrom) return { kind: 'refused', reason: 'checkpoints_not_contiguous', cutoff };
    expectedFrom = cp.toSeq + 1;
  }
  const segments: Segment[] = [];
  let anchor: SignedCheckpoint | null = null;
  for (const cp of kept.slice(0, -1)) {
    if (Date.parse(cp.at) > cutoff.getTime()) break;
    segments.push({ fromSeq: cp.fromSeq, toSeq: cp.toSeq });
    anchor = cp;
  }
  if (anchor === null) return { kind: 'nothing_to_prune', cutoff };
  return { kind: 'prune', segments, anchor, cutoff };
}
