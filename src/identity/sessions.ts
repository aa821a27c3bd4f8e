import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Operator sessions: random opaque tokens (256 bits) in an HttpOnly, Secure, SameSite=Strict cookie; only the
 * SHA-256 of the token is stored. A CSRF token (also random, stored hashed) must accompany every state-changing
 * request in the X-CSRF-Token header.
 */
export const SESSION_COOKIE = 'clubos_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 72 * 60 * 60 * 1000;

export const newToken = (): string => randomBytes(32).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

export interface SessionTimes {
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

export type SessionOutcome = 'valid' | 'unknown' | 'revoked' | 'idle_expired' | 'expired' | 'operator_disabled';

export interface StoredSession {
  readonly id: string;
  readonly operatorId: string;
  readonly csrfHash: string;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly revokedAt: Date | null;
  readonly operatorDisabled: boolean;
}

/** @example judgeSession(s, now) === 'idle_expired' after 12 h without a request */
export function judgeSession(s: StoredSession | null, now: Date): SessionOutcome {
  if (s === null) return 'unknown';
  if (s.revokedAt !== null) return 'revoked';
  if (s.operatorDisabled) return 'operator_disabled';
  if (now.getTime() >= s.absoluteExpiresAt.getTime()) return 'expired';
  if (now.getTime() >= s.idleExpiresAt.getTime()) return 'idle_expired';
  return 'valid';
}

/** A request extends the idle window, never past the absolute expiry. */
export function touched(s: SessionTimes, now: Date): SessionTimes {
  return {
    idleExpiresAt: new Date(Math.min(now.getTime() + SESSION_IDLE_MS, s.absoluteExpiresAt.getTime())),
    absoluteExpiresAt: s.absoluteExpiresAt,
  };
}

export function newSessionTimes(now: Date): SessionTimes {
  return { idleExpiresAt: new Date(now.getTime() + SESSION_IDLE_MS), absoluteExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS) };
}
