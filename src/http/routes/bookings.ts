import { Type } from 'typebox';
import type { AuditLog } from '../../audit/auditLog.js';
import { actorOf, canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { BookingInput, BookingRecord, BookingStore } from '../../store/venue/bookings.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { IntString, NoQuery, Strict, Timestamp } from '../schemas.js';

const BookingId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' });
const Bay = Type.Union([Type.Integer({ minimum: 0, maximum: 999 }), Type.Null()]);

const BookingBody = Strict({
  id: BookingId,
  location: Type.String({ minLength: 1, maxLength: 80 }),
  bay: Bay,
  customer: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
  starts_at: Timestamp,
  ends_at: Timestamp,
});
const ImportBody = Strict({ bookings: Type.Array(BookingBody, { minItems: 1, maxItems: 5000 }) });
const PatchBody = Strict({
  status: Type.Optional(Type.Literal('cancelled')),
  bay: Type.Optional(Bay),
  starts_at: Type.Optional(Timestamp),
  ends_at: Type.Optional(Timestamp),
});
const ListQuery = Strict({
  customer: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  location: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  bay: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  at: Type.Optional(Timestamp),
  limit: Type.Optional(IntString),
});
const BookingParams = Strict({ id: BookingId });

const BookingView = Type.Object({
  id: Type.String(),
  location: Type.String(),
  bay: Type.Union([Type.Integer(), Type.Null()]),
  customer: Type.Union([Type.String(), Type.Null()]),
  starts_at: Timestamp,
  ends_at: Timestamp,
  status: Type.String(),
  source: Type.String(),
});
const view = (b: BookingRecord) => ({
  id: b.id,
  location: b.location,
  bay: b.bay,
  customer: b.customer,
  starts_at: b.startsAt.toISOString(),
  ends_at: b.endsAt.toISOString(),
  status: b.status,
  source: b.source,
});

type Body = { id: string; location: string; bay: number | null; customer: string | null; starts_at: string; ends_at: string };
const input = (b: Body): BookingInput => ({ id: b.id, location: b.location, bay: b.bay, customer: b.customer, startsAt: new Date(b.starts_at), endsAt: new Date(b.ends_at) });
const valid = (b: BookingInput) => b.endsAt.getTime() > b.startsAt.getTime();

/** Bookings: created by the booking platform (API key `bookings:write`, idempotent by id) or imported; looked up by customer and by bay/time. */
export function bookingRoutes(deps: { bookings: BookingStore; audit: AuditLog; clock: Clock }) {
  return (app: HttpApp) => {
    app.post(
      '/v1/bookings',
      {
        config: { auth: { scopes: ['bookings:write'] }, priority: 'integration' },
        schema: {
          tags: ['bookings'],
          summary: 'Record a booking (the booking platform; sending the same booking again is a no-op)',
          querystring: NoQuery,
          body: BookingBody,
          response: { 200: BookingView, 201: BookingView },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const b = input(request.body);
        if (!valid(b)) return sendProblem(request, reply, problems['booking-invalid'], 'ends_at must be after starts_at.');
        if (!canAccessLocation(p, b.location)) return sendProblem(request, reply, problems['location-forbidden'], 'This key may not write bookings for that location.');
        const out = await deps.bookings.put(b, 'api', deps.clock.now());
        if (out.kind === 'conflict') return sendProblem(request, reply, problems['booking-conflict'], 'A different booking has that id.');
        if (out.kind === 'unchanged') return reply.code(200).send(view(out.booking));
        await deps.audit.record({
          action: 'booking.created',
          actor: actorOf(p),
          resource: { type: 'booking', id: b.id },
          location: b.location,
          correlationId: String(request.id),
          body: { source: 'api', bay: b.bay, customerPhone: b.customer, startsAt: request.body.starts_at, endsAt: request.body.ends_at },
        });
        return reply.code(201).send(view(out.booking));
      },
    );

    app.post(
      '/v1/bookings/import',
      {
        bodyLimit: 2 * 1024 * 1024,
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['bookings'],
          summary: 'Import bookings in bulk (upsert by id, one transaction)',
          querystring: NoQuery,
          body: ImportBody,
          response: { 200: Type.Object({ created: Type.Integer(), updated: Type.Integer() }) },
        },
      },
      async (request, reply) => {
        const list = request.body.bookings.map(input);
        const bad = list.findIndex((b) => !valid(b));
        if (bad >= 0) return sendProblem(request, reply, problems['booking-invalid'], `bookings[${bad}] ends before it starts.`, { index: bad });
        const ids = new Set(list.map((b) => b.id));
        if (ids.size !== list.length) return sendProblem(request, reply, problems['validation-failed'], 'Each booking id may appear once per import.', { errors: [{ location: 'body', pointer: '/bookings', message: 'duplicate id' }] });
        const out = await deps.bookings.importMany(list, deps.clock.now());
        await deps.audit.record({ action: 'booking.created', actor: actorOf(principalOf(request)), resource: { type: 'booking_import', id: String(request.id) }, correlationId: String(request.id), body: { source: 'import', ...out } });
        return out;
      },
    );

    app.patch(
      '/v1/bookings/:id',
      {
        config: { auth: { scopes: ['bookings:write'], operator: 'supervisor' } },
        schema: { tags: ['bookings'], summary: 'Cancel or move a booking', params: BookingParams, querystring: NoQuery, body: PatchBody, response: { 200: BookingView } },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const current = await deps.bookings.byId(request.params.id);
        if (!current || !canAccessLocation(p, current.location)) return sendProblem(request, reply, problems['booking-not-found'], 'No such booking.');
        const body = request.body;
        const startsAt = body.starts_at !== undefined ? new Date(body.starts_at) : current.startsAt;
        const endsAt = body.ends_at !== undefined ? new Date(body.ends_at) : current.endsAt;
        if (endsAt.getTime() <= startsAt.getTime()) return sendProblem(request, reply, problems['booking-invalid'], 'ends_at must be after starts_at.');
        const updated = await deps.bookings.update(
          current.id,
          {
            ...(body.status !== undefined ? { status: body.status } : {}),
            ...(body.bay !== undefined ? { bay: body.bay } : {}),
            ...(body.starts_at !== undefined ? { startsAt } : {}),
            ...(body.ends_at !== undefined ? { endsAt } : {}),
          },
          deps.clock.now(),
        );
        if (!updated) return sendProblem(request, reply, problems['booking-not-found'], 'No such booking.');
        const cancelled = body.status === 'cancelled' && current.status !== 'cancelled';
        const moved = body.bay !== undefined || body.starts_at !== undefined || body.ends_at !== undefined;
        if (cancelled || moved) {
          await deps.audit.record({
            action: cancelled ? 'booking.cancelled' : 'booking.moved',
            actor: actorOf(p),
            resource: { type: 'booking', id: current.id },
            location: current.location,
            correlationId: String(request.id),
            body: { bay: updated.bay, startsAt: updated.startsAt.toISOString(), endsAt: updated.endsAt.toISOString(), status: updated.status },
          });
        }
        return view(updated);
      },
    );

    app.get(
      '/v1/bookings',
      {
        config: { auth: { operator: 'viewer', scopes: ['bookings:read'] } },
        schema: {
          tags: ['bookings'],
          summary: 'Find bookings by customer, and by location/bay/time (`at` inside the booking)',
          querystring: ListQuery,
          response: { 200: Type.Object({ bookings: Type.Array(BookingView) }) },
        },
      },
      async (request) => {
        const q = request.query;
        const list = await deps.bookings.list({
          ...(q.customer !== undefined ? { customer: q.customer } : {}),
          ...(q.location !== undefined ? { location: q.location } : {}),
          ...(q.bay !== undefined ? { bay: Number(q.bay) } : {}),
          ...(q.at !== undefined ? { at: new Date(q.at) } : {}),
          locations: principalOf(request).locations,
          limit: Math.min(Number(q.limit ?? 100), 500),
        });
        return { bookings: list.map(view) };
      },
    );
  };
}
