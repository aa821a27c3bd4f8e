import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { T0, type TestRuntime, startRuntime } from '../support/runtime.js';
import { auditRows } from './helpers.js';

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
const booking = (id: string, extra: Record<string, unknown> = {}) => ({ id, location: 'Dartmouth', bay: 3, customer: '+15550100111', starts_at: at(30), ends_at: at(90), ...extra });

for (const engine of engines) {
  describe(`bookings over HTTP on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let platform: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
      platform = await createKey(rt, admin, ['bookings:write', 'bookings:read']);
    });
    afterAll(async () => rt.dispose());

    const post = (body: unknown, headers = platform.headers) => rt.app.inject({ method: 'POST', url: '/v1/bookings', headers, payload: body as Record<string, unknown> });
    const find = async (query: string, headers: Record<string, string> = platform.headers) => {
      const res = await rt.app.inject({ method: 'GET', url: `/v1/bookings?${query}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { bookings: { id: string; status: string }[] }).bookings.map((b) => b.id);
    };

    it('the booking platform creates a booking once (a retry is a no-op), audited with the phone minimised', async () => {
      const first = await post(booking('bk-100'));
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toMatchObject({ id: 'bk-100', status: 'confirmed', source: 'api', bay: 3, customer: '+15550100111' });
      const again = await post(booking('bk-100'));
      expect(again.statusCode).toBe(200);
      expectProblem(await post(booking('bk-100', { bay: 4 })), 409);
      const audit = await auditRows(rt, { resourceId: 'bk-100' });
      expect(audit.map((a) => [a.action, a.actor_type])).toEqual([['booking.created', 'api_key']]);
      expect(JSON.stringify(audit[0]!.body)).not.toContain('5550100111');
    });

    it('finds bookings by customer and by bay and time; the directory port agrees', async () => {
      expect(await find('customer=%2B15550100111')).toContain('bk-100');
      expect(await find(`location=Dartmouth&bay=3&at=${encodeURIComponent(at(45))}`)).toEqual(['bk-100']);
      expect(await find(`location=Dartmouth&bay=3&at=${encodeURIComponent(at(95))}`)).toEqual([]);
      expect(await find(`location=Dartmouth&bay=2&at=${encodeURIComponent(at(45))}`)).toEqual([]);
      expect((await rt.venue.bookings.onBay('dartmouth', 3, new Date(at(45))))?.id).toBe('bk-100');
      expect(await rt.venue.bookings.onBay('Dartmouth', 3, new Date(at(10)))).toBeNull();
      // Early-arrival grace: 30 minutes before the start the customer already "has" the booking.
      expect((await rt.venue.bookings.activeFor('+15550100111', 'Dartmouth', T0))?.id).toBe('bk-100');
      expect(await rt.venue.bookings.activeFor('+15550100111', 'Bedford', T0)).toBeNull();
      expect(await rt.venue.bookings.activeFor('+15550100111', null, new Date(at(91)))).toBeNull();
    });

    it('is refused without the bookings:write scope, and for a location the key is not granted', async () => {
      const reader = await createKey(rt, admin, ['events:write']);
      expectProblem(await post(booking('bk-200'), reader.headers), 403);
      const bedfordOnly = await createKey(rt, admin, ['bookings:write'], { locations: ['Bedford'] });
      expectProblem(await post(booking('bk-201'), bedfordOnly.headers), 403);
      expect(await rt.venue.bookings.byId('bk-200')).toBeNull();
      expect(await rt.venue.bookings.byId('bk-201')).toBeNull();
    });

    it('rejects malformed bookings with a 4xx problem and stores nothing', async () => {
      expectProblem(await post(booking('bk-300', { ends_at: at(10) })), 400);
      expectProblem(await post(booking('bk-301', { bay: '3' })), 400);
      expectProblem(await post(booking('bk-302', { starts_at: 'tomorrow' })), 400);
      expectProblem(await post(booking('../etc', {})), 400);
      expectProblem(await post({ ...booking('bk-303'), price: 10 }), 400);
      expect(await find('location=Dartmouth&limit=500')).not.toContain('bk-300');
    });

    it('cancels and moves a booking (audited); a cancelled booking no longer holds the bay', async () => {
      expect((await post(booking('bk-400', { bay: 1 }))).statusCode).toBe(201);
      const moved = await rt.app.inject({ method: 'PATCH', url: '/v1/bookings/bk-400', headers: platform.headers, payload: { bay: 2 } });
      expect(moved.statusCode, moved.body).toBe(200);
      expect((await rt.venue.bookings.onBay('Dartmouth', 2, new Date(at(45))))?.id).toBe('bk-400');
      const cancelled = await rt.app.inject({ method: 'PATCH', url: '/v1/bookings/bk-400', headers: platform.headers, payload: { status: 'cancelled' } });
      expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
      expect(await rt.venue.bookings.onBay('Dartmouth', 2, new Date(at(45)))).toBeNull();
      expect((await auditRows(rt, { resourceId: 'bk-400' })).map((a) => a.action)).toEqual(['booking.created', 'booking.moved', 'booking.cancelled']);
      expectProblem(await rt.app.inject({ method: 'PATCH', url: '/v1/bookings/bk-nope', headers: platform.headers, payload: { status: 'cancelled' } }), 404);
    });

    it('imports in bulk (admin only), upserting by id', async () => {
      const payload = { bookings: [booking('imp-1', { bay: 4 }), booking('imp-2', { bay: 5, customer: null })] };
      const operator = await createOperator(rt, admin, 'operator');
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/bookings/import', headers: operator.headers, payload }), 403);
      const res = await rt.app.inject({ method: 'POST', url: '/v1/bookings/import', headers: admin.headers, payload });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ created: 2, updated: 0 });
      const again = await rt.app.inject({ method: 'POST', url: '/v1/bookings/import', headers: admin.headers, payload: { bookings: [booking('imp-1', { bay: 6 })] } });
      expect(again.json()).toEqual({ created: 0, updated: 1 });
      expect((await rt.venue.bookings.byId('imp-1'))?.bay).toBe(6);
      const viewer = await createOperator(rt, admin, 'viewer', undefined, ['Bedford']);
      expect(await find('customer=%2B15550100111', viewer.headers)).toEqual([]);
    });
  });
}
