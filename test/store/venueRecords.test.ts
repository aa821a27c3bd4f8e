import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingDirectory, bookingStore } from '../../src/store/venue/bookings.js';
import { threadStore } from '../../src/store/venue/threads.js';
import { ticketStore } from '../../src/store/venue/tickets.js';
import { submit } from '../pipeline/helpers.js';
import { type CreatedKey, createKey, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { T0, type TestRuntime, startRuntime } from '../support/runtime.js';

const MINUTE = 60_000;
const at = (m: number) => new Date(T0.getTime() + m * MINUTE);

for (const engine of engines) {
  describe(`venue records on ${engine.name}`, () => {
    let rt: TestRuntime;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '100000' });
      key = await createKey(rt, await setupAdmin(rt), ['events:write']);
    });
    afterAll(async () => rt.dispose());

    it('a customer whose old thread came back to life has two live threads: the next message folds them into one', async () => {
      const threads = threadStore(rt.database.db);
      const text = async (body: string) => {
        const { id } = await submit(rt, key, { kind: 'message', channel: 'sms', from: 'c-merge', location: 'Dartmouth', text: body });
        return (await rt.venue.threads.ofEvent(id))!.id;
      };
      const first = await text('the screen in bay 3 is black');
      rt.clock.advance(31 * MINUTE);
      // Past the same-issue window: a new thread.
      const second = await text('hello? anyone there');
      expect(second).not.toBe(first);
      // An operator answers on the old thread a minute later, so it is the most recently active again.
      rt.clock.advance(MINUTE);
      await rt.venue.threads.recordOutgoing(first, { text: 'Sorry, looking now', channel: 'sms', executionId: null, operatorId: null, at: rt.clock.now() });
      rt.clock.advance(MINUTE);
      const joined = await text('still black');
      expect(joined).toBe(first);
      expect(await threads.byId(second)).toMatchObject({ state: 'merged' });
      // Every message of the customer is on the thread that stayed.
      expect((await threads.messages(first)).map((m) => [m.direction, m.text])).toEqual([
        ['in', 'the screen in bay 3 is black'],
        ['in', 'hello? anyone there'],
        ['out', 'Sorry, looking now'],
        ['in', 'still black'],
      ]);
      expect(await threads.messages(second)).toEqual([]);
    });

    it('a thread move names what it found: an unknown thread, a move the state table forbids', async () => {
      const threads = threadStore(rt.database.db);
      expect(await threads.move(randomUUID(), 'resolved', rt.clock.now())).toEqual({ kind: 'not_found' });
      const [merged] = await threads.list({ state: 'merged', locations: null, limit: 10 });
      expect(await threads.move(merged!.id, 'open', rt.clock.now())).toEqual({ kind: 'not_allowed', state: 'merged' });
      expect(await threads.list({ locations: [], limit: 10 })).toEqual([]);
      expect(await rt.venue.threads.transition(merged!.id, 'open', rt.clock.now())).toBe(false);
    });

    it('bookings: moved in time field by field, unknown ones are null, and an empty grant sees none', async () => {
      const bookings = bookingStore(rt.database.db);
      expect(await bookings.put({ id: 'bk-m1', location: 'Dartmouth', bay: 2, customer: 'c-b1', startsAt: at(60), endsAt: at(120) }, 'api', at(0))).toMatchObject({ kind: 'created' });
      expect(await bookings.update('bk-m1', { startsAt: at(90) }, at(1))).toMatchObject({ startsAt: at(90), endsAt: at(120), bay: 2 });
      expect(await bookings.update('bk-m1', { endsAt: at(150), bay: 3 }, at(2))).toMatchObject({ startsAt: at(90), endsAt: at(150), bay: 3 });
      expect(await bookings.update('bk-nope', { status: 'cancelled' }, at(2))).toBeNull();
      expect(await bookings.list({ locations: [], limit: 10 })).toEqual([]);
      expect((await bookings.list({ locations: ['dartmouth'], customer: 'c-b1', limit: 10 })).map((b) => b.id)).toEqual(['bk-m1']);
    });

    it('of several overlapping bookings, the one starting closest to now is the customer’s (ties by id)', async () => {
      const bookings = bookingStore(rt.database.db);
      const put = (id: string, start: number, end: number) => bookings.put({ id, location: 'Bedford', bay: 1, customer: 'c-b2', startsAt: at(start), endsAt: at(end) }, 'api', at(0));
      await put('bk-o1', -120, 60);
      await put('bk-o3', -20, 60);
      await put('bk-o2', -20, 90);
      await put('bk-o4', 30, 90);
      const directory = bookingDirectory(rt.database.db);
      expect((await directory.activeFor('c-b2', 'bedford', at(0)))?.id).toBe('bk-o2');
      expect((await directory.activeFor('c-b2', null, at(-119)))?.id).toBe('bk-o1');
    });

    it('tickets: an unknown ticket cannot move, and an empty grant lists none', async () => {
      const tickets = ticketStore(rt.database.db, randomUUID);
      expect(await tickets.move(randomUUID(), 'in_progress', rt.clock.now())).toEqual({ kind: 'not_found' });
      expect(await tickets.list({ locations: [], limit: 10 })).toEqual([]);
    });
  });
}
