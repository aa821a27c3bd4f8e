import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAQ_TOPICS } from '../../src/venue/catalogue.js';
import { type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { auditRows } from './helpers.js';

const MIN = 60_000;

interface Template {
  key: string;
  location: string | null;
  text: string;
}
interface Ticket {
  id: string;
  state: string;
  priority: string;
  slaResponseDue: string;
  slaBreachedAt: string | null;
  respondedAt: string | null;
}

for (const engine of engines) {
  describe(`locations, devices, templates and tickets over HTTP on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let bedford: OperatorSession;

    beforeAll(async () => {
      rt = await startRuntime(engine, { BOOKING_URL: 'https://book.example.com' });
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator', undefined, ['Dartmouth']);
      bedford = await createOperator(rt, admin, 'operator', undefined, ['Bedford']);
      for (const payload of [
        { name: 'Dartmouth', code: 'DAR', aliases: ['dart'], timezone: 'America/Halifax', openphoneNumber: '+19025550100' },
        { name: 'Bedford', code: 'BED', bookingUrl: 'https://book.example.com/bedford' },
      ]) {
        const res = await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload });
        expect(res.statusCode, res.body).toBe(201);
      }
    });
    afterAll(async () => rt.dispose());

    it('admins manage locations, bays and devices; operators see only their locations; duplicates are 409', async () => {
      const bays = await rt.app.inject({ method: 'PUT', url: '/v1/locations/Dartmouth/bays', headers: admin.headers, payload: { bays: [{ number: 1 }, { number: 2, label: 'Lefty bay' }, { number: 3 }] } });
      expect(bays.statusCode, bays.body).toBe(200);
      expect(bays.json()).toMatchObject({ name: 'Dartmouth', bayCount: 3, bays: [{ number: 1, label: null }, { number: 2, label: 'Lefty bay' }, { number: 3, label: null }] });
      const device = await rt.app.inject({ method: 'POST', url: '/v1/devices', headers: admin.headers, payload: { id: 'DAR-B3-TPS', location: 'dartmouth', bay: 3, kind: 'bay_pc', integration: 'ninjaone:Dartmouth', vendorRef: '1042' } });
      expect(device.statusCode, device.body).toBe(201);
      expect(device.json()).toEqual({ id: 'DAR-B3-TPS', location: 'Dartmouth', bay: 3, kind: 'bay_pc', integration: 'ninjaone:Dartmouth', vendorRef: '1042' });
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/devices', headers: admin.headers, payload: { id: 'DAR-B3-TPS', location: 'Dartmouth', bay: 3, kind: 'bay_pc', integration: 'simulator' } }), 409);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name: 'dartmouth' } }), 409);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name: 'Halifax', openphoneNumber: '+19025550100' } }), 409);

      const patched = await rt.app.inject({ method: 'PATCH', url: '/v1/devices/DAR-B3-TPS', headers: admin.headers, payload: { integration: 'agent:Dartmouth' } });
      expect(patched.json()).toMatchObject({ integration: 'agent:Dartmouth' });
      const seen = (await rt.app.inject({ method: 'GET', url: '/v1/locations', headers: operator.headers })).json() as { locations: { name: string }[] };
      expect(seen.locations.map((l) => l.name)).toEqual(['Dartmouth']);
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/locations/Dartmouth', headers: bedford.headers }), 404);
      expect(((await rt.app.inject({ method: 'GET', url: '/v1/devices', headers: bedford.headers })).json() as { devices: unknown[] }).devices).toEqual([]);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/devices', headers: operator.headers, payload: { id: 'X1', location: 'Dartmouth', bay: 1, kind: 'tv', integration: 'simulator' } }), 403);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/devices', headers: admin.headers, payload: { id: 'X1', location: 'Dartmouth', bay: 1, kind: 'toaster', integration: 'simulator' } }), 400);
      expect((await rt.app.inject({ method: 'DELETE', url: '/v1/devices/DAR-B3-TPS', headers: admin.headers })).statusCode).toBe(204);
      expectProblem(await rt.app.inject({ method: 'DELETE', url: '/v1/devices/DAR-B3-TPS', headers: admin.headers }), 404);
      expect((await auditRows(rt, { resourceId: 'DAR-B3-TPS' })).map((a) => a.body.change)).toEqual(['device.created', 'device.updated', 'device.deleted']);
      const reader = await createKey(rt, admin, ['venue:read'], { locations: ['Dartmouth'] });
      expect(((await rt.app.inject({ method: 'GET', url: '/v1/locations', headers: reader.headers })).json() as { locations: unknown[] }).locations.length).toBe(1);
    });

    it('seeds a venue-wide template for every FAQ topic and the system replies; renders with the location and its booking link', async () => {
      const list = ((await rt.app.inject({ method: 'GET', url: '/v1/templates', headers: operator.headers })).json() as { templates: Template[] }).templates;
      const keys = list.filter((t) => t.location === null).map((t) => t.key);
      for (const k of [...FAQ_TOPICS.map((t) => `reply_faq_${t}`), 'send_booking_link', 'clarify_bay', 'reply_early_arrival', 'unlock_done', 'emergency_safety']) expect(keys).toContain(k);
      expect(await rt.venue.templates.render('Bedford', 'send_booking_link', {})).toBe(
        'You can book a bay at Bedford here: https://book.example.com/bedford. The door code works from 15 minutes before your start time.',
      );
      expect(await rt.venue.templates.render('dartmouth', 'send_booking_link', {})).toContain('at Dartmouth here: https://book.example.com.');
      expect(await rt.venue.templates.render(null, 'emergency_safety', {})).toMatch(/call 911/);
      expect(await rt.venue.templates.render(null, 'reply_faq_hours', {})).toBeNull(); // {{location}} unknown: no reply with a hole
      expect(await rt.venue.templates.render('Dartmouth', 'no_such_template', {})).toBeNull();
    });

    it('an admin edits a template venue-wide or per location (audited with before and after); others may not', async () => {
      const put = (key: string, payload: Record<string, unknown>, who = admin) => rt.app.inject({ method: 'PUT', url: `/v1/templates/${key}`, headers: who.headers, payload });
      expectProblem(await put('reply_faq_food', { text: 'No food.' }, operator), 403);
      const local = await put('reply_faq_food', { text: 'Bedford has a snack bar by the door, {{location}} welcomes you.', location: 'bedford' });
      expect(local.statusCode, local.body).toBe(200);
      expect(local.json()).toMatchObject({ key: 'reply_faq_food', location: 'Bedford', placeholders: ['location'] });
      expect(await rt.venue.templates.render('Bedford', 'reply_faq_food', {})).toBe('Bedford has a snack bar by the door, Bedford welcomes you.');
      const venueWide = await rt.venue.templates.render('Dartmouth', 'reply_faq_food', {});
      expect(venueWide).toMatch(/^Outside snacks/);
      expect((await put('reply_faq_food', { text: 'Snacks are fine outside the hitting area.' })).statusCode).toBe(200);
      expect(await rt.venue.templates.render('Dartmouth', 'reply_faq_food', {})).toBe('Snacks are fine outside the hitting area.');
      const audit = await auditRows(rt, { action: 'template.changed' });
      expect(audit.map((a) => [a.resource_id, a.actor_type, a.body.scope])).toEqual([
        ['reply_faq_food@Bedford', 'operator', 'location'],
        ['reply_faq_food', 'operator', 'venue'],
      ]);
      expect(audit[1]!.body).toMatchObject({ before: venueWide, after: 'Snacks are fine outside the hitting area.' });
      expectProblem(await put('reply_faq_food', { text: 'x', location: 'Atlantis' }), 404);
      expectProblem(await put('Bad-Key', { text: 'x' }), 400);
      expectProblem(await put('reply_faq_food', { text: '' }), 400);
    });

    it('tickets: opened once per idempotency key (audited), the SLA task marks, alerts and audits a breach once', async () => {
      const open = (payload: Record<string, unknown>, who = operator, idem?: string) =>
        rt.app.inject({ method: 'POST', url: '/v1/tickets', headers: { ...who.headers, ...(idem ? { 'idempotency-key': idem } : {}) }, payload });
      const critical = await open({ kind: 'tech', priority: 'critical', location: 'Dartmouth', bay: 2, title: 'Projector dead in bay 2' }, operator, 'tk-1');
      expect(critical.statusCode, critical.body).toBe(201);
      const c = critical.json() as Ticket;
      expect(new Date(c.slaResponseDue).getTime() - rt.clock.now().getTime()).toBe(15 * MIN);
      const retry = await open({ kind: 'tech', priority: 'critical', location: 'Dartmouth', bay: 2, title: 'Projector dead in bay 2' }, operator, 'tk-1');
      expect(retry.statusCode).toBe(200);
      expect((retry.json() as Ticket).id).toBe(c.id);
      const low = (await open({ kind: 'facilities', priority: 'low', location: 'Dartmouth', title: 'Restock towels' })).json() as Ticket;
      const handled = (await open({ kind: 'facilities', priority: 'critical', location: 'Dartmouth', title: 'Water on the floor' })).json() as Ticket;
      expectProblem(await open({ kind: 'tech', priority: 'high', location: 'Bedford', title: 'x' }), 403);
      expectProblem(await open({ kind: 'tech', priority: 'urgent', location: 'Dartmouth', title: 'x' }), 400);

      // Someone picks one critical ticket up in time; the other waits.
      rt.clock.advance(5 * MIN);
      const started = await rt.app.inject({ method: 'PATCH', url: `/v1/tickets/${handled.id}`, headers: operator.headers, payload: { state: 'in_progress' } });
      expect(started.json()).toMatchObject({ state: 'in_progress', respondedAt: rt.clock.now().toISOString() });

      rt.clock.advance(11 * MIN);
      const notificationsBefore = Number((await rt.database.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      expect(await rt.venue.tickets.checkSla()).toBe(1);
      expect(await rt.venue.tickets.checkSla()).toBe(0);
      const alerts = await rt.database.db.selectFrom('notifications').selectAll().where('topic', '=', 'ticket.sla_breached').execute();
      expect(alerts.map((a) => [a.severity, (a.body as { ticketId: string }).ticketId])).toEqual([['critical', c.id]]);
      expect(Number((await rt.database.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(notificationsBefore + 1);
      expect((await auditRows(rt, { resourceId: c.id })).map((a) => [a.action, a.actor_id])).toEqual([
        ['ticket.opened', operator.operatorId],
        ['ticket.breached', 'ticket_sla'],
      ]);
      const list = ((await rt.app.inject({ method: 'GET', url: '/v1/tickets?state=open', headers: operator.headers })).json() as { tickets: Ticket[] }).tickets;
      expect(list.find((t) => t.id === c.id)?.slaBreachedAt).toBe(rt.clock.now().toISOString());
      expect(list.find((t) => t.id === low.id)?.slaBreachedAt).toBeNull();
      expect(((await rt.app.inject({ method: 'GET', url: '/v1/tickets', headers: bedford.headers })).json() as { tickets: unknown[] }).tickets).toEqual([]);

      // The port execution uses: once per key, a system actor.
      const a = await rt.venue.tickets.open({ kind: 'lost_and_found', priority: 'low', location: 'Dartmouth', bay: 1, title: 'Driver left in bay 1', threadId: null, eventId: null, idempotencyKey: 'exec-1', at: rt.clock.now() });
      const b = await rt.venue.tickets.open({ kind: 'lost_and_found', priority: 'low', location: 'Dartmouth', bay: 1, title: 'Driver left in bay 1', threadId: null, eventId: null, idempotencyKey: 'exec-1', at: rt.clock.now() });
      expect(b.id).toBe(a.id);
      expect((await auditRows(rt, { resourceId: a.id })).map((x) => [x.action, x.actor_id])).toEqual([['ticket.opened', 'execution']]);

      const resolved = await rt.app.inject({ method: 'PATCH', url: `/v1/tickets/${handled.id}`, headers: operator.headers, payload: { state: 'resolved' } });
      expect(resolved.json()).toMatchObject({ state: 'resolved' });
      expectProblem(await rt.app.inject({ method: 'PATCH', url: `/v1/tickets/${handled.id}`, headers: operator.headers, payload: { state: 'in_progress' } }), 409);
      expectProblem(await rt.app.inject({ method: 'PATCH', url: `/v1/tickets/${handled.id}`, headers: bedford.headers, payload: { state: 'open' } }), 404);
    });
  });
}
