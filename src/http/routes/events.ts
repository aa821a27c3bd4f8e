import { createHash, randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { canonicalJson } from '../../audit/canonical.js';
import { canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { EventStore, StoredEvent } from '../../store/events/events.js';
import type { HttpApp } from '../app.js';
import { keyOf, principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { IdParams, NoQuery, Strict } from '../schemas.js';

const Booking = Strict({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  location: Type.String({ minLength: 1, maxLength: 80 }),
  bay: Type.Union([Type.Integer({ minimum: 0, maximum: 999 }), Type.Null()]),
  starts_at: Type.String({ format: 'date-time' }),
  ends_at: Type.String({ format: 'date-time' }),
});
const RecentAction = Strict({
  action: Type.String({ minLength: 1, maxLength: 64 }),
  location: Type.Union([Type.String({ maxLength: 80 }), Type.Null()]),
  bay: Type.Union([Type.Integer({ minimum: 0, maximum: 999 }), Type.Null()]),
  booking_id: Type.Optional(Type.String({ maxLength: 100 })),
  at: Type.String({ format: 'date-time' }),
});

export const EventInput = Strict({
  kind: Type.Union([Type.Literal('message'), Type.Literal('device_event')]),
  channel: Type.Union([Type.Literal('sms'), Type.Literal('web'), Type.Literal('device')]),
  from: Type.String({ minLength: 1, maxLength: 200 }),
  location: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()])),
  bay: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 999 }), Type.Null()])),
  text: Type.String({ minLength: 1, maxLength: 10_000 }),
  t: Type.Optional(Type.String({ format: 'date-time' })),
  context: Type.Optional(Strict({ booking: Type.Optional(Type.Union([Booking, Type.Null()])), recent_actions: Type.Optional(Type.Array(RecentAction, { maxItems: 200 })) })),
});

const EventView = Type.Object({
  id: Type.String(),
  status: Type.String(),
  receivedAt: Type.String(),
  t: Type.String(),
  kind: Type.String(),
  channel: Type.String(),
  from: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  bay: Type.Union([Type.Integer(), Type.Null()]),
  text: Type.String(),
  decision: Type.Unknown(),
});

const view = (e: StoredEvent) => ({
  id: e.id,
  status: e.status,
  receivedAt: e.receivedAt.toISOString(),
  t: e.occurredAt.toISOString(),
  kind: e.kind,
  channel: e.channel,
  from: e.sender,
  location: e.location,
  bay: e.bay,
  text: e.text,
  decision: e.decision ?? null,
});

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Intake: customer messages and device events, stored verbatim (never rewritten) before the 202. */
export function eventRoutes<A>(deps: { events: EventStore<A>; clock: Clock; onAccepted?: (e: StoredEvent, attached: A | null) => void }) {
  return (app: HttpApp) => {
    app.post(
      '/v1/events',
      {
        bodyLimit: 64 * 1024,
        // Customer texts are data, stored verbatim and never executed: detections are flagged, not blocked.
        // Form bodies too: SMS gateways and device bridges that can only post forms.
        config: { auth: { scopes: ['events:write'] }, priority: 'integration', inspect: 'flag', form: true },
        schema: {
          tags: ['events'],
          summary: 'Submit a customer message or device event (Idempotency-Key header recommended)',
          querystring: NoQuery,
          body: EventInput,
          response: { 202: Type.Object({ id: Type.String(), status: Type.String(), replayed: Type.Boolean() }) },
        },
      },
      async (request, reply) => {
        const p = keyOf(request);
        const body = request.body;
        const idem = request.headers['idempotency-key'];
        if (idem !== undefined && (typeof idem !== 'string' || !IDEMPOTENCY_KEY.test(idem))) {
          return sendProblem(request, reply, problems['validation-failed'], 'Idempotency-Key must be 1-200 visible ASCII characters.', {
            errors: [{ location: 'headers', pointer: '/idempotency-key', message: 'invalid' }],
          });
        }
        let location = body.location ?? null;
        if (location === null && p.locations !== null && p.locations.length === 1) location = p.locations[0]!;
        if (!canAccessLocation(p, location)) return sendProblem(request, reply, problems['location-forbidden'], 'This credential may not submit events for that location.');
        const now = deps.clock.now();
        const requestHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
        const out = await deps.events.insert({
          id: randomUUID(),
          receivedAt: now,
          occurredAt: body.t ? new Date(body.t) : now,
          kind: body.kind,
          channel: body.channel,
          sender: body.from,
          location,
          bay: body.bay ?? null,
          text: body.text,
          context: body.context ?? {},
          sourceKeyId: p.familyId,
          idempotencyKey: idem ?? null,
          requestHash,
        });
        if (out.kind === 'replayed' && out.event.requestHash !== requestHash) {
          return sendProblem(request, reply, problems['idempotency-key-reused'], 'Use a new Idempotency-Key for a different event.');
        }
        if (out.kind === 'inserted') deps.onAccepted?.(out.event, out.attached);
        reply.header('location', `/v1/events/${out.event.id}`);
        if (out.kind === 'replayed') reply.header('idempotent-replayed', 'true');
        return reply.code(202).send({ id: out.event.id, status: out.event.status, replayed: out.kind === 'replayed' });
      },
    );

    app.get(
      '/v1/events/:id',
      {
        config: { auth: { operator: 'viewer', scopes: ['events:read'] } },
        schema: { tags: ['events'], summary: 'An event as received, with its decision once made', params: IdParams, querystring: NoQuery, response: { 200: EventView } },
      },
      async (request, reply) => {
        const e = await deps.events.byId(request.params.id);
        if (!e || !canAccessLocation(principalOf(request), e.location)) return sendProblem(request, reply, problems['event-not-found'], 'No such event.');
        return view(e);
      },
    );
  };
}
