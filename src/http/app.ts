import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging.js';
import { problems } from '../kernel/problems.js';
import { type RouteAuth, type RoutePriority, assertRouteContract } from '../security/guard/routeContract.js';
import { frameworkErrorHandler, installErrorHandling } from './errorHandler.js';
import { routeAccessDoc } from './openApiAuth.js';
import { sendProblem } from './problem.js';
import { correlationIdFrom, requestContext } from './requestContext.js';
import { CONSOLE_SECURITY_HEADERS, SECURITY_HEADERS } from './securityHeaders.js';
import { unstorableTextAt } from './wellFormedText.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered (from the route table, not a hand-kept list): tests and the scanner enumerate it. */
    readonly declaredRoutes: readonly DeclaredRoute[];
  }
  interface FastifyContextConfig {
    /** Who may call this route (see security/guard/routeContract.ts). Required on every route. */
    auth?: RouteAuth;
    /** Load-shedding class; defaults from the auth declaration. */
    priority?: RoutePriority;
  }
}

export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly auth: RouteAuth;
  readonly schema: Readonly<Record<string, unknown>>;
}

export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A group of routes (and their hooks), registered as one encapsulated plugin. */
export type RouteGroup = (app: HttpApp) => Promise<void> | void;

export interface SetupGate {
  /** True once the first administrator exists; until then only health, readiness, docs and setup answer. */
  isComplete(): Promise<boolean>;
}

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly devErrors: boolean;
  readonly setup: SetupGate;
  readonly routes: readonly RouteGroup[];
  /** Hooks that must run before any route group (authentication, defenses); registered at the root. */
  readonly hooks?: readonly RouteGroup[];
  readonly bodyLimit?: number;
  /** Proxies whose X-Forwarded-For sets request.ip (config TRUSTED_PROXIES); none by default. */
  readonly trustProxy?: readonly string[];
}

const OPEN_BEFORE_SETUP = new Set(['health', 'readiness', 'setup', 'docs', 'console']);

export async function createHttpApp(opts: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // The logger's mixin adds the correlation id from AsyncLocalStorage; drop Fastify's duplicate binding.
    childLoggerFactory: (logger, _bindings, options) => logger.child({}, options),
    genReqId: (req) => correlationIdFrom(req.headers['x-request-id']),
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    trustProxy: opts.trustProxy && opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Deny by default: a route without auth, scopes/role or schemas stops the server from starting.
  const declared: DeclaredRoute[] = [];
  app.decorate('declaredRoutes', declared);
  app.addHook('onRoute', (route) => {
    assertRouteContract({ method: route.method, url: route.url, auth: route.config?.auth, schema: route.schema });
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      declared.push({ method, url: route.url, auth: route.config!.auth!, schema: (route.schema ?? {}) as Record<string, unknown> });
    }
  });

  // Every log line and audit entry below this request carries its correlation id.
  app.addHook('onRequest', (request, _reply, done) => {
    requestContext.run({ correlationId: String(request.id) }, done);
  });

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config?.auth;
    const purpose = auth && 'public' in auth ? auth.public : null;
    if (request.is404 || (purpose !== null && OPEN_BEFORE_SETUP.has(purpose))) return;
    if (!(await opts.setup.isComplete())) return sendProblem(request, reply, problems['setup-required'], 'Create the first administrator with the setup token printed at start.');
  });

  // Text no column can store (lone surrogates, NUL) is malformed input, refused before the inspector, schemas or handlers.
  app.addHook('preValidation', async (request, reply) => {
    const at = request.body === undefined ? null : unstorableTextAt(request.body);
    if (at !== null) return sendProblem(request, reply, problems['malformed-body'], `Text must be well-formed Unicode without NUL characters (at ${at.slice(0, 100)}).`);
  });

  app.addHook('onSend', async (request, reply) => {
    const auth = request.routeOptions.config?.auth;
    reply.headers(auth && 'public' in auth && auth.public === 'console' ? CONSOLE_SECURITY_HEADERS : SECURITY_HEADERS);
    reply.header('x-request-id', String(request.id));
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  app.addHook('onResponse', async (request, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    request.log[level]({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  installErrorHandling(app, { devErrors: opts.devErrors });

  await app.register(swagger, {
    // Each operation states who may call it (and the inspector's policy), from the same declaration the auth hook reads.
    transform: ({ schema, url, route }) => {
      const auth = route.config?.auth;
      return { schema: auth ? { ...schema, ...routeAccessDoc(auth, route.config?.inspect) } : schema, url };
    },
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ClubOS API', version: '0.1.0', description: 'Operations brain for unattended golf-simulator venues.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key clubos_<env>_<secret>_<crc32> in the Authorization header' },
          session: { type: 'apiKey', in: 'cookie', name: 'clubos_session' },
        },
      },
    },
  });

  for (const hook of opts.hooks ?? []) await hook(app);
  for (const group of opts.routes) await app.register(async (scope) => group(scope as HttpApp));
  return app;
}
