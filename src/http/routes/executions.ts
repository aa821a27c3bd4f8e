import { Type } from 'typebox';
import type { AuditLog } from '../../audit/auditLog.js';
import { type ExecutionRecord, type ExecutionStore, KILL_SWITCH_KINDS, type KillSwitchStore } from '../../execution/ports.js';
import { EXECUTION_STATES } from '../../execution/states.js';
import { actorOf, canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { IdParams, IntString, iso, NoQuery, Strict } from '../schemas.js';

const ExecutionView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  decision: Type.String(),
  params: Type.Unknown(),
  location: Type.Union([Type.String(), Type.Null()]),
  tier: Type.String(),
  origin: Type.String(),
  state: Type.String(),
  runAt: Type.String(),
  attempts: Type.Integer(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  outcome: Type.Object({ detail: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]), vendorRef: Type.Union([Type.String(), Type.Null()]), integration: Type.Union([Type.String(), Type.Null()]) }),
  approvedBy: Type.Union([Type.String(), Type.Null()]),
  cancelledBy: Type.Union([Type.String(), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

/** The API view of an execution (no customer text: the event holds it). */
export const executionView = (r: ExecutionRecord) => ({
  id: r.id,
  eventId: r.eventId,
  decision: r.decision,
  params: r.params,
  location: r.location,
  tier: r.tier,
  origin: r.origin,
  state: r.state,
  runAt: r.runAt.toISOString(),
  attempts: r.attempts,
  startedAt: iso(r.startedAt),
  finishedAt: iso(r.finishedAt),
  durationMs: r.durationMs,
  outcome: { detail: r.outcomeDetail, reason: r.outcomeReason, vendorRef: r.vendorRef, integration: r.integrationId },
  approvedBy: r.approvedBy,
  cancelledBy: r.cancelledBy,
  cancelReason: r.cancelReason,
  createdAt: r.createdAt.toISOString(),
});

const StateName = Type.Union(EXECUTION_STATES.map((s) => Type.Literal(s)));
const KindName = Type.Union(KILL_SWITCH_KINDS.map((k) => Type.Literal(k)));
const SwitchParams = Strict({ kind: KindName, name: Type.String({ pattern: '^[A-Za-z0-9_ .-]{1,80}$' }) });
const SwitchView = Type.Object({ kind: Type.String(), name: Type.String(), setBy: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), at: Type.String() });

/** Executions (what the system did, per location) and the admins' kill switches. */
export function executionRoutes(deps: { store: ExecutionStore; killSwitches: KillSwitchStore; audit: AuditLog; clock: Clock }) {
  return (app: HttpApp) => {
    app.get(
      '/v1/executions',
      {
        config: { auth: { operator: 'viewer' } },
        schema: {
          tags: ['executions'],
          summary: 'Executions, newest first, filtered by state and location',
          querystring: Strict({ state: Type.Optional(StateName), location: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })), limit: Type.Optional(IntString) }),
          response: { 200: Type.Object({ executions: Type.Array(ExecutionView) }) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const limit = Math.min(200, Math.max(1, Number(request.query.limit ?? 50)));
        const rows = await deps.store.list({
          locations: p.locations,
          limit,
          ...(request.query.state !== undefined ? { state: request.query.state } : {}),
          ...(request.query.location !== undefined ? { location: request.query.location } : {}),
        });
        return { executions: rows.map(executionView) };
      },
    );

    app.get(
      '/v1/executions/:id',
      { config: { auth: { operator: 'viewer' } }, schema: { tags: ['executions'], summary: 'One execution', params: IdParams, querystring: NoQuery, response: { 200: ExecutionView } } },
      async (request, reply) => {
        const r = await deps.store.byId(request.params.id);
        if (r === null || !canAccessLocation(principalOf(request), r.location)) return sendProblem(request, reply, problems['execution-not-found']);
        return executionView(r);
      },
    );

    app.get(
      '/v1/admin/kill-switches',
      { config: { auth: { operator: 'supervisor' } }, schema: { tags: ['admin'], summary: 'Kill switches in force', querystring: NoQuery, response: { 200: Type.Object({ killSwitches: Type.Array(SwitchView) }) } } },
      async () => ({ killSwitches: (await deps.killSwitches.list()).map((k) => ({ ...k, at: k.at.toISOString() })) }),
    );

    app.put(
      '/v1/admin/kill-switches/:kind/:name',
      {
        bodyLimit: 2 * 1024,
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['admin'],
          summary: 'Stop an action or a location from executing anything (until cleared)',
          params: SwitchParams,
          querystring: NoQuery,
          body: Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }),
          response: { 200: SwitchView },
        },
      },
      async (request) => {
        const actor = actorOf(principalOf(request));
        const { kind, name } = request.params;
        const at = deps.clock.now();
        const reason = request.body.reason ?? null;
        await deps.killSwitches.set({ kind, name, setBy: actor.id, reason, at });
        await deps.audit.record({ action: 'killswitch.changed', actor, resource: { type: 'kill_switch', id: `${kind}:${name}` }, body: { kind, name, on: true, reason } });
        return { kind, name, setBy: actor.id, reason, at: at.toISOString() };
      },
    );

    app.delete(
      '/v1/admin/kill-switches/:kind/:name',
      {
        config: { auth: { operator: 'admin' } },
        schema: { tags: ['admin'], summary: 'Clear a kill switch', params: SwitchParams, querystring: NoQuery, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const actor = actorOf(principalOf(request));
        const { kind, name } = request.params;
        if (!(await deps.killSwitches.remove(kind, name))) return sendProblem(request, reply, problems['kill-switch-not-found']);
        await deps.audit.record({ action: 'killswitch.changed', actor, resource: { type: 'kill_switch', id: `${kind}:${name}` }, body: { kind, name, on: false } });
        return reply.code(204).send(null);
      },
    );
  };
}
