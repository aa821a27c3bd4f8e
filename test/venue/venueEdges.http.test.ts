import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { T0, type TestRuntime, startRuntime } from '../support/runtime.js';
import { auditRows } from './helpers.js';

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
const booking = (id: string, extra: Record<string, unknown> = {}) => ({ id, location: 'Dartmouth', bay: 3, customer: '+15550100111', starts_at: at(30), ends_at: at(90), ...extra });

for (const engine of engines) {
  describe(`venue administration edges over HTTP on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let platform: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      platform = await createKey(rt, admin, ['bookings:write', 'bookings:read', 'events:write']);
      for (const payload of [
        { name: 'Dartmouth', code: 'DAR', openphoneNumber: '+19025550100' },
        { name: 'Bedford', code: 'BED' },
      ]) {
        expect((await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload })).statusCode).toBe(201);
      }
    });
    afterAll(async () => rt.dispose());

    it('refuses a bulk import naming one booking twice, and stores none of it', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/bookings/import', headers: admin.headers, payload: { bookings: [booking('dup-1'), booking('dup-1', { bay: 4 })] } });
      expect(expectProblem(res, 400)).toMatchObject({ type: '/problems/validation-failed', errors: [{ location: 'body', pointer: '/bookings', message: 'duplicate id' }] });
      expect(await rt.venue.bookings.byId('dup-1')).toBeNull();
    });

    it('moves a booking in time (audited as moved) and refuses a move that would end it before it starts', async () => {
      expect((await rt.app.inject({ method: 'POST', url: '/v1/bookings', headers: platform.headers, payload: booking('mv-1') })).statusCode).toBe(201);
      const later = await rt.app.inject({ method: 'PATCH', url: '/v1/bookings/mv-1', headers: platform.headers, payload: { starts_at: at(60), ends_at: at(120) } });
      expect(later.json()).toMatchObject({ starts_at: at(60), ends_at: at(120), bay: 3 });
      const inverted = await rt.app.inject({ method: 'PATCH', url: '/v1/bookings/mv-1', headers: platform.headers, payload: { ends_at: at(45) } });
      expect(expectProblem(inverted, 400).type).toBe('/problems/booking-invalid');
      expect((await rt.venue.bookings.byId('mv-1'))?.endsAt.toISOString()).toBe(at(120));
      expect((await auditRows(rt, { resourceId: 'mv-1' })).map((a) => a.action)).toEqual(['booking.created', 'booking.moved']);
    });

    it('answers changes to an unknown location with 404, and a code taken by another location with 409', async () => {
      expect(expectProblem(await rt.app.inject({ method: 'PATCH', url: '/v1/locations/Halifax', headers: admin.headers, payload: { code: 'HFX' } }), 404).type).toBe('/problems/location-not-found');
      expect(expectProblem(await rt.app.inject({ method: 'PUT', url: '/v1/locations/Halifax/bays', headers: admin.headers, payload: { bays: [{ number: 1 }] } }), 404).type).toBe('/problems/location-not-found');
      const taken = await rt.app.inject({ method: 'PATCH', url: '/v1/locations/Bedford', headers: admin.headers, payload: { code: 'DAR' } });
      expect(expectProblem(taken, 409).type).toBe('/problems/location-exists');
      expect((await auditRows(rt, { resourceId: 'Bedford' })).map((a) => a.body)).not.toContainEqual(expect.objectContaining({ change: 'location.updated' }));
    });

    it('refuses a bay list that names one bay twice', async () => {
      const res = await rt.app.inject({ method: 'PUT', url: '/v1/locations/Dartmouth/bays', headers: admin.headers, payload: { bays: [{ number: 1 }, { number: 1, label: 'again' }] } });
      expect(expectProblem(res, 400)).toMatchObject({ type: '/problems/validation-failed', errors: [{ pointer: '/bays', message: 'duplicate bay number' }] });
    });

    it('refuses a malformed Idempotency-Key on events and tickets', async () => {
      const bad = { 'idempotency-key': 'has spaces in it' };
      const event = await rt.app.inject({ method: 'POST', url: '/v1/events', headers: { ...platform.headers, ...bad }, payload: { kind: 'message', channel: 'sms', from: 'c-1', location: 'Dartmouth', text: 'hello' } });
      expect(expectProblem(event, 400)).toMatchObject({ type: '/problems/validation-failed', errors: [{ location: 'headers', pointer: '/idempotency-key' }] });
      const ticket = await rt.app.inject({ method: 'POST', url: '/v1/tickets', headers: { ...operator.headers, ...bad }, payload: { kind: 'tech', priority: 'high', location: 'Dartmouth', title: 'Projector' } });
      expect(expectProblem(ticket, 400)).toMatchObject({ type: '/problems/validation-failed', errors: [{ location: 'headers', pointer: '/idempotency-key' }] });
    });

    it('refuses a ticket for a thread that does not exist, and moving a ticket that does not exist', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/tickets', headers: operator.headers, payload: { kind: 'tech', priority: 'high', location: 'Dartmouth', title: 'Projector', threadId: '00000000-0000-4000-8000-000000000001' } });
      expect(expectProblem(res, 404).type).toBe('/problems/thread-not-found');
      const move = await rt.app.inject({ method: 'PATCH', url: '/v1/tickets/00000000-0000-4000-8000-000000000002', headers: operator.headers, payload: { state: 'resolved' } });
      expect(expectProblem(move, 404).type).toBe('/problems/ticket-not-found');
    });
  });
}
