import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * First run without default credentials: the server prints a one-time token; whoever holds it creates the first
 * administrator. Only the token's hash is stored.
 */
export const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export type SetupTokenOutcome = 'valid' | 'invalid' | 'expired' | 'used' | 'none';

export interface StoredSetupToken {
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

export const hashSetupToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function newSetupToken(): string {
  return `setup_${randomBytes(24).toString('base64url')}`;
}

/**
 * @example judgeSetupToken(stored, 'setup_…', new Date()) === 'valid'
 */
export function judgeSetupToken(stored: StoredSetupToken | null, presented: string, now: Date): SetupTokenOutcome {
  if (stored === null) return 'none';
  const a = Buffer.from(stored.tokenHash, 'hex');
  const b = Buffer.from(hashSetupToken(presented), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'invalid';
  if (stored.usedAt !== null) return 'used';
  if (now.getTime() > stored.expiresAt.getTime()) return 'expired';
  return 'valid';
}
