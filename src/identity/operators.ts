import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/auditLog.js';
import type { Actor } from '../audit/entry.js';
import type { Clock } from '../kernel/clock.js';
import type { Role } from '../security/guard/routeContract.js';
import { judgeSetupToken } from '../setup/firstRun.js';
import type { DB } from '../store/schema.js';
import { operatorStore } from '../store/identity/operators.js';
import type { SessionStore } from '../store/identity/sessions.js';
import { setupTokenStore } from '../store/setup/setupTokens.js';
import type { LoginThrottle } from './loginThrottle.js';
import type { Operator } from './operator.js';
import { DUMMY_HASH, type PasswordProblem, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { type SessionOutcome, judgeSession, newSessionTimes, newToken, sameHash, tokenHash, touched } from './sessions.js';

export interface NewSession {
  readonly token: string;
  readonly csrfToken: string;
  readonly sessionId: string;
  readonly absoluteExpiresAt: Date;
}

export type SetupOutcome =
  | { readonly kind: 'created'; readonly operator: Operator; readonly session: NewSession }
  | { readonly kind: 'token'; readonly outcome: 'invalid' | 'expired' | 'used' | 'none' }
  | { readonly kind: 'weak_password'; readonly problem: PasswordProblem };

export type LoginOutcome =
  | { readonly kind: 'ok'; readonly operator: Operator; readonly session: NewSession }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number };

export type SessionCheck =
  | { readonly kind: 'valid'; readonly operator: Operator; readonly sessionId: string; readonly csrfHash: string }
  | { readonly kind: Exclude<SessionOutcome, 'valid'> };

const KNOWN_IP_DAYS = 30;

