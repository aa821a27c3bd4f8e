import type { BreakerPolicy, BreakerState, BreakerVerdict } from '../actions/circuitBreaker.js';
import type { CommandResult } from '../actions/ports.js';
import type { DecisionParams, ExecutionTier, LoggedAction } from '../venue/types.js';
import type { ExecutionSummaryRow } from './liveFigures.js';
import type { KillSwitchSet } from './precheck.js';
import type { ExecutionOrigin, ExecutionState } from './states.js';

/** What the execution engine needs from durable storage; `store/execution/` implements it. */

export interface ExecutionRecord {
  readonly id: string;
  readonly eventId: string;
  readonly patternKey: string;
  readonly decision: string;
  readonly params: DecisionParams;
  readonly location: string | null;
  readonly idempotencyKey: string;
  readonly tier: ExecutionTier;
  readonly origin: ExecutionOrigin;
  readonly state: ExecutionState;
  readonly runAt: Date;
  readonly attempts: number;
  readonly claimedBy: string | null;
  readonly leaseUntil: Date | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly durationMs: number | null;
  readonly outcomeDetail: string | null;
  readonly outcomeReason: string | null;
  readonly vendorRef: string | null;
  readonly integrationId: string | null;
  readonly approvedBy: string | null;
  readonly cancelledBy: string | null;
  readonly cancelReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewExecution {
  readonly id: string;
  readonly eventId: string;
  readonly patternKey: string;
  readonly decision: string;
  readonly params: DecisionParams;
  readonly idempotencyKey: string;
  readonly tier: ExecutionTier;
  readonly origin: ExecutionOrigin;
  readonly state: 'scheduled' | 'pending';
  readonly runAt: Date;
  readonly approvedBy: string | null;
  readonly at: Date;
}

export interface Finish {
  readonly state: 'succeeded' | 'failed' | 'unconfirmed' | 'timed_out';
  readonly result: CommandResult;
  readonly integrationId: string | null;
  readonly at: Date;
  /** The outcome is fed back to the decision memory: the row takes its place in the learning history. */
  readonly learn: boolean;
  /** A correct automatic execution answers its proposal: it leaves the operator queue. */
  readonly resolveProposal: boolean;
}

export interface ExecutionQuery {
  readonly state?: ExecutionState;
  readonly location?: string;
  /** Locations the caller may see (null = all). */
  readonly locations: readonly string[] | null;
  readonly limit: number;
}

export interface ExecutionStore {
  /** Inserts once per idempotency key; a second create returns the existing row with `created: false`. */
  create(n: NewExecution): Promise<{ readonly created: boolean; readonly record: ExecutionRecord }>;
  byId(id: string): Promise<ExecutionRecord | null>;
  forEvent(eventId: string): Promise<ExecutionRecord[]>;
  forEvents(eventIds: readonly string[]): Promise<ExecutionRecord[]>;
  list(q: ExecutionQuery): Promise<ExecutionRecord[]>;
  /** scheduled → cancelled for the event's suggestions; returns the rows it cancelled. */
  cancelScheduled(eventId: string, by: string, reason: string, at: Date): Promise<ExecutionRecord[]>;
  /** scheduled → pending (due now, origin approval); null when there was no scheduled row left. */
  approveScheduled(eventId: string, by: string, at: Date): Promise<ExecutionRecord | null>;
  /** Due scheduled/pending rows → running, claimed with a lease (FOR UPDATE SKIP LOCKED). */
  /** `operatorOnly`: only what an operator decided or approved (shadow mode never runs anything by silence). */
  claimDue(now: Date, instance: string, leaseMs: number, limit: number, operatorOnly?: boolean): Promise<ExecutionRecord[]>;
  /** Running rows whose lease expired → what `decide` says (pending again, or unconfirmed). */
  expireLeases(now: Date, decide: (r: ExecutionRecord) => 'pending' | 'unconfirmed', limit: number): Promise<ExecutionRecord[]>;
  /** running (claimed by this instance) → the outcome; null when the claim was lost. */
  finish(id: string, instance: string, f: Finish): Promise<ExecutionRecord | null>;
  /** running (claimed by this instance) → pending, for an idempotent retry. */
  retry(id: string, instance: string, at: Date, result: CommandResult): Promise<ExecutionRecord | null>;
  /** Fills parameters the check resolved (an unlock's booking), on a row this instance runs, before it acts. */
  refine(id: string, instance: string, params: DecisionParams, at: Date): Promise<void>;
  /** running (claimed by this instance) → cancelled: the pre-execution check refused it, nothing was sent. */
  refuse(id: string, instance: string, reason: string, at: Date): Promise<ExecutionRecord | null>;
  /** The system's own action log at a location since `since` (executions that may have acted, escalations), without `exclude`. */
  actionLog(location: string, since: Date, exclude: string): Promise<LoggedAction[]>;
  summary(locations: readonly string[] | null): Promise<{ readonly rows: ExecutionSummaryRow[]; readonly proposals: number }>;
}

export interface BreakerStore {
  /** Reads, decides (pure `admit`) and persists in one transaction, so one instance gets a half-open probe. */
  admit(integrationId: string, policy: BreakerPolicy, now: Date): Promise<BreakerVerdict>;
  record(integrationId: string, policy: BreakerPolicy, result: CommandResult, now: Date): Promise<BreakerState>;
  state(integrationId: string): Promise<BreakerState>;
  /** Every integration that has a breaker row (it was called at least once), for the admin view. */
  list(): Promise<readonly BreakerRow[]>;
}

export interface BreakerRow {
  readonly integrationId: string;
  readonly state: BreakerState;
  readonly updatedAt: Date;
}

export const KILL_SWITCH_KINDS = ['action', 'location'] as const;
export type KillSwitchKind = (typeof KILL_SWITCH_KINDS)[number];

export interface KillSwitch {
  readonly kind: KillSwitchKind;
  readonly name: string;
  readonly setBy: string;
  readonly reason: string | null;
  readonly at: Date;
}

export interface KillSwitchStore {
  list(): Promise<KillSwitch[]>;
  set(k: KillSwitch): Promise<void>;
  /** false when no such switch was set. */
  remove(kind: KillSwitchKind, name: string): Promise<boolean>;
}

/** The set the pre-execution check reads. */
export function killSwitchSet(list: readonly KillSwitch[]): KillSwitchSet {
  return {
    actions: new Set(list.filter((k) => k.kind === 'action').map((k) => k.name)),
    locations: new Set(list.filter((k) => k.kind === 'location').map((k) => k.name.trim().toLowerCase())),
  };
}
