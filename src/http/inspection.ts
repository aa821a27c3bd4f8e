import type { RuntimeFlags } from '../config/runtimeFlags.js';
import type { Clock } from '../kernel/clock.js';
import { problems } from '../kernel/problems.js';
import type { Logger } from '../logging.js';
import { policyFor } from '../security/inspector/policy.js';
import { createRequestInspector } from '../security/inspector/request.js';
import type { PolicyMode } from '../security/inspector/types.js';
import type { SecurityEventStore } from '../store/security/securityEvents.js';
import type { HttpApp } from './app.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Injection policy: `block` (default) refuses with 400; `flag` lets the request through and records it. */
    inspect?: PolicyMode;
  }
}

/**
 * The request inspector on every route, after parsing and before validation: query, path parameters, headers,
 * cookies and body, keys as well as values. It never rewrites anything; it blocks or flags by the route's policy
 * and records each detection as a security event with the matched rules and score.
 */
export function inspectionHooks(deps: { flags: RuntimeFlags; events: SecurityEventStore; clock: Clock; logger: Logger }) {
  const inspect = createRequestInspector();
  const policies = { block: policyFor('block'), flag: policyFor('flag') } as const;
  return (app: HttpApp) => {
    app.addHook('preValidation', async (request, reply) => {
      if (!deps.flags.get('requestSanitization') || request.is404) return;
      const mode = request.routeOptions.config?.inspect ?? 'block';
      const verdict = inspect(
        { query: request.query, params: request.params, headers: request.headers, cookies: request.cookies, body: request.body, bodyFormat: request.bodyFormat === 'form' ? 'form' : 'json' },
        policies[mode],
      );
      if (verdict.verdict === 'clean') return;
      const findings = verdict.findings.slice(0, 5).map((f) => ({ kind: f.kind, rule: f.rule, score: f.score, location: f.location, path: f.path }));
      const blocked = verdict.verdict === 'block';
      const principal = request.principal ? (request.principal.kind === 'key' ? `key:${request.principal.keyId}` : `operator:${request.principal.operatorId}`) : null;
      await deps.events
        .record({
          at: deps.clock.now(),
          kind: `injection.${findings[0]?.kind ?? 'unknown'}`,
          severity: blocked ? 'medium' : 'low',
          route: request.routeOptions.url ?? null,
          method: request.method,
          ip: request.ip,
          principal,
          correlationId: String(request.id),
          action: blocked ? 'blocked' : 'flagged',
          detail: { score: verdict.score, findings },
        })
        .catch((err: unknown) => deps.logger.error({ err }, 'security event not recorded'));
      if (blocked) return sendProblem(request, reply, problems['injection-detected'], 'The request was refused by the injection inspector.', { findings });
    });
  };
}
