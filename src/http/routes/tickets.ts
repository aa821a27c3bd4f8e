import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { actorOf, canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { TicketDeskService } from '../../pipeline/ticketDesk.js';
import type { TicketRecord, TicketStore } from '../../store/venue/tickets.js';
import { TICKET_KINDS, TICKET_PRIORITIES } from '../../venue/ports.js';
import { TICKET_STATES } from '../../venue/ticketSla.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { IdParams, IntString, NoQuery, NullableTimestamp, Strict, Timestamp, iso } from '../schemas.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const TicketView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  priority: Type.String(),
  state: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  bay: Type.Union([Type.Integer(), Type.Null()]),
  title: Type.String(),
  body: Type.String(),
  threadId: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Type.String(), Type.Null()]),
  openedBy: Type.String(),
  slaResponseDue: Timestamp,
  slaBreachedAt: NullableTimestamp,
  respondedAt: NullableTimestamp,
  createdAt: Timestamp,
  resolvedAt: NullableTimestamp,
});
const view = (t: TicketRecord) => ({
  id: t.id,
  kind: t.kind,
  priority: t.priority,
  state: t.state,
  location: t.location,
  bay: t.bay,
  title: t.title,
  body: t.body,
  threadId: t.threadId,
  eventId: t.eventId,
  openedBy: t.openedBy,
  slaResponseDue: t.slaResponseDue.toISOString(),
  slaBreachedAt: iso(t.slaBreachedAt),
  respondedAt: iso(t.respondedAt),
  createdAt: t.createdAt.toISOString(),
  resolvedAt: iso(t.resolvedAt),
});

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Tech, facilities and lost-and-found tickets with their SLA; operators open and move them. */
export function ticketRoutes(deps: { tickets: TicketStore; desk: TicketDeskService; clock: Clock }) {
  return (app: HttpApp) => {
    app.get(
      '/v1/tickets',
      {
        config: { auth: { operator: 'viewer' } },
        schema: {
          tags: ['tickets'],
          summary: 'Tickets you may see, newest first',
          querystring: Strict({ state: Type.Optional(lit(TICKET_STATES)), location: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })), limit: Type.Optional(IntString) }),
          response: { 200: Type.Object({ tickets: Type.Array(TicketView) }) },
        },
      },
      async (request) => {
        const q = request.query;
        const list = await deps.tickets.list({
          ...(q.state !== undefined ? { state: q.state } : {}),
          ...(q.location !== undefined ? { location: q.location } : {}),
          locations: principalOf(request).locations,
          limit: Math.min(Number(q.limit ?? 100), 500),
        });
        return { tickets: list.map(view) };
      },
    );

    app.post(
      '/v1/tickets',
      {
        config: { auth: { operator: 'operator' } },
        schema: {
          tags: ['tickets'],
          summary: 'Open a ticket (Idempotency-Key header: a retry returns the same ticket)',
          querystring: NoQuery,
          body: Strict({
            kind: lit(TICKET_KINDS),
            priority: lit(TICKET_PRIORITIES),
            location: Type.String({ minLength: 1, maxLength: 80 }),
            bay: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 999 }), Type.Null()])),
            title: Type.String({ minLength: 1, maxLength: 200 }),
            body: Type.Optional(Type.String({ maxLength: 4000 })),
            threadId: Type.Optional(Type.String({ format: 'uuid' })),
          }),
          response: { 200: TicketView, 201: TicketView },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const b = request.body;
        const idem = request.headers['idempotency-key'];
        if (idem !== undefined && (typeof idem !== 'string' || !IDEMPOTENCY_KEY.test(idem))) {
          return sendProblem(request, reply, problems['validation-failed'], 'Idempotency-Key must be 1-200 visible ASCII characters.', { errors: [{ location: 'headers', pointer: '/idempotency-key', message: 'invalid' }] });
        }
        if (!canAccessLocation(p, b.location)) return sendProblem(request, reply, problems['location-forbidden'], 'You may not open tickets for that location.');
        const actor = actorOf(p);
        const out = await deps.desk
          .openAs(
          actor,
          {
            kind: b.kind,
            priority: b.priority,
            location: b.location,
            bay: b.bay ?? null,
            title: b.title,
            body: b.body ?? '',
            threadId: b.threadId ?? null,
            eventId: null,
            // Scoped to the operator, so one operator's key never returns another's ticket.
            idempotencyKey: `op:${actor.id}:${idem ?? randomUUID()}`,
            openedBy: `${actor.type}:${actor.id}`,
            at: deps.clock.now(),
          },
          String(request.id),
        )
          // A threadId no thread has violates the foreign key: the client named a thread that does not exist.
          .catch((err: unknown) => {
            if ((err as { code?: unknown })?.code === '23503' && b.threadId !== undefined) return null;
            throw err;
          });
        if (out === null) return sendProblem(request, reply, problems['thread-not-found'], 'No thread has that id.');
        return reply.code(out.created ? 201 : 200).send(view(out.ticket));
      },
    );

    app.patch(
      '/v1/tickets/:id',
      {
        config: { auth: { operator: 'operator' } },
        schema: { tags: ['tickets'], summary: 'Move a ticket: open → in_progress → resolved (reopen allowed)', params: IdParams, querystring: NoQuery, body: Strict({ state: lit(TICKET_STATES) }), response: { 200: TicketView } },
      },
      async (request, reply) => {
        const current = await deps.tickets.byId(request.params.id);
        if (!current || !canAccessLocation(principalOf(request), current.location)) return sendProblem(request, reply, problems['ticket-not-found'], 'No such ticket.');
        const out = await deps.tickets.move(current.id, request.body.state, deps.clock.now());
        if (out.kind === 'not_found') return sendProblem(request, reply, problems['ticket-not-found'], 'No such ticket.');
        if (out.kind === 'not_allowed') return sendProblem(request, reply, problems['ticket-state-conflict'], `The ticket is ${out.state}.`, { state: out.state });
        deps.desk.changed(out.ticket);
        return view(out.ticket);
      },
    );
  };
}
