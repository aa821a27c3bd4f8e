import type { Kysely, Selectable } from 'kysely';
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

export type InsertOutcome = { readonly kind: 'inserted'; readonly event: StoredEvent } | { readonly kind: 'replayed'; readonly event: StoredEvent };

export function eventStore(db: Kysely<DB>) {
  return {
    /**
     * Stores the event, or returns the one already stored under the same caller and idempotency key (the insert
     * and the lookup are one statement pair on a unique index, so concurrent retries store one row).
     */
    async insert(e: Omit<StoredEvent, 'status' | 'decision' | 'decidedAt'>): Promise<InsertOutcome> {
      const row = await db
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
      if (row) return { kind: 'inserted', event: toEvent(row) };
      const existing = await db
        .selectFrom('events')
        .selectAll()
        .where('source_key_id', e.sourceKeyId === null ? 'is' : '=', e.sourceKeyId)
        .where('idempotency_key', '=', e.idempotencyKey)
        .executeTakeFirstOrThrow();
      return { kind: 'replayed', event: toEvent(existing) };
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
}

export type EventStore = ReturnType<typeof eventStore>;
