import type { ApiKeyRecord } from './key.js';
import { ipAllowed } from './network.js';
import { missingScopes } from './scopes.js';

/**
 * Every verdict on a presented key, named. Each maps to its own problem type (see http/auth), so an integrator
 * can tell an expired key from a revoked one without guessing.
 */
export type KeyOutcome =
  | 'valid'
  | 'malformed'
  | 'unknown'
  | 'expired'
  | 'revoked'
  | 'rotated_grace_ended'
  | 'suspended'
  | 'ip_not_allowed'
  | 'insufficient_scope';

export interface KeyVerdict {
  readonly outcome: KeyOutcome;
  /** True while the key is a predecessor inside its grace window: valid, but its owner should switch. */
  readonly inGrace: boolean;
  readonly missing: readonly string[];
}

/**
 * Judges a found key against the request. Order matters: a revoked key is reported as revoked even if it also
 * expired, and scope is checked last so a dead key never reveals what it could have done.
 * @example judgeKey(record, new Date(), '10.0.0.1', ['events:write']).outcome === 'valid'
 */
export function judgeKey(key: ApiKeyRecord, now: Date, ip: string, requiredScopes: readonly string[]): KeyVerdict {
  const t = now.getTime();
  const verdict = (outcome: KeyOutcome, missing: readonly string[] = []): KeyVerdict => ({
    outcome,
    inGrace: key.graceEndsAt !== null && key.graceEndsAt.getTime() > t,
    missing,
  });
  if (key.state === 'revoked') return verdict(key.revokedReason === 'grace_ended' ? 'rotated_grace_ended' : 'revoked');
  if (key.state === 'suspended') return verdict('suspended');
  if (key.expiresAt !== null && key.expiresAt.getTime() <= t) return verdict('expired');
  if (key.graceEndsAt !== null && key.graceEndsAt.getTime() <= t) return verdict('rotated_grace_ended');
  if (!ipAllowed(ip, key.cidrs)) return verdict('ip_not_allowed');
  const missing = missingScopes(key.scopes, requiredScopes);
  if (missing.length > 0) return verdict('insufficient_scope', missing);
  return verdict('valid');
}
