import { type Kysely, type Selectable, sql } from 'kysely';
import { EARLY_ARRIVAL_MAX_MINUTES } from '../../venue/bookingWindow.js';
import type { BookingDirectory, BookingStatus, StoredBooking } from '../../venue/ports.js';
import type { BookingsTable, DB } from '../schema.js';

export type BookingSource = 'api' | 'import';

export interface BookingRecord extends StoredBooking {
  readonly source: BookingSource;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface BookingInput {
  readonly id: string;
  readonly location: string;
  readonly bay: number | null;
  readonly customer: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

/** `created`: a new row; `unchanged`: the same booking sent again; `conflict`: that id holds a different booking. */
export type BookingPutOutcome =
  | { readonly kind: 'created'; readonly booking: BookingRecord }
  | { readonly kind: 'unchanged'; readonly booking: BookingRecord }
  | { readonly kind: 'conflict'; readonly booking: BookingRecord };

export interface BookingQuery {
  readonly customer?: string;
  readonly location?: string;
  readonly bay?: number;
  readonly at?: Date;
  /** Only bookings at these locations (an operator's grants); null = all. */
  readonly locations: readonly string[] | null;
  readonly limit: number;
}

const toBooking = (r: Selectable<BookingsTable>): BookingRecord => ({
  id: r.id,
  location: r.location,
  bay: r.bay,
  customer: r.customer,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status as BookingStatus,
  source: r.source as BookingSource,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const sameBooking = (a: BookingRecord, b: BookingInput): boolean =>
  a.location === b.location && a.bay === b.bay && a.customer === b.customer && a.startsAt.getTime() === b.startsAt.getTime() && a.endsAt.getTime() === b.endsAt.getTime();

const MINUTE = 60_000;

/** Bookings from the booking platform (API) or an import; the BookingDirectory the Access and Booking modules read. */
export function bookingStore(db: Kysely<DB>) {
  const byId = async (id: string): Promise<BookingRecord | null> => {
    const r = await db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toBooking(r) : null;
  };

  return {
    byId,
    /** Idempotent by booking id: the platform may retry; a different booking under a known id is a conflict. */
    async put(b: BookingInput, source: BookingSource, now: Date): Promise<BookingPutOutcome> {
      const row = await db
        .insertInto('bookings')
        .values({ id: b.id, location: b.location, bay: b.bay, customer: b.customer, starts_at: b.startsAt, ends_at: b.endsAt, status: 'confirmed', source, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return { kind: 'created', booking: toBooking(row) };
      const existing = (await byId(b.id))!;
      return sameBooking(existing, b) ? { kind: 'unchanged', booking: existing } : { kind: 'conflict', booking: existing };
    },
    /** Import: rows are upserted (a re-import updates times, bay and customer), in one transaction. */
    async importMany(list: readonly BookingInput[], now: Date): Promise<{ readonly created: number; readonly updated: number }> {
      return db.transaction().execute(async (tx) => {
        let created = 0;
        let updated = 0;
        for (const b of list) {
          const r = await tx
            .insertInto('bookings')
            .values({ id: b.id, location: b.location, bay: b.bay, customer: b.customer, starts_at: b.startsAt, ends_at: b.endsAt, status: 'confirmed', source: 'import', created_at: now, updated_at: now })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({ location: b.location, bay: b.bay, customer: b.customer, starts_at: b.startsAt, ends_at: b.endsAt, updated_at: now }),
            )
            // xmax is 0 on a freshly inserted row version, set on one the conflict clause updated.
            .returning(sql<boolean>`xmax = 0`.as('inserted'))
            .executeTakeFirstOrThrow();
          if (r.inserted) created++;
          else updated++;
        }
        return { created, updated };
      });
    },
    /** Cancels or moves a booking; null when there is no such booking. */
    async update(id: string, change: { readonly status?: BookingStatus; readonly bay?: number | null; readonly startsAt?: Date; readonly endsAt?: Date }, now: Date): Promise<BookingRecord | null> {
      const r = await db
        .updateTable('bookings')
        .set({
          updated_at: now,
          ...(change.status !== undefined ? { status: change.status } : {}),
          ...(change.bay !== undefined ? { bay: change.bay } : {}),
          ...(change.startsAt !== undefined ? { starts_at: change.startsAt } : {}),
          ...(change.endsAt !== undefined ? { ends_at: change.endsAt } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r ? toBooking(r) : null;
    },
    async list(q: BookingQuery): Promise<BookingRecord[]> {
      let query = db.selectFrom('bookings').selectAll();
      if (q.customer !== undefined) query = query.where('customer', '=', q.customer);
      if (q.location !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['location']), '=', q.location!.toLowerCase()));
      if (q.bay !== undefined) query = query.where('bay', '=', q.bay);
      if (q.at !== undefined) query = query.where('starts_at', '<=', q.at).where('ends_at', '>', q.at);
      if (q.locations !== null) {
        const allowed = q.locations.map((l) => l.toLowerCase());
        if (allowed.length === 0) return [];
        query = query.where((eb) => eb(eb.fn('lower', ['location']), 'in', allowed));
      }
      const rows = await query.orderBy('starts_at', 'desc').orderBy('id').limit(q.limit).execute();
      return rows.map(toBooking);
    },
  };
}

export type BookingStore = ReturnType<typeof bookingStore>;

/**
 * The port view: only confirmed bookings count. `activeFor` takes the early-arrival grace into account
 * (a customer two hours early still "has" the booking, so the Booking module can answer "you're early").
 */
export function bookingDirectory(db: Kysely<DB>): BookingDirectory {
  const store = bookingStore(db);
  return {
    byId: (id) => store.byId(id),
    async activeFor(customer, location, at) {
      let q = db
        .selectFrom('bookings')
        .selectAll()
        .where('customer', '=', customer)
        .where('status', '=', 'confirmed')
        .where('starts_at', '<=', new Date(at.getTime() + EARLY_ARRIVAL_MAX_MINUTES * MINUTE))
        .where('ends_at', '>=', at);
      if (location !== null) q = q.where((eb) => eb(eb.fn('lower', ['location']), '=', location.trim().toLowerCase()));
      const rows = await q.execute();
      // Several overlapping: the one whose start is closest to `at` is the one the customer means.
      rows.sort((a, b) => Math.abs(a.starts_at.getTime() - at.getTime()) - Math.abs(b.starts_at.getTime() - at.getTime()) || (a.id < b.id ? -1 : 1));
      return rows[0] ? toBooking(rows[0]) : null;
    },
    async onBay(location, bay, at) {
      const r = await db
        .selectFrom('bookings')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['location']), '=', location.trim().toLowerCase()))
        .where('bay', '=', bay)
        .where('status', '=', 'confirmed')
        .where('starts_at', '<=', at)
        .where('ends_at', '>', at)
        .orderBy('starts_at', 'desc')
        .executeTakeFirst();
      return r ? toBooking(r) : null;
    },
  };
}
