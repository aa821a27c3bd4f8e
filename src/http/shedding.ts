import type { FastifyRequest } from 'fastify';
import { problems } from '../kernel/problems.js';
import type { PerformanceGuard } from '../security/guard/performanceGuard.js';
import { priorityOf } from '../security/guard/priority.js';
import type { RoutePriority } from '../security/guard/routeContract.js';
import type { HttpApp } from './app.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Time budget of the route in ms; past it the request's `deadline` aborts and the client gets a 503. */
    timeoutMs?: number;
  }
  interface FastifyRequest {
    /** Aborted when the route's time budget runs out or the client goes away: pass it to cancellable work. */
    deadline: AbortSignal;
  }
}

/** Time budgets by class: probes must answer fast; operators may run heavier queries. */
export const DEFAULT_TIMEOUT_MS: Readonly<Record<RoutePriority, number>> = { health: 2_000, public: 10_000, integration: 15_000, operator: 30_000 };

/**
 * Load shedding and time budgets, first among the hooks so shed requests cost almost nothing. The guard decides
 * from its last interval sample; the performanceGuard flag switches both off.
 */
export function sheddingHooks(deps: { guard: PerformanceGuard; enabled: () => boolean }) {
  return (app: HttpApp) => {
    const budgets = new WeakMap<FastifyRequest, NodeJS.Timeout>();
    app.decorateRequest('deadline', null as unknown as AbortSignal);
    // Sample only a listening server: an app driven by inject() (tests, tools) has no load to measure.
    app.addHook('onListen', async () => deps.guard.start());
    app.addHook('onClose', async () => deps.guard.stop());

    app.addHook('onRequest', async (request, reply) => {
      const controller = new AbortController();
      request.deadline = controller.signal;
      if (!deps.enabled()) return;
      const config = request.routeOptions.config;
      const priority = request.is404 ? 'public' : priorityOf(config?.auth, config?.priority);
      const admission = deps.guard.admit(priority);
      if (admission.kind === 'shed') {
        reply.header('retry-after', String(admission.retryAfterSeconds));
        return sendProblem(request, reply, problems.overloaded, `Shedding ${priority} requests under load; retry later.`, { level: admission.level });
      }
      const ms = config?.timeoutMs ?? DEFAULT_TIMEOUT_MS[priority];
      const timer = setTimeout(() => {
        controller.abort(new Error(`time budget of ${ms} ms exceeded`));
        if (!reply.sent) {
          reply.header('retry-after', '5');
          sendProblem(request, reply, problems.overloaded, `The request exceeded its time budget of ${ms} ms and was cancelled.`, { timeoutMs: ms });
        }
      }, ms);
      budgets.set(request, timer);
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort(new Error('client closed the connection'));
      });
    });

    app.addHook('onResponse', async (request) => {
      clearTimeout(budgets.get(request));
    });
  };
}