export function createOperatorService(deps: { db: Kysely<DB>; sessions: SessionStore; audit: AuditLog; clock: Clock; throttle: LoginThrottle }) {
  const { db, sessions, audit, clock, throttle } = deps;
  const operators = operatorStore(db);

  async function openSession(op: Operator, ip: string, userAgent: string): Promise<NewSession> {
    const now = clock.now();
    const token = newToken();
    const csrfToken = newToken();
    const times = newSessionTimes(now);
    const sessionId = tokenHash(token);
    await sessions.insert({ id: sessionId, operatorId: op.id, csrfHash: tokenHash(csrfToken), createdAt: now, ...times, ip, userAgent });
    return { token, csrfToken, sessionId, absoluteExpiresAt: times.absoluteExpiresAt };
  }

  return {
    operators,

    /** First run: the one-time token creates the first administrator, atomically with burning the token. */
    async setup(input: { token: string; username: string; password: string; displayName: string }, ip: string, userAgent: string): Promise<SetupOutcome> {
      const now = clock.now();
      const weak = passwordProblem(input.password, input.username);
      if (weak) return { kind: 'weak_password', problem: weak };
      const passwordHash = await hashPassword(input.password);
      const op: Operator = { id: randomUUID(), username: input.username, displayName: input.displayName, role: 'admin', locations: null, createdAt: now, disabledAt: null };
      const outcome = await db.transaction().execute(async (tx) => {
        const tokens = setupTokenStore(tx);
        const verdict = judgeSetupToken(await tokens.load(), input.token, now);
        if (verdict !== 'valid') return verdict;
        if (!(await tokens.markUsed(now))) return 'used' as const;
        await operatorStore(tx).insert({ ...op, passwordHash });
        return 'valid' as const;
      });
      if (outcome !== 'valid') return { kind: 'token', outcome };
      await audit.record({ action: 'config.changed', actor: { type: 'operator', id: op.id }, resource: { type: 'operator', id: op.id }, body: { change: 'first_admin_created', username: op.username } });
      const session = await openSession(op, ip, userAgent);
      await audit.record({ action: 'auth.login_succeeded', actor: { type: 'operator', id: op.id }, resource: { type: 'session', id: session.sessionId.slice(0, 16) }, body: { ip, via: 'setup' } });
      return { kind: 'created', operator: op, session };
    },

    async login(username: string, password: string, ip: string, userAgent: string): Promise<LoginOutcome> {
      const found = await operators.byUsername(username);
      const verdict = await throttle.check(username, ip, async () =>
        found ? (await sessions.knownIps(found.id, new Date(clock.now().getTime() - KNOWN_IP_DAYS * 86_400_000))).includes(ip) : false,
      );
      if (!verdict.allowed) {
        await audit.record({ action: 'auth.login_failed', actor: { type: 'system', id: 'login' }, resource: found ? { type: 'operator', id: found.id } : null, body: { reason: `throttled_${verdict.scope}`, ip } });
        return { kind: 'throttled', retryAfterMs: verdict.retryAfterMs };
      }
      // Always run one argon2 verification, so an unknown username costs the same time as a wrong password.
      const ok = await verifyPassword(found?.passwordHash ?? DUMMY_HASH, password);
      if (!found || !ok || found.disabledAt !== null) {
        await throttle.failed(username, ip);
        const reason = !found ? 'unknown_user' : found.disabledAt !== null ? 'disabled' : 'wrong_password';
        await audit.record({ action: 'auth.login_failed', actor: { type: 'system', id: 'login' }, resource: found ? { type: 'operator', id: found.id } : null, body: { reason, ip } });
        return { kind: 'invalid' };
      }
      await throttle.succeeded(username, ip);
      const session = await openSession(found, ip, userAgent);
      await audit.record({ action: 'auth.login_succeeded', actor: { type: 'operator', id: found.id }, resource: { type: 'session', id: session.sessionId.slice(0, 16) }, body: { ip } });
      return { kind: 'ok', operator: found, session };
    },

    async checkSession(token: string): Promise<SessionCheck> {
      const now = clock.now();
      const stored = await sessions.load(tokenHash(token));
      const outcome = judgeSession(stored, now);
      if (outcome !== 'valid' || !stored) return { kind: outcome === 'valid' ? 'unknown' : outcome };
      const op = await operators.byId(stored.operatorId);
      if (!op) return { kind: 'unknown' };
      const next = touched(stored, now);
      // Write the idle extension at most once a minute per session, not on every request.
      if (next.idleExpiresAt.getTime() - stored.idleExpiresAt.getTime() > 60_000) await sessions.touch(stored.id, now, next.idleExpiresAt);
      return { kind: 'valid', operator: op, sessionId: stored.id, csrfHash: stored.csrfHash };
    },

    /** A session's state without extending it: a live stream must not keep an idle session alive. */
    sessionState: async (token: string): Promise<SessionOutcome> => judgeSession(await sessions.load(tokenHash(token)), clock.now()),

    csrfMatches: (csrfHash: string, presented: string | undefined) => presented !== undefined && sameHash(csrfHash, tokenHash(presented)),

    logout: (sessionId: string) => sessions.revoke(sessionId, clock.now()),

    async create(input: { username: string; displayName: string; password: string; role: Role; locations: readonly string[] | null }, actor: Actor): Promise<Operator | PasswordProblem | 'taken'> {
      const weak = passwordProblem(input.password, input.username);
      if (weak) return weak;
      if (await operators.byUsername(input.username)) return 'taken';
      const op: Operator = { id: randomUUID(), username: input.username, displayName: input.displayName, role: input.role, locations: input.locations, createdAt: clock.now(), disabledAt: null };
      await operators.insert({ ...op, passwordHash: await hashPassword(input.password) });
      await audit.record({ action: 'config.changed', actor, resource: { type: 'operator', id: op.id }, body: { change: 'operator_created', username: op.username, role: op.role } });
      return op;
    },

    async update(id: string, patch: { role?: Role; locations?: readonly string[] | null; disabled?: boolean }, actor: Actor): Promise<Operator | 'not_found' | 'last_admin'> {
      const current = await operators.byId(id);
      if (!current) return 'not_found';
      const losesAdmin = current.role === 'admin' && current.disabledAt === null && ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
      if (losesAdmin && (await operators.countAdmins()) <= 1) return 'last_admin';
      const now = clock.now();
      await operators.update(id, {
        ...(patch.role === undefined ? {} : { role: patch.role }),
        ...(patch.locations === undefined ? {} : { locations: patch.locations }),
        ...(patch.disabled === undefined ? {} : { disabledAt: patch.disabled ? now : null }),
      });
      if (patch.disabled === true || patch.role !== undefined) await sessions.revokeAllOf(id, now);
      await audit.record({ action: 'config.changed', actor, resource: { type: 'operator', id }, body: { change: 'operator_updated', role: patch.role ?? null, disabled: patch.disabled ?? null, locations: patch.locations === undefined ? null : patch.locations === null ? 'all' : [...patch.locations] } });
      return (await operators.byId(id))!;
    },
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
