import type { Kysely, Selectable } from 'kysely';
import type { DB, DevicesTable, LocationsTable } from '../schema.js';

export const DEVICE_KINDS = ['trackman', 'bay_pc', 'projector', 'tv', 'door'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface LocationRecord {
  readonly name: string;
  readonly code: string | null;
  readonly aliases: readonly string[];
  readonly bayCount: number;
  readonly timezone: string;
  readonly openPhoneNumber: string | null;
  readonly bookingUrl: string | null;
  readonly bays: readonly { readonly number: number; readonly label: string | null }[];
}

export interface LocationInput {
  readonly code?: string | null;
  readonly aliases?: readonly string[];
  readonly timezone?: string;
  readonly openPhoneNumber?: string | null;
  readonly bookingUrl?: string | null;
}

export interface DeviceRecord {
  readonly id: string;
  readonly location: string;
  readonly bay: number | null;
  readonly kind: DeviceKind;
  /** Which integration controls it: `ninjaone:Dartmouth`, `unifi:Dartmouth`, `benq:Dartmouth`, `simulator`. */
  readonly integration: string;
  readonly vendorRef: string | null;
}

/** `exists`: the name, code or OpenPhone number is taken (unique indexes decide, so two admins cannot both win). */
export type LocationCreateOutcome = { readonly kind: 'created'; readonly location: LocationRecord } | { readonly kind: 'exists' };

const toDevice = (r: Selectable<DevicesTable>): DeviceRecord => ({
  id: r.id,
  location: r.location,
  bay: r.bay,
  kind: r.kind as DeviceKind,
  integration: r.integration,
  vendorRef: r.vendor_ref,
});

const isUniqueViolation = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';

/** Locations with their bays, and the devices at them. */
export function locationStore(db: Kysely<DB>) {
  const withBays = async (rows: Selectable<LocationsTable>[]): Promise<LocationRecord[]> => {
    if (rows.length === 0) return [];
    const bays = await db.selectFrom('bays').selectAll().where('location', 'in', rows.map((r) => r.name)).orderBy('number').execute();
    return rows.map((r) => ({
      name: r.name,
      code: r.code,
      aliases: r.aliases,
      bayCount: r.bay_count,
      timezone: r.timezone,
      openPhoneNumber: r.openphone_number,
      bookingUrl: r.booking_url,
      bays: bays.filter((b) => b.location === r.name).map((b) => ({ number: b.number, label: b.label })),
    }));
  };
  const byName = async (name: string): Promise<LocationRecord | null> => {
    const r = await db.selectFrom('locations').selectAll().where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase())).executeTakeFirst();
    return r ? ((await withBays([r]))[0] ?? null) : null;
  };

  return {
    byName,
    async list(locations: readonly string[] | null): Promise<LocationRecord[]> {
      let q = db.selectFrom('locations').selectAll();
      if (locations !== null) {
        if (locations.length === 0) return [];
        q = q.where((eb) => eb(eb.fn('lower', ['name']), 'in', locations.map((l) => l.toLowerCase())));
      }
      return withBays(await q.orderBy('name').execute());
    },
    async byOpenPhoneNumber(number: string): Promise<LocationRecord | null> {
      const r = await db.selectFrom('locations').selectAll().where('openphone_number', '=', number).executeTakeFirst();
      return r ? ((await withBays([r]))[0] ?? null) : null;
    },
    async create(rawName: string, input: LocationInput, now: Date): Promise<LocationCreateOutcome> {
      // Names are looked up trimmed: store them trimmed, or the new row cannot be read back (fuzzing found "aA ").
      const name = rawName.trim();
      try {
        await db
          .insertInto('locations')
          .values({
            name,
            code: input.code ?? null,
            aliases: [...(input.aliases ?? [])],
            timezone: input.timezone ?? 'UTC',
            openphone_number: input.openPhoneNumber ?? null,
            booking_url: input.bookingUrl ?? null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) return { kind: 'exists' };
        throw err;
      }
      return { kind: 'created', location: (await byName(name))! };
    },
    /** null: no such location; 'conflict': the new code or number belongs to another location. */
    async update(name: string, input: LocationInput, now: Date): Promise<LocationRecord | null | 'conflict'> {
      const current = await byName(name);
      if (current === null) return null;
      try {
        await db
          .updateTable('locations')
          .set({
            updated_at: now,
            ...(input.code !== undefined ? { code: input.code } : {}),
            ...(input.aliases !== undefined ? { aliases: [...input.aliases] } : {}),
            ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
            ...(input.openPhoneNumber !== undefined ? { openphone_number: input.openPhoneNumber } : {}),
            ...(input.bookingUrl !== undefined ? { booking_url: input.bookingUrl } : {}),
          })
          .where('name', '=', current.name)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) return 'conflict';
        throw err;
      }
      return byName(current.name);
    },
    /** Replaces the location's bays (and its bay count) in one transaction. */
    async putBays(name: string, bays: readonly { readonly number: number; readonly label: string | null }[], now: Date): Promise<LocationRecord | null> {
      const current = await byName(name);
      if (current === null) return null;
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('bays').where('location', '=', current.name).execute();
        if (bays.length > 0) await tx.insertInto('bays').values(bays.map((b) => ({ location: current.name, number: b.number, label: b.label }))).execute();
        await tx.updateTable('locations').set({ bay_count: bays.length, updated_at: now }).where('name', '=', current.name).execute();
      });
      return byName(current.name);
    },
    async devices(q: { readonly location?: string; readonly locations: readonly string[] | null }): Promise<DeviceRecord[]> {
      let query = db.selectFrom('devices').selectAll();
      if (q.location !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['location']), '=', q.location!.toLowerCase()));
      if (q.locations !== null) {
        if (q.locations.length === 0) return [];
        query = query.where((eb) => eb(eb.fn('lower', ['location']), 'in', q.locations!.map((l) => l.toLowerCase())));
      }
      return (await query.orderBy('location').orderBy('bay').orderBy('id').execute()).map(toDevice);
    },
    async device(id: string): Promise<DeviceRecord | null> {
      const r = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toDevice(r) : null;
    },
    async createDevice(d: DeviceRecord, now: Date): Promise<DeviceRecord | null> {
      const r = await db
        .insertInto('devices')
        .values({ id: d.id, location: d.location, bay: d.bay, kind: d.kind, integration: d.integration, vendor_ref: d.vendorRef, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      return r ? toDevice(r) : null;
    },
    async updateDevice(id: string, change: Partial<Pick<DeviceRecord, 'bay' | 'kind' | 'integration' | 'vendorRef'>>, now: Date): Promise<DeviceRecord | null> {
      const r = await db
        .updateTable('devices')
        .set({
          updated_at: now,
          ...(change.bay !== undefined ? { bay: change.bay } : {}),
          ...(change.kind !== undefined ? { kind: change.kind } : {}),
          ...(change.integration !== undefined ? { integration: change.integration } : {}),
          ...(change.vendorRef !== undefined ? { vendor_ref: change.vendorRef } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r ? toDevice(r) : null;
    },
    async deleteDevice(id: string): Promise<boolean> {
      const r = await db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type LocationStore = ReturnType<typeof locationStore>;
