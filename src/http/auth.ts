import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyManager } from '../identity/keyManager.js';
import type { Principal } from '../identity/operator.js';
import type { OperatorService } from '../identity/operators.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../identity/sessions.js';
import { type ProblemType, problems } from '../kernel/problems.js';
import { KEY_SCAN_PATTERN } from '../security/apiKeys/format.js';
import type { ApiKeyRecord } from '../security/apiKeys/key.js';
import type { KeyOutcome } from '../security/apiKeys/verify.js';
import { roleRank } from '../security/guard/routeContract.js';
import type { HttpApp } from './app.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The verified key record behind a key principal, for usage accounting after the response. */
    apiKey: ApiKeyRecord | null;
  }
}

export const CSRF_COOKIE = 'clubos_csrf';

/** Each refused key outcome has its own problem type: integrators can tell expired from revoked. */
const KEY_PROBLEMS = {
  malformed: problems['key-invalid'],
  unknown: problems['key-invalid'],
  expired: problems['key-expired'],
  revoked: problems['key-revoked'],
  rotated_grace_ended: problems['key-rotated-grace-ended'],
  suspended: problems['key-suspended'],
  ip_not_allowed: problems['ip-not-allowed'],
  insufficient_scope: problems['insufficient-scope'],
} as const satisfies Record<Exclude<KeyOutcome, 'valid'>, ProblemType>;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearerOf(request: FastifyRequest): string | null | 'other_scheme' {
  const h = request.headers.authorization;
  if (h === undefined) return null;
  const m = /^Bearer ([^\s]+)$/.exec(h);
  return m ? m[1]! : 'other_scheme';
}

/** Session cookies: HttpOnly, Secure, SameSite=Strict; the CSRF cookie is readable by the console's script. */
export function setSessionCookies(reply: FastifyReply, token: string, csrfToken: string, expires: Date): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires });
  reply.setCookie(CSRF_COOKIE, csrfToken, { httpOnly: false, secure: true, sameSite: 'strict', path: '/', expires });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
  reply.clearCookie(CSRF_COOKIE, { path: '/', secure: true, sameSite: 'strict' });
}

/**
 * Authentication and authorisation for every route, from its declaration: public routes pass, everything else
 * needs an API key with the declared scopes (Authorization header only) or an operator session with the
 * declared role (plus the CSRF token on state-changing requests).
 */
export function authHooks(deps: { keys: KeyManager; operators: OperatorService }) {
  return async (app: HttpApp) => {
    await app.register(cookie);
    app.decorateRequest('principal', null);
    app.decorateRequest('apiKey', null);

    app.addHook('onRequest', async (request, reply) => {
      const auth = request.routeOptions.config?.auth;
      if (!auth || request.is404) return;
      const route = request.routeOptions.url ?? request.url;

      // A key in a URL ends up in proxy logs and browser history: refuse it and treat the key as leaked.
      const leaked = KEY_SCAN_PATTERN.exec(request.url);
      if (leaked) {
        await deps.keys.signalByPresentedKey(leaked[0], { kind: 'key_in_url' });
        return sendProblem(request, reply, problems['key-in-url'], 'Send API keys only in the Authorization header; this key is now flagged as leaked.');
      }

      const bearer = bearerOf(request);
      if ('public' in auth) {
        if (typeof bearer === 'string' && bearer !== 'other_scheme' && auth.public !== 'signed_webhook') {
          await deps.keys.signalByPresentedKey(bearer, { kind: 'key_on_public_route', route });
        }
        return;
      }

      if (bearer === 'other_scheme') return sendProblem(request, reply, problems['key-invalid'], 'Use the Bearer scheme.');
      if (bearer !== null) {
        if (auth.scopes === undefined) return sendProblem(request, reply, problems['principal-not-accepted'], 'This route is for operators only.');
        const result = await deps.keys.verify(bearer, request.ip, auth.scopes);
        if (result.outcome !== 'valid') {
          if (result.key) await deps.keys.observe(result.key, request.ip, route, result.outcome);
          const extra = result.outcome === 'insufficient_scope' ? { missing: result.verdict.missing } : {};
          return sendProblem(request, reply, KEY_PROBLEMS[result.outcome], KEY_PROBLEMS[result.outcome].title, extra);
        }
        const k = result.key;
        request.apiKey = k;
        request.principal = { kind: 'key', keyId: k.id, familyId: k.familyId, name: k.name, scopes: k.scopes, locations: k.locations, inGrace: result.verdict.inGrace };
        if (result.verdict.inGrace) reply.header('deprecation', 'true').header('clubos-key-status', 'rotated; switch to the successor key');
        return;
      }

      const sessionToken = request.cookies[SESSION_COOKIE];
      if (sessionToken) {
        if (auth.operator === undefined) return sendProblem(request, reply, problems['principal-not-accepted'], 'This route is for API keys only.');
        const check = await deps.operators.checkSession(sessionToken);
        if (check.kind !== 'valid') {
          clearSessionCookies(reply);
          return sendProblem(request, reply, problems['session-expired'], 'Sign in again.', { reason: check.kind });
        }
        if (roleRank(check.operator.role) < roleRank(auth.operator)) {
          return sendProblem(request, reply, problems['insufficient-role'], `Requires the ${auth.operator} role.`, { required: auth.operator });
        }
        if (STATE_CHANGING.has(request.method)) {
          const presented = request.headers[CSRF_HEADER];
          if (!deps.operators.csrfMatches(check.csrfHash, typeof presented === 'string' ? presented : undefined)) {
            return sendProblem(request, reply, problems['csrf-failed'], 'Send the X-CSRF-Token header of this session.');
          }
        }
        const op = check.operator;
        request.principal = { kind: 'operator', operatorId: op.id, username: op.username, role: op.role, locations: op.locations, sessionId: check.sessionId };
        return;
      }

      reply.header('www-authenticate', 'Bearer realm="clubos"');
      return sendProblem(request, reply, problems.unauthenticated, 'No credentials were sent.');
    });

    app.addHook('onResponse', async (request, reply) => {
      if (request.apiKey === null) return;
      await deps.keys.observe(request.apiKey, request.ip, request.routeOptions.url ?? 'unknown', reply.statusCode < 400 ? 'ok' : `http_${reply.statusCode}`);
    });
  };
}

/** The principal of an authenticated route (the hook guarantees it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route reached without a principal');
  return request.principal;
}

/** The key of a key-only route (declared without an operator role, the hook refuses sessions on it). */
export function keyOf(request: FastifyRequest): Extract<Principal, { kind: 'key' }> {
  const p = principalOf(request);
  if (p.kind !== 'key') throw new Error('key-only route reached by an operator session');
  return p;
}

/** The operator of an operator-only route (declared without scopes, the hook refuses API keys on it). */
export function operatorOf(request: FastifyRequest): Extract<Principal, { kind: 'operator' }> {
  const p = principalOf(request);
  if (p.kind !== 'operator') throw new Error('operator-only route reached by an API key');
  return p;
}
