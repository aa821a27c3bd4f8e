import { type Limiter, type LimiterSpec, blockedFor, spend } from '../security/limiters.js';

/**
 * Brute-force protection for sign-in, built so that it cannot be turned against a legitimate operator:
 * - per account × IP: 5 consecutive failures block that pair for 15 min (the attacker's own address);
 * - per IP: 100 failures a day block the address for a day (credential stuffing across accounts);
 * - per account: 30 failures an hour from anywhere throttle the account for 15 min, EXCEPT from addresses it
 *   signed in from during the last 30 days, so an attacker elsewhere can delay but never lock its owner out,
 *   and every block expires by itself.
 */
export const THROTTLE_SPECS = {
  pair: { keyPrefix: 'login:pair', points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  ip: { keyPrefix: 'login:ip', points: 100, duration: 24 * 3600, blockDuration: 24 * 3600 },
  account: { keyPrefix: 'login:acct', points: 30, duration: 3600, blockDuration: 15 * 60 },
} as const satisfies Record<string, LimiterSpec>;

export type ThrottleVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number; readonly scope: 'pair' | 'ip' | 'account' };

export interface LoginThrottle {
  check(username: string, ip: string, knownIp: () => Promise<boolean>): Promise<ThrottleVerdict>;
  failed(username: string, ip: string): Promise<void>;
  succeeded(username: string, ip: string): Promise<void>;
}

export function createLoginThrottle(make: (spec: LimiterSpec) => Limiter): LoginThrottle {
  const pair = make(THROTTLE_SPECS.pair);
  const ip = make(THROTTLE_SPECS.ip);
  const account = make(THROTTLE_SPECS.account);
  const u = (name: string) => name.toLowerCase();
  return {
    async check(username, addr, knownIp) {
      const p = await blockedFor(pair, `${u(username)}|${addr}`);
      if (p > 0) return { allowed: false, retryAfterMs: p, scope: 'pair' };
      const i = await blockedFor(ip, addr);
      if (i > 0) return { allowed: false, retryAfterMs: i, scope: 'ip' };
      const a = await blockedFor(account, u(username));
      if (a > 0 && !(await knownIp())) return { allowed: false, retryAfterMs: a, scope: 'account' };
      return { allowed: true };
    },
    async failed(username, addr) {
      await Promise.all([spend(pair, `${u(username)}|${addr}`), spend(ip, addr), spend(account, u(username))]);
    },
    async succeeded(username, addr) {
      await pair.delete(`${u(username)}|${addr}`);
    },
  };
}
