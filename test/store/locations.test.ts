import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocationStore, locationStore } from '../../src/store/venue/locations.js';
import { type TestDatabase, engines } from '../support/databases.js';

const AT = new Date('2026-03-02T12:00:00Z');
const later = (m: number) => new Date(AT.getTime() + m * 60_000);

for (const engine of engines) {
  describe(`locations and devices store on ${engine.name}`, () => {
    let database: TestDatabase;
    let store: LocationStore;

    beforeAll(async () => {
      database = await engine.open();
      store = locationStore(database.db);
      expect(await store.create('Halifax', { code: 'HFX', openPhoneNumber: '+19025550300' }, AT)).toMatchObject({ kind: 'created' });
      expect(await store.create(' Truro ', { code: 'TRU', aliases: ['truro north'], timezone: 'America/Halifax', bookingUrl: 'https://book.example/truro' }, AT)).toMatchObject({ kind: 'created' });
    });
    afterAll(async () => database.dispose());

    it('changes only the fields given, finds the location by any case, and reads the change back', async () => {
      const changed = await store.update('halifax', { timezone: 'America/Halifax', bookingUrl: 'https://book.example/hfx' }, later(1));
      expect(changed).toMatchObject({ name: 'Halifax', code: 'HFX', openPhoneNumber: '+19025550300', timezone: 'America/Halifax', bookingUrl: 'https://book.example/hfx', aliases: [] });
      const renamed = await store.update('HALIFAX', { code: 'HAL', aliases: ['hfx', 'downtown'], openPhoneNumber: '+19025550301' }, later(2));
      expect(renamed).toMatchObject({ code: 'HAL', aliases: ['hfx', 'downtown'], openPhoneNumber: '+19025550301', timezone: 'America/Halifax', bookingUrl: 'https://book.example/hfx' });
      expect((await store.byOpenPhoneNumber('+19025550301'))?.name).toBe('Halifax');
      expect(await store.byOpenPhoneNumber('+19025550300')).toBeNull();
      // Clearing is a change too (null), unlike leaving a field out.
      expect(await store.update('Halifax', { code: null, bookingUrl: null }, later(3))).toMatchObject({ code: null, bookingUrl: null, openPhoneNumber: '+19025550301' });
    });

    it('refuses a code or OpenPhone line another location holds, and an unknown location, without changing anything', async () => {
      expect(await store.update('Halifax', { code: 'TRU' }, later(4))).toBe('conflict');
      expect(await store.update('Truro', { openPhoneNumber: '+19025550301' }, later(4))).toBe('conflict');
      expect(await store.update('Yarmouth', { code: 'YAR' }, later(4))).toBeNull();
      expect(await store.byName('truro')).toMatchObject({ code: 'TRU', openPhoneNumber: null });
      expect(await store.create('truro', {}, later(4))).toEqual({ kind: 'exists' });
    });

    it('replaces the bays (and the bay count) as a whole; an empty list removes them all', async () => {
      expect(await store.putBays('Truro', [{ number: 2, label: 'window' }, { number: 1, label: null }], later(5))).toMatchObject({ bayCount: 2, bays: [{ number: 1, label: null }, { number: 2, label: 'window' }] });
      expect(await store.putBays('Truro', [], later(6))).toMatchObject({ bayCount: 0, bays: [] });
      expect(await store.putBays('Yarmouth', [], later(6))).toBeNull();
    });

    it('lists only the locations a caller may see (none for an empty grant)', async () => {
      expect((await store.list(null)).map((l) => l.name)).toEqual(['Halifax', 'Truro']);
      expect((await store.list(['TRURO'])).map((l) => l.name)).toEqual(['Truro']);
      expect(await store.list([])).toEqual([]);
    });

    it('devices: created once per id, filtered by location and grant, changed field by field, deleted once', async () => {
      const pc = { id: 'HFX-BAY1-PC', location: 'Halifax', bay: 1, kind: 'bay_pc' as const, integration: 'ninjaone:Halifax', vendorRef: '1201' };
      const door = { id: 'TRU-DOOR', location: 'Truro', bay: null, kind: 'door' as const, integration: 'unifi:Truro', vendorRef: null };
      expect(await store.createDevice(pc, AT)).toEqual(pc);
      expect(await store.createDevice(door, AT)).toEqual(door);
      expect(await store.createDevice({ ...pc, vendorRef: 'other' }, AT)).toBeNull();

      expect((await store.devices({ locations: null })).map((d) => d.id)).toEqual(['HFX-BAY1-PC', 'TRU-DOOR']);
      expect((await store.devices({ location: 'truro', locations: null })).map((d) => d.id)).toEqual(['TRU-DOOR']);
      expect((await store.devices({ locations: ['Halifax'] })).map((d) => d.id)).toEqual(['HFX-BAY1-PC']);
      expect(await store.devices({ location: 'Halifax', locations: ['Truro'] })).toEqual([]);
      expect(await store.devices({ locations: [] })).toEqual([]);

      expect(await store.updateDevice('HFX-BAY1-PC', { bay: 2 }, later(1))).toEqual({ ...pc, bay: 2 });
      expect(await store.updateDevice('HFX-BAY1-PC', { kind: 'trackman', integration: 'agent:Halifax', vendorRef: null }, later(2))).toEqual({ ...pc, bay: 2, kind: 'trackman', integration: 'agent:Halifax', vendorRef: null });
      expect(await store.updateDevice('NOPE', { bay: 1 }, later(2))).toBeNull();
      expect(await store.device('NOPE')).toBeNull();

      expect(await store.deleteDevice('TRU-DOOR')).toBe(true);
      expect(await store.deleteDevice('TRU-DOOR')).toBe(false);
      expect(await store.device('TRU-DOOR')).toBeNull();
    });
  });
}
