import { Type } from 'typebox';
import type { AuditLog } from '../../audit/auditLog.js';
import { actorOf, canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import { DEVICE_KINDS, type DeviceRecord, type LocationRecord, type LocationStore } from '../../store/venue/locations.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { NoQuery, Strict } from '../schemas.js';

const Name = Type.String({ pattern: "^[A-Za-z][A-Za-z0-9 .'-]{0,79}$" });
const Code = Type.String({ pattern: '^[A-Za-z0-9]{2,8}$' });
const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' });
const Url = Type.String({ pattern: '^https?://[^\\s]{1,500}$' });
const Timezone = Type.String({ pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}$', maxLength: 64 });
const Bay = Type.Integer({ minimum: 0, maximum: 999 });
const DeviceId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' });
const Integration = Type.String({ pattern: '^[a-z][a-z0-9_-]{1,30}(:[A-Za-z0-9 ._-]{1,80})?$' });

const LocationFields = {
  code: Type.Optional(Type.Union([Code, Type.Null()])),
  aliases: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 20 })),
  timezone: Type.Optional(Timezone),
  openphoneNumber: Type.Optional(Type.Union([E164, Type.Null()])),
  bookingUrl: Type.Optional(Type.Union([Url, Type.Null()])),
};
const LocationView = Type.Object({
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  aliases: Type.Array(Type.String()),
  bayCount: Type.Integer(),
  timezone: Type.String(),
  openphoneNumber: Type.Union([Type.String(), Type.Null()]),
  bookingUrl: Type.Union([Type.String(), Type.Null()]),
  bays: Type.Array(Type.Object({ number: Type.Integer(), label: Type.Union([Type.String(), Type.Null()]) })),
});
const DeviceView = Type.Object({
  id: Type.String(),
  location: Type.String(),
  bay: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.String(),
  integration: Type.String(),
  vendorRef: Type.Union([Type.String(), Type.Null()]),
});
const DeviceKind = Type.Union(DEVICE_KINDS.map((k) => Type.Literal(k)));
const VendorRef = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]);

const locationView = (l: LocationRecord) => ({
  name: l.name,
  code: l.code,
  aliases: [...l.aliases],
  bayCount: l.bayCount,
  timezone: l.timezone,
  openphoneNumber: l.openPhoneNumber,
  bookingUrl: l.bookingUrl,
  bays: l.bays.map((b) => ({ number: b.number, label: b.label })),
});
const deviceView = (d: DeviceRecord) => ({ ...d });

type LocationBody = { code?: string | null; aliases?: string[]; timezone?: string; openphoneNumber?: string | null; bookingUrl?: string | null };
const input = (b: LocationBody) => ({
  ...(b.code !== undefined ? { code: b.code } : {}),
  ...(b.aliases !== undefined ? { aliases: b.aliases } : {}),
  ...(b.timezone !== undefined ? { timezone: b.timezone } : {}),
  ...(b.openphoneNumber !== undefined ? { openPhoneNumber: b.openphoneNumber } : {}),
  ...(b.bookingUrl !== undefined ? { bookingUrl: b.bookingUrl } : {}),
});

