import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ProblemType, problemTypeUri } from '../kernel/problems.js';

/** The RFC 9457 body every error response carries. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance: string;
  readonly correlationId: string;
  readonly [extension: string]: unknown;
}

export function problemBody(
  request: FastifyRequest,
  problem: ProblemType,
  detail?: string,
  extensions: Readonly<Record<string, unknown>> = {},
): ProblemBody {
  return {
    ...extensions,
    type: problemTypeUri(problem),
    title: problem.title,
    status: problem.status,
    ...(detail === undefined ? {} : { detail }),
    instance: request.url.split('?', 1)[0] ?? '/',
    correlationId: String(request.id),
  };
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ProblemType,
  detail?: string,
  extensions?: Readonly<Record<string, unknown>>,
): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .serializer(JSON.stringify)
    .send(problemBody(request, problem, detail, extensions));
}
