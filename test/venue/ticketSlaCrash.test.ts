import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.js';
import { engines } from '../support/databases.js';
import { FAULT_MESSAGE, withFault } from '../support/faults.js';
import { type TestRuntime, twoInstances } from '../support/runtime.js';

const MIN = 60_000;

for (const engine of engines) {
  describe(`ticket SLA breaches across crashes and instances on ${engine.name}`, () => {
    let rt: TestRuntime;
    let other: Runtime;
    let opened = 0;
    // A second instance on the same database and clock: both run the SLA task; each breach is alerted and audited once.
    twoInstances(engine, (first, second) => {
      rt = first;
      other = second;
    });

    /** `n` critical tickets (15-minute response SLA) opened now, then the clock moved past their deadline. */
    async function breached(n: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const key = `sla-${opened++}`;
        const t = { kind: 'tech', priority: 'critical', location: 'Dartmouth', bay: i + 1, title: `Projector dead (${key})`, threadId: null, eventId: null, idempotencyKey: key, at: rt.clock.now() } as const;
        ids.push((await rt.venue.tickets.open(t)).id);
      }
      rt.clock.advance(16 * MIN);
      return ids;
    }
    const alertsFor = async (ids: readonly string[]) =>
      (
        await sql<{ ticket_id: string; severity: string; deliveries: number }>`select n.body->>'ticketId' as ticket_id, n.severity,
          (select count(*)::int from notification_deliveries d where d.notification_id = n.id and d.state = 'pending') as deliveries
          from notifications n where n.topic = 'ticket.sla_breached' and n.body->>'ticketId' = any(${[...ids]}::text[]) order by ticket_id`.execute(rt.database.db)
      ).rows;
    const entriesFor = async (ids: readonly string[]) =>
      (
        await sql<{ resource_id: string; actor_id: string; body: { priority: string; breachedAt: string } }>`select resource_id, actor_id, body from compliance_log
          where action = 'ticket.breached' and resource_id = any(${[...ids]}::text[]) order by resource_id`.execute(rt.database.db)
      ).rows;
    const marked = async (ids: readonly string[]) =>
      (await sql<{ id: string }>`select id from tickets where sla_breached_at is not null and id = any(${[...ids]}::uuid[])`.execute(rt.database.db)).rows.length;
    /** Every ticket marked, one alert (queued for the log sink) and one entry each; the chain verifies. */
    async function expectEachBreachedOnce(ids: readonly string[]) {
      const sorted = [...ids].sort();
      expect(await alertsFor(ids)).toEqual(sorted.map((id) => ({ ticket_id: id, severity: 'critical', deliveries: 1 })));
      const entries = await entriesFor(ids);
      expect(entries.map((e) => e.resource_id)).toEqual(sorted);
      for (const e of entries) expect(e).toMatchObject({ actor_id: 'ticket_sla', body: { priority: 'critical', breachedAt: rt.clock.now().toISOString() } });
      expect(await marked(ids)).toBe(ids.length);
      expect(await rt.audit.verify()).toMatchObject({ ok: true });
    }

    it('alerts and audits each breach once when two instances run the SLA task at once', async () => {
      const ids = await breached(4);
      const counts = await Promise.all([rt.venue.tickets.checkSla(), other.venue.tickets.checkSla()]);
      expect(counts[0] + counts[1]).toBe(4);
      await expectEachBreachedOnce(ids);
      expect(await Promise.all([rt.venue.tickets.checkSla(), other.venue.tickets.checkSla()])).toEqual([0, 0]);
      await expectEachBreachedOnce(ids);
    });

    it('loses no alert when queuing it fails after the ticket was marked: the mark is undone and the rerun alerts and audits each once', async () => {
      const ids = await breached(2);
      await withFault(rt.database.db, { name: 'refuse_breach_alert', table: 'notifications', on: 'insert', when: `new.topic = 'ticket.sla_breached'`, at: 'statement' }, async () => {
        await expect(rt.venue.tickets.checkSla()).rejects.toThrow(FAULT_MESSAGE);
        await expect(other.venue.tickets.checkSla()).rejects.toThrow(FAULT_MESSAGE);
        expect(await alertsFor(ids)).toEqual([]);
        expect(await entriesFor(ids)).toEqual([]);
        expect(await marked(ids)).toBe(0);
      });
      const counts = await Promise.all([rt.venue.tickets.checkSla(), other.venue.tickets.checkSla()]);
      expect(counts[0] + counts[1]).toBe(2);
      await expectEachBreachedOnce(ids);
    });

    it('neither loses the audit entry nor repeats the alert when the append fails after the alert was queued', async () => {
      const ids = await breached(2);
      await withFault(rt.database.db, { name: 'refuse_breach_entry', table: 'compliance_log', on: 'insert', when: `new.action = 'ticket.breached'`, at: 'statement' }, async () => {
        await expect(rt.venue.tickets.checkSla()).rejects.toThrow(FAULT_MESSAGE);
        expect(await alertsFor(ids)).toEqual([]);
        expect(await entriesFor(ids)).toEqual([]);
        expect(await marked(ids)).toBe(0);
      });
      const counts = await Promise.all([rt.venue.tickets.checkSla(), other.venue.tickets.checkSla()]);
      expect(counts[0] + counts[1]).toBe(2);
      await expectEachBreachedOnce(ids);
    });

    it('keeps nothing of a breach when the commit fails after its mark, alert and entry were written: the rerun writes each once', async () => {
      const ids = await breached(1);
      await withFault(rt.database.db, { name: 'refuse_breach_commit', table: 'compliance_log', on: 'insert', when: `new.action = 'ticket.breached'`, at: 'commit' }, async () => {
        await expect(rt.venue.tickets.checkSla()).rejects.toThrow(FAULT_MESSAGE);
        expect(await alertsFor(ids)).toEqual([]);
        expect(await marked(ids)).toBe(0);
      });
      expect(await rt.venue.tickets.checkSla()).toBe(1);
      await expectEachBreachedOnce(ids);
      expect(await other.venue.tickets.checkSla()).toBe(0);
    });
  });
}
