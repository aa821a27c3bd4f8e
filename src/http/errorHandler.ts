import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, type ProblemType, problems } from '../kernel/problems.js';
import { storageUnavailable } from '../store/unavailable.js';
import { sendProblem } from './problem.js';
import { SECURITY_HEADERS } from './securityHeaders.js';

interface ValidationIssue {
  readonly location: string;
  readonly pointer: string;
  readonly message: string;
}

// Fastify's own codes for malformed input, mapped to the registry. Anything not here that is not a ProblemError
// is treated as a server fault and masked.
const FASTIFY_CODES: Readonly<Record<string, ProblemType>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: problems['malformed-body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: problems['malformed-body'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: problems['malformed-body'],
  FST_ERR_CTP_BODY_TOO_LARGE: problems['body-too-large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: problems['unsupported-media-type'],
  FST_ERR_CTP_INVALID_TYPE: problems['unsupported-media-type'],
  FST_ERR_BAD_URL: problems['malformed-url'],
  FST_ERR_MAX_PARAM_LENGTH: problems['uri-too-long'],
  FST_ERR_ASYNC_CONSTRAINT: problems['malformed-url'],
};

function validationIssues(error: FastifyError): ValidationIssue[] {
  const context = error.validationContext ?? 'request';
  return (error.validation ?? []).map((v) => {
    const extra = v.keyword === 'additionalProperties' ? ` (${String((v.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
    return { location: context, pointer: v.instancePath || '/', message: `${v.message ?? 'is invalid'}${extra}` };
  });
}

/** Errors the router raises before any route runs (bad percent-encoding, overlong params). */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = (error.code ? FASTIFY_CODES[error.code] : undefined) ?? problems['malformed-url'];
  // The router answers before the app's hooks run: add what onSend would have added.
  reply.headers(SECURITY_HEADERS).header('x-request-id', String(request.id)).header('cache-control', 'no-store');
  sendProblem(request, reply, mapped, mapped.title);
}

/** One error handler for the whole app: problem+json always, internals never (unless devErrors). */
export function installErrorHandling(app: FastifyInstance, opts: { readonly devErrors: boolean }): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ProblemError) {
      if (Object.keys(error.headers).length > 0) reply.headers(error.headers);
      return sendProblem(request, reply, error.problem, error.detail, error.extensions);
    }
    if (error.validation) {
      return sendProblem(request, reply, problems['validation-failed'], 'The request does not match the schema of this route.', {
        errors: validationIssues(error),
      });
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendProblem(request, reply, mapped, mapped.title);
    // A client-side status from a library we did not map (e.g. 4xx from a plugin): keep the status class, mask text.
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ code: error.code, statusCode: error.statusCode }, 'client error from framework');
      return sendProblem(request, reply, problems['malformed-body'], 'The request could not be processed.');
    }
    // The database going away is an outage the client can wait out, not a fault: 503 with Retry-After.
    if (storageUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return sendProblem(request, reply, problems['not-ready'], 'The database is unreachable; retry shortly.');
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, problems['internal-error'], opts.devErrors ? error.message : undefined);
  });

  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, problems['not-found'], 'No route matches this method and path.'));
}
