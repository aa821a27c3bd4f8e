import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ReceivedEvent } from '../../pipeline/ports.js';
import type { DB, EventsTable } from '../schema.js';

/** The intake row: the pipeline's ReceivedEvent plus what intake keeps for idempotency and status. */
export interface StoredEvent extends ReceivedEvent {
  readonly sourceKeyId: string | null;
  readonly idempotencyKey: string | null;
  readonly requestHash: string;
  readonly status: 'received' | 'decided' | 'failed';
  readonly decision: unknown;
  readonly decidedAt: Date | null;
}

const toEvent = (r: Selectable<EventsTable>): StoredEvent => ({
  id: r.id,
  receivedAt: r.received_at,
  occurredAt: r.occurred_at,
  kind: r.kind as StoredEvent['kind'],
  channel: r.channel as StoredEvent['channel'],
  sender: r.sender,
  location: r.location,
  bay: r.bay,
  text: r.text,
  context: r.context,
  sourceKeyId: r.source_key_id,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  status: r.status as StoredEvent['status'],
  decision: r.decision,
  decidedAt: r.decided_at,
});

export type InsertOutcome<A = unknown> =
  | { readonly kind: 'inserted'; readonly event: StoredEvent; readonly attached: A | null }
  | { readonly kind: 'replayed'; readonly event: StoredEvent };

/**
 * `attach` runs in the insert's transaction for every newly stored event (threads attach customer messages
 * there, so an event is never stored without its thread); what it returns comes back on the outcome.
 */
export function eventStore<A = unknown>(db: Kysely<DB>, attach?: (tx: Transaction<DB>, event: StoredEvent) => Promise<A | null>) {
  return {
    /**
     * Stores the event, or returns the one already stored under the same caller and idempotency key (the insert
     * and the lookup are one statement pair on a unique index, so concurrent retries store one row).
     */
    async insert(e: Omit<StoredEvent, 'status' | 'decision' | 'decidedAt'>): Promise<InsertOutcome<A>> {
      if (attach === undefined) return insertIn(db, e, null);
      return db.transaction().execute((tx) => insertIn(tx, e, attach));
    },
    async byId(id: string): Promise<StoredEvent | null> {
      const r = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toEvent(r) : null;
    },
    async count(): Promise<number> {
      const r = await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };

  async function insertIn(q: Kysely<DB>, e: Omit<StoredEvent, 'status' | 'decision' | 'decidedAt'>, hook: ((tx: Transaction<DB>, event: StoredEvent) => Promise<A | null>) | null): Promise<InsertOutcome<A>> {
    const row = await q
      .insertInto('events')
      .values({
        id: e.id,
        received_at: e.receivedAt,
        occurred_at: e.occurredAt,
        kind: e.kind,
        channel: e.channel,
        sender: e.sender,
        location: e.location,
        bay: e.bay,
        text: e.text,
        context: JSON.stringify(e.context),
        source_key_id: e.sourceKeyId,
        idempotency_key: e.idempotencyKey,
        request_hash: e.requestHash,
        decision: null,
        decided_at: null,
      })
      .onConflict((oc) => oc.columns(['source_key_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) {
      const event = toEvent(row);
      return { kind: 'inserted', event, attached: hook ? await hook(q as Transaction<DB>, event) : null };
    }
    const existing = await q
      .selectFrom('events')
      .selectAll()
      .where('source_key_id', e.sourceKeyId === null ? 'is' : '=', e.sourceKeyId)
      .where('idempotency_key', '=', e.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { kind: 'replayed', event: toEvent(existing) };
  }
}

export type EventStore<A = unknown> = ReturnType<typeof eventStore<A>>;