/** The venue's locations (with their bays) and devices (which integration controls each). Reads for operators of the location; writes for admins, audited. */
export function locationRoutes(deps: { locations: LocationStore; audit: AuditLog; clock: Clock }) {
  const { locations } = deps;
  const changed = (request: Parameters<typeof principalOf>[0], resource: { type: string; id: string }, body: Record<string, string | number | boolean | null | string[]>) =>
    deps.audit.record({ action: 'config.changed', actor: actorOf(principalOf(request)), resource, correlationId: String(request.id), body });

  return (app: HttpApp) => {
    app.get(
      '/v1/locations',
      {
        config: { auth: { operator: 'viewer', scopes: ['venue:read'] } },
        schema: { tags: ['venue'], summary: 'Locations you may see, with their bays', querystring: NoQuery, response: { 200: Type.Object({ locations: Type.Array(LocationView) }) } },
      },
      async (request) => ({ locations: (await locations.list(principalOf(request).locations)).map(locationView) }),
    );

    app.post(
      '/v1/locations',
      {
        config: { auth: { operator: 'admin' } },
        schema: { tags: ['venue'], summary: 'Add a location', querystring: NoQuery, body: Strict({ name: Name, ...LocationFields }), response: { 201: LocationView } },
      },
      async (request, reply) => {
        const out = await locations.create(request.body.name, input(request.body), deps.clock.now());
        if (out.kind === 'exists') return sendProblem(request, reply, problems['location-exists'], 'That name, code or OpenPhone number is taken.');
        await changed(request, { type: 'location', id: out.location.name }, { change: 'location.created', code: out.location.code, openphoneNumber: out.location.openPhoneNumber });
        return reply.code(201).send(locationView(out.location));
      },
    );

    const NameParams = Strict({ name: Name });
    app.get(
      '/v1/locations/:name',
      {
        config: { auth: { operator: 'viewer', scopes: ['venue:read'] } },
        schema: { tags: ['venue'], summary: 'One location with its bays', params: NameParams, querystring: NoQuery, response: { 200: LocationView } },
      },
      async (request, reply) => {
        const l = await locations.byName(request.params.name);
        if (!l || !canAccessLocation(principalOf(request), l.name)) return sendProblem(request, reply, problems['location-not-found'], 'No such location.');
        return locationView(l);
      },
    );

    app.patch(
      '/v1/locations/:name',
      {
        config: { auth: { operator: 'admin' } },
        schema: { tags: ['venue'], summary: 'Change a location (code, aliases, timezone, OpenPhone number, booking link)', params: NameParams, querystring: NoQuery, body: Strict(LocationFields), response: { 200: LocationView } },
      },
      async (request, reply) => {
        const out = await locations.update(request.params.name, input(request.body), deps.clock.now());
        if (out === null) return sendProblem(request, reply, problems['location-not-found'], 'No such location.');
        if (out === 'conflict') return sendProblem(request, reply, problems['location-exists'], 'That code or OpenPhone number belongs to another location.');
        await changed(request, { type: 'location', id: out.name }, { change: 'location.updated', fields: Object.keys(request.body) });
        return locationView(out);
      },
    );

    app.put(
      '/v1/locations/:name/bays',
      {
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['venue'],
          summary: "Replace the location's bays",
          params: NameParams,
          querystring: NoQuery,
          body: Strict({ bays: Type.Array(Strict({ number: Bay, label: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()])) }), { maxItems: 200 }) }),
          response: { 200: LocationView },
        },
      },
      async (request, reply) => {
        const numbers = request.body.bays.map((b) => b.number);
        if (new Set(numbers).size !== numbers.length) {
          return sendProblem(request, reply, problems['validation-failed'], 'Each bay number may appear once.', { errors: [{ location: 'body', pointer: '/bays', message: 'duplicate bay number' }] });
        }
        const out = await locations.putBays(request.params.name, request.body.bays.map((b) => ({ number: b.number, label: b.label ?? null })), deps.clock.now());
        if (out === null) return sendProblem(request, reply, problems['location-not-found'], 'No such location.');
        await changed(request, { type: 'location', id: out.name }, { change: 'bays.replaced', bays: numbers.length });
        return locationView(out);
      },
    );

    app.get(
      '/v1/devices',
      {
        config: { auth: { operator: 'viewer', scopes: ['venue:read'] } },
        schema: {
          tags: ['venue'],
          summary: 'Devices you may see, and the integration that controls each',
          querystring: Strict({ location: Type.Optional(Name) }),
          response: { 200: Type.Object({ devices: Type.Array(DeviceView) }) },
        },
      },
      async (request) => ({
        devices: (await locations.devices({ ...(request.query.location !== undefined ? { location: request.query.location } : {}), locations: principalOf(request).locations })).map(deviceView),
      }),
    );

    app.post(
      '/v1/devices',
      {
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['venue'],
          summary: 'Register a device',
          querystring: NoQuery,
          body: Strict({ id: DeviceId, location: Name, bay: Type.Union([Bay, Type.Null()]), kind: DeviceKind, integration: Integration, vendorRef: Type.Optional(VendorRef) }),
          response: { 201: DeviceView },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const place = await locations.byName(b.location);
        if (!place) return sendProblem(request, reply, problems['location-not-found'], 'Add the location first.');
        const d = await locations.createDevice({ id: b.id, location: place.name, bay: b.bay, kind: b.kind, integration: b.integration, vendorRef: b.vendorRef ?? null }, deps.clock.now());
        if (!d) return sendProblem(request, reply, problems['device-exists'], 'A device with that id exists.');
        await changed(request, { type: 'device', id: d.id }, { change: 'device.created', location: d.location, bay: d.bay, kind: d.kind, integration: d.integration });
        return reply.code(201).send(deviceView(d));
      },
    );

    const DeviceParams = Strict({ id: DeviceId });
    app.patch(
      '/v1/devices/:id',
      {
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['venue'],
          summary: 'Change a device (bay, kind, integration, vendor reference)',
          params: DeviceParams,
          querystring: NoQuery,
          body: Strict({ bay: Type.Optional(Type.Union([Bay, Type.Null()])), kind: Type.Optional(DeviceKind), integration: Type.Optional(Integration), vendorRef: Type.Optional(VendorRef) }),
          response: { 200: DeviceView },
        },
      },
      async (request, reply) => {
        const d = await locations.updateDevice(request.params.id, request.body, deps.clock.now());
        if (!d) return sendProblem(request, reply, problems['device-not-found'], 'No such device.');
        await changed(request, { type: 'device', id: d.id }, { change: 'device.updated', fields: Object.keys(request.body) });
        return deviceView(d);
      },
    );

    app.delete(
      '/v1/devices/:id',
      {
        config: { auth: { operator: 'admin' } },
        schema: { tags: ['venue'], summary: 'Remove a device', params: DeviceParams, querystring: NoQuery, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        if (!(await locations.deleteDevice(request.params.id))) return sendProblem(request, reply, problems['device-not-found'], 'No such device.');
        await changed(request, { type: 'device', id: request.params.id }, { change: 'device.deleted' });
        return reply.code(204).send(null);
      },
    );
  };
}
