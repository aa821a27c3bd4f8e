import type { KeyEnv } from './format.js';
import type { Scope } from './scopes.js';

/** Stored state; `rotating` and `expired` are derived from time (see lifecycleOf). */
export type KeyState = 'active' | 'suspended' | 'revoked';
export type KeyLifecycle = 'active' | 'rotating' | 'expired' | 'revoked' | 'suspended';
export type RevokeReason = 'manual' | 'grace_ended' | 'compromised' | 'leak_reported';

export interface KeyRateLimit {
  readonly points: number;
  readonly windowMs: number;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly familyId: string;
  readonly generation: number;
  readonly name: string;
  readonly ownerId: string | null;
  readonly env: KeyEnv;
  readonly displayPrefix: string;
  readonly hash: string;
  readonly pepperVersion: number;
  readonly scopes: readonly Scope[];
  readonly cidrs: readonly string[];
  /** Locations this key may act on; null = every location. */
  readonly locations: readonly string[] | null;
  readonly rateLimit: KeyRateLimit | null;
  readonly state: KeyState;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  /** When the rotation job issues a successor. */
  readonly rotateAt: Date | null;
  /** Set when a successor was issued: the predecessor stays valid until then. */
  readonly graceEndsAt: Date | null;
  readonly successorId: string | null;
  readonly revokedAt: Date | null;
  readonly revokedReason: RevokeReason | null;
  readonly suspendedAt: Date | null;
  readonly suspendedReason: string | null;
  /** Compromise-detection score at riskAt (it decays from there). */
  readonly riskScore: number;
  readonly riskAt: Date | null;
  /** 1 = normal limits; below 1 after risk signals tightened them. */
  readonly limitMultiplier: number;
  readonly lastUsedAt: Date | null;
  readonly lastUsedIp: string | null;
}

/** @example lifecycleOf(key, now) === 'rotating' while a successor exists and the grace window is open. */
export function lifecycleOf(key: ApiKeyRecord, now: Date): KeyLifecycle {
  if (key.state === 'revoked') return 'revoked';
  if (key.state === 'suspended') return 'suspended';
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (key.graceEndsAt !== null) return key.graceEndsAt.getTime() <= now.getTime() ? 'revoked' : 'rotating';
  return 'active';
}
