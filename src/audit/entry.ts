import { createHash } from 'node:crypto';
import type { ExecutionTier } from '../venue/types.js';
import { canonicalJson, type JsonObject } from './canonical.js';

/**
 * The closed list of things ClubOS audits. Adding one is a deliberate change: the compliance
 * report and the "every event type has a real code path" test enumerate this list.
 */
export const AUDIT_ACTIONS = [
  'decision.proposed',
  'decision.executed',
  'decision.vetoed',
  'decision.approved',
  'decision.overridden',
  'action.outcome',
  // Execution (issue 5): a suggestion's veto window opened; a kill switch was set or cleared.
  'suggestion.scheduled',
  'killswitch.changed',
  'auth.login_succeeded',
  'auth.login_failed',
  'key.created',
  'key.rotated',
  'key.suspended',
  'key.revoked',
  'key.expired',
  'key.used_from_new_prefix',
  'config.changed',
  'flag.changed',
  'pattern.locked',
  'pattern.demoted',
  'pattern.released',
  'data.exported',
  'security.event',
  'audit.checkpointed',
  'audit.retention_pruned',
  // venue records
  'thread.escalated',
  'thread.resolved',
  'booking.created',
  'booking.cancelled',
  'booking.moved',
  'template.changed',
  'ticket.opened',
  'ticket.breached',
  'reply.sent',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const actionSet: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/**
 * @example
 * isAuditAction('key.revoked') // true
 * isAuditAction('key.deleted') // false
 */
export function isAuditAction(s: string): s is AuditAction {
  return actionSet.has(s);
}

export type ActorType = 'operator' | 'api_key' | 'system';
export interface Actor {
  readonly type: ActorType;
  /** Operator id, API key id (never the secret) or the system component's name. */
  readonly id: string;
}

/** What the entry is about, e.g. `{ type: 'suggestion', id: 'sug_42' }`; the report joins on it. */
export interface ResourceRef {
  readonly type: string;
  readonly id: string;
}

/** Bodies the compliance report reads have a fixed shape; every other action carries free JSON. */
export interface KnownBodies {
  readonly 'decision.executed': JsonObject & { readonly decision: string; readonly tier: ExecutionTier };
  readonly 'decision.overridden': JsonObject & { readonly from: string; readonly to: string };
  readonly 'auth.login_failed': JsonObject & { readonly reason: string };
  readonly 'security.event': JsonObject & { readonly kind: string; readonly severity: SecuritySeverity };
}
export type SecuritySeverity = 'low' | 'medium' | 'high' | 'critical';
export type AuditBody<A extends AuditAction> = A extends keyof KnownBodies ? KnownBodies[A] : JsonObject;

/** Sequence numbers start at 1 and stay safe integers (PostgreSQL bigint, JS number). */
export type Seq = number;

/**
 * @example
 * isSeq(1) // true
 * isSeq(0) // false; isSeq(2 ** 53) // false
 */
export function isSeq(n: unknown): n is Seq {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}

/** Everything hashed for one entry. Hashes are lowercase hex SHA-256 (64 characters). */
export interface AuditEntryContent<A extends AuditAction = AuditAction> {
  readonly seq: Seq;
  /** UTC, `Date#toISOString()` form. */
  readonly at: string;
  readonly actor: Actor;
  readonly action: A;
  readonly resource: ResourceRef | null;
  readonly location: string | null;
  readonly correlationId: string | null;
  readonly body: AuditBody<A>;
}

export interface AuditEntry<A extends AuditAction = AuditAction> extends AuditEntryContent<A> {
  /** The hash of the entry before this one, or {@link GENESIS_PREV_HASH} for seq 1. */
  readonly prevHash: string;
  readonly hash: string;
}

/** The position a new entry chains onto: the last entry, or genesis for an empty log. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** The "previous hash" of the first entry: 32 zero bytes. */
export const GENESIS_PREV_HASH = '0'.repeat(64);
export const GENESIS_HEAD: ChainHead = Object.freeze({ seq: 0, hash: GENESIS_PREV_HASH });

const HEX64 = /^[0-9a-f]{64}$/;
/**
 * @example
 * isSha256Hex('ab'.repeat(32)) // true
 */
export function isSha256Hex(s: unknown): s is string {
  return typeof s === 'string' && HEX64.test(s);
}

/**
 * hash = SHA-256(prevHash as 32 raw bytes || canonical JSON bytes of the content).
 * The content is exactly the fields of {@link AuditEntryContent}; prevHash enters as the prefix.
 * @example
 * entryHash(GENESIS_PREV_HASH, content) // '3f0c…' (64 hex characters)
 */
export function entryHash(prevHash: string, content: AuditEntryContent): string {
  const canonical = {
    seq: content.seq,
    at: content.at,
    actor: { type: content.actor.type, id: content.actor.id },
    action: content.action,
    resource: content.resource === null ? null : { type: content.resource.type, id: content.resource.id },
    location: content.location,
    correlationId: content.correlationId,
    body: content.body,
  };
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalJson(canonical), 'utf8').digest('hex');
}

/**
 * Chains content onto a head: fills seq-independent fields from `content`, sets prevHash and hash.
 * @example
 * const first = sealEntry(GENESIS_HEAD, { ...content, seq: 1 });
 * first.prevHash === GENESIS_PREV_HASH // true
 */
export function sealEntry<A extends AuditAction>(head: ChainHead, content: AuditEntryContent<A>): AuditEntry<A> {
  if (content.seq !== head.seq + 1) throw new RangeError(`seq ${content.seq} does not follow head ${head.seq}`);
  if (!isSeq(content.seq)) throw new RangeError(`seq ${content.seq} is not a safe positive integer`);
  return { ...content, prevHash: head.hash, hash: entryHash(head.hash, content) };
}
