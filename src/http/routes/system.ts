import { Type } from 'typebox';
import { problems, problemTypeUri } from '../../kernel/problems.js';
import type { HttpApp } from '../app.js';
import { sendProblem } from '../problem.js';

export interface Readiness {
  /** Database reachable and migrations current. */
  check(): Promise<{ readonly database: boolean; readonly migrations: boolean }>;
}

const NoQuery = Type.Object({}, { additionalProperties: false });

/** Liveness, readiness, the OpenAPI document and the problem-type registry. */
export function systemRoutes(deps: { readonly readiness: Readiness; readonly version: string }) {
  return (app: HttpApp) => {
    app.get(
      '/health',
      {
        config: { auth: { public: 'health' }, priority: 'health' },
        schema: {
          tags: ['system'],
          summary: 'Liveness: the process answers',
          querystring: NoQuery,
          response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) },
        },
      },
      async () => ({ status: 'ok' as const, version: deps.version }),
    );

    const ReadyBody = Type.Object({ ready: Type.Boolean(), database: Type.Boolean(), migrations: Type.Boolean() });
    app.get(
      '/ready',
      {
        config: { auth: { public: 'readiness' }, priority: 'health' },
        schema: {
          tags: ['system'],
          summary: 'Readiness: database reachable and migrations current',
          querystring: NoQuery,
          response: { 200: ReadyBody, 503: ReadyBody },
        },
      },
      async (_request, reply) => {
        const state = await deps.readiness.check();
        const ready = state.database && state.migrations;
        return reply.code(ready ? 200 : 503).send({ ready, ...state });
      },
    );

    app.get(
      '/openapi.json',
      {
        config: { auth: { public: 'docs' } },
        schema: { hide: true, querystring: NoQuery, response: { 200: Type.Object({}, { additionalProperties: true }) } },
      },
      async () => app.swagger(),
    );

    const ProblemDoc = Type.Object({ type: Type.String(), code: Type.String(), title: Type.String(), status: Type.Integer(), description: Type.String() });
    app.get(
      '/problems',
      {
        config: { auth: { public: 'docs' } },
        schema: { tags: ['system'], summary: 'Every problem type this API answers with', querystring: NoQuery, response: { 200: Type.Array(ProblemDoc) } },
      },
      async () => Object.values(problems).map((p) => ({ type: problemTypeUri(p), ...p })),
    );

    app.get(
      '/problems/:code',
      {
        config: { auth: { public: 'docs' } },
        schema: {
          tags: ['system'],
          summary: 'Documentation of one problem type',
          params: Type.Object({ code: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
          querystring: NoQuery,
          response: { 200: ProblemDoc },
        },
      },
      async (request, reply) => {
        const p = (problems as Record<string, (typeof problems)[keyof typeof problems]>)[request.params.code];
        if (!p || !Object.hasOwn(problems, request.params.code)) return sendProblem(request, reply, problems['not-found'], 'No such problem type.');
        return { type: problemTypeUri(p), ...p };
      },
    );
  };
}
