import { Type } from 'typebox';
import type { Operator } from '../../identity/operator.js';
import type { OperatorService } from '../../identity/operators.js';
import { MIN_PASSWORD_LENGTH } from '../../identity/passwords.js';
import { problems } from '../../kernel/problems.js';
import type { HttpApp } from '../app.js';
import { clearSessionCookies, operatorOf, setSessionCookies } from '../auth.js';
import { sendProblem } from '../problem.js';
import { EmptyBody, IdParams, NoQuery, Strict, iso } from '../schemas.js';

const RoleT = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('supervisor'), Type.Literal('admin')]);
const Locations = Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 50 }), Type.Null()]);
const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });
const Password = Type.String({ minLength: 1, maxLength: 256 });

export const OperatorView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleT,
  locations: Locations,
  createdAt: Type.String(),
  disabledAt: Type.Union([Type.String(), Type.Null()]),
});
const view = (o: Operator) => ({ id: o.id, username: o.username, displayName: o.displayName, role: o.role, locations: o.locations === null ? null : [...o.locations], createdAt: o.createdAt.toISOString(), disabledAt: iso(o.disabledAt) });

const SessionView = Type.Object({ operator: OperatorView, csrfToken: Type.String(), expiresAt: Type.String() });

/** First-run setup, sign-in/out, the current session, and operator administration. */
export function identityRoutes(deps: { operators: OperatorService; setupRequired: () => Promise<boolean> }) {
  return (app: HttpApp) => {
    app.get(
      '/v1/setup',
      {
        config: { auth: { public: 'setup' } },
        schema: { tags: ['identity'], summary: 'Whether first-run setup is still needed', querystring: NoQuery, response: { 200: Type.Object({ required: Type.Boolean() }) } },
      },
      async () => ({ required: await deps.setupRequired() }),
    );

    app.post(
      '/v1/setup',
      {
        bodyLimit: 4096,
        config: { auth: { public: 'setup' } },
        schema: {
          tags: ['identity'],
          summary: 'Create the first administrator with the one-time setup token printed at first start',
          querystring: NoQuery,
          body: Strict({ token: Type.String({ minLength: 1, maxLength: 200 }), username: Username, password: Password, displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }),
          response: { 201: SessionView },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const out = await deps.operators.setup({ ...b, displayName: b.displayName ?? b.username }, request.ip, request.headers['user-agent'] ?? '');
        if (out.kind === 'weak_password') return sendProblem(request, reply, problems['weak-password'], `Password rejected: ${out.problem}.`, { minLength: MIN_PASSWORD_LENGTH });
        if (out.kind === 'token') {
          return out.outcome === 'used'
            ? sendProblem(request, reply, problems['setup-already-done'], 'An administrator already exists.')
            : sendProblem(request, reply, problems['setup-token-invalid'], `The setup token is ${out.outcome === 'none' ? 'not issued' : out.outcome}.`);
        }
        setSessionCookies(reply, out.session.token, out.session.csrfToken, out.session.absoluteExpiresAt);
        return reply.code(201).send({ operator: view(out.operator), csrfToken: out.session.csrfToken, expiresAt: out.session.absoluteExpiresAt.toISOString() });
      },
    );

    app.post(
      '/v1/auth/login',
      {
        bodyLimit: 4096,
        // A sign-in form may post here directly (same site only; see http/formBody.ts).
        config: { auth: { public: 'login' }, form: true },
        schema: { tags: ['identity'], summary: 'Sign in (JSON or a same-site form post); sets the session and CSRF cookies', querystring: NoQuery, body: Strict({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Password }), response: { 200: SessionView } },
      },
      async (request, reply) => {
        const out = await deps.operators.login(request.body.username, request.body.password, request.ip, request.headers['user-agent'] ?? '');
        if (out.kind === 'throttled') {
          reply.header('retry-after', String(Math.ceil(out.retryAfterMs / 1000)));
          return sendProblem(request, reply, problems['login-throttled'], 'Too many failed attempts; try again later.');
        }
        if (out.kind === 'invalid') return sendProblem(request, reply, problems['invalid-credentials'], 'Wrong username or password.');
        setSessionCookies(reply, out.session.token, out.session.csrfToken, out.session.absoluteExpiresAt);
        return { operator: view(out.operator), csrfToken: out.session.csrfToken, expiresAt: out.session.absoluteExpiresAt.toISOString() };
      },
    );

    app.post(
      '/v1/auth/logout',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['identity'], summary: 'Sign out (revokes the session)', querystring: NoQuery, body: Type.Union([EmptyBody, Type.Null()]), response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await deps.operators.logout(operatorOf(request).sessionId);
        clearSessionCookies(reply);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/auth/me',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['identity'], summary: 'The signed-in operator', querystring: NoQuery, response: { 200: OperatorView } },
      },
      async (request, reply) => {
        const op = await deps.operators.operators.byId(operatorOf(request).operatorId);
        if (!op) return sendProblem(request, reply, problems['session-expired'], 'Sign in again.');
        return view(op);
      },
    );

    app.get(
      '/v1/operators',
      { config: { auth: { operator: 'admin' } }, schema: { tags: ['identity'], summary: 'List operators', querystring: NoQuery, response: { 200: Type.Array(OperatorView) } } },
      async () => (await deps.operators.operators.list()).map(view),
    );

    app.post(
      '/v1/operators',
      {
        bodyLimit: 4096,
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['identity'],
          summary: 'Create an operator',
          querystring: NoQuery,
          body: Strict({ username: Username, displayName: Type.String({ minLength: 1, maxLength: 100 }), password: Password, role: RoleT, locations: Locations }),
          response: { 201: OperatorView },
        },
      },
      async (request, reply) => {
        const out = await deps.operators.create(request.body, { type: 'operator', id: operatorOf(request).operatorId });
        if (out === 'taken') return sendProblem(request, reply, problems['username-taken'], 'Choose another username.');
        if (typeof out === 'string') return sendProblem(request, reply, problems['weak-password'], `Password rejected: ${out}.`, { minLength: MIN_PASSWORD_LENGTH });
        return reply.code(201).send(view(out));
      },
    );

    app.patch(
      '/v1/operators/:id',
      {
        bodyLimit: 4096,
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['identity'],
          summary: 'Change an operator: role, locations, disabled (revokes their sessions)',
          params: IdParams,
          querystring: NoQuery,
          body: Strict({ role: Type.Optional(RoleT), locations: Type.Optional(Locations), disabled: Type.Optional(Type.Boolean()) }),
          response: { 200: OperatorView },
        },
      },
      async (request, reply) => {
        const out = await deps.operators.update(request.params.id, request.body, { type: 'operator', id: operatorOf(request).operatorId });
        if (out === 'not_found') return sendProblem(request, reply, problems['operator-not-found'], 'No such operator.');
        if (out === 'last_admin') return sendProblem(request, reply, problems['last-admin'], 'Promote another administrator first.');
        return view(out);
      },
    );
  };
}
