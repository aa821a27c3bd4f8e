import type { FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
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

interface Budget {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly ms: number;
  readonly endsAt: number;
  controller: AbortController | null;
}

/** How often in-flight requests are checked against their budgets: budgets are seconds, so 25 ms is precise enough. */
const SWEEP_MS = 25;

/**
 * Load shedding and time budgets, first among the hooks so shed requests cost almost nothing. The guard decides
 * from its last interval sample; the performanceGuard flag switches both off. Budgets are enforced by one sweep
 * over the in-flight requests rather than a timer per request, and each request's AbortController is created
 * only if a handler asks for `request.deadline`.
 */
export function sheddingHooks(deps: { guard: PerformanceGuard; enabled: () => boolean }) {
  return (app: HttpApp) => {
    const inFlight = new Map<FastifyRequest, Budget>();
    const controllerOf = (b: Budget) => {
      b.controller ??= new AbortController();
      return b.controller;
    };
    const idle = new AbortController().signal;
    let sweeper: NodeJS.Timeout | null = null;

    app.decorateRequest('deadline', {
      getter(this: FastifyRequest) {
        const b = inFlight.get(this);
        return b ? controllerOf(b).signal : idle;
      },
    });
    // Sample only a listening server: an app driven by inject() (tests, tools) has no load to measure.
    app.addHook('onListen', async () => deps.guard.start());
    app.addHook('onReady', async () => {
      sweeper = setInterval(() => {
        const now = performance.now();
        for (const b of inFlight.values()) {
          if (b.reply.raw.destroyed && !b.reply.sent) {
            controllerOf(b).abort(new Error('client closed the connection'));
            inFlight.delete(b.request);
          } else if (now >= b.endsAt) {
            inFlight.delete(b.request);
            controllerOf(b).abort(new Error(`time budget of ${b.ms} ms exceeded`));
            if (!b.reply.sent) {
              b.reply.header('retry-after', '5');
              sendProblem(b.request, b.reply, problems.overloaded, `The request exceeded its time budget of ${b.ms} ms and was cancelled.`, { timeoutMs: b.ms });
            }
          }
        }
      }, SWEEP_MS);
      sweeper.unref();
    });
    app.addHook('onClose', async () => {
      if (sweeper !== null) clearInterval(sweeper);
      deps.guard.stop();
    });

    app.addHook('onRequest', async (request, reply) => {
      if (!deps.enabled()) return;
      const config = request.routeOptions.config;
      const priority = request.is404 ? 'public' : priorityOf(config?.auth, config?.priority);
      const admission = deps.guard.admit(priority);
      if (admission.kind === 'shed') {
        reply.header('retry-after', String(admission.retryAfterSeconds));
        return sendProblem(request, reply, problems.overloaded, `Shedding ${priority} requests under load; retry later.`, { level: admission.level });
      }
      const ms = config?.timeoutMs ?? DEFAULT_TIMEOUT_MS[priority];
      inFlight.set(request, { request, reply, ms, endsAt: performance.now() + ms, controller: null });
    });

    app.addHook('onResponse', async (request) => {
      inFlight.delete(request);
    });
  };
}
