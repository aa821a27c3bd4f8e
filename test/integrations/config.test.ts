import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIntegrationsConfig } from '../../src/integrations/config.js';
import { loadVenueIntegrations } from '../../src/integrations/fromConfig.js';
import { OPENPHONE_API } from '../../src/integrations/openPhone/sendSms.js';
import type { IntegrationsConfig } from '../../src/integrations/registry.js';
import { createSimulatedVenue } from '../../src/integrations/simulator/simulatedVenue.js';

const simulator = () => createSimulatedVenue({ locations: [{ name: 'Bedford', code: 'BED', bays: 2 }, { name: 'Dartmouth', code: 'DAR', bays: 4 }], seed: 1, start: new Date('2026-03-01T00:00:00Z') });

const configOf = (json: unknown): IntegrationsConfig => {
  const parsed = parseIntegrationsConfig(json);
  expect(parsed).toMatchObject({ ok: true });
  return (parsed as Extract<typeof parsed, { ok: true }>).config;
};
const errorsOf = (json: unknown): readonly string[] => {
  const parsed = parseIntegrationsConfig(json);
  expect(parsed.ok).toBe(false);
  return (parsed as Extract<typeof parsed, { ok: false }>).errors;
};

describe('integrations configuration: shapes', () => {
  it('no integrations at all is a valid configuration', () => {
    expect(configOf({})).toEqual({ locations: {} });
    expect(configOf({ locations: {} })).toEqual({ locations: {} });
  });

  it('names every part that is not an object, by JSON path', () => {
    expect(errorsOf([])).toEqual(['$: expected an object']);
    expect(errorsOf('{"locations":{}}')).toEqual(['$: expected an object']);
    expect(errorsOf({ locations: ['Dartmouth'] })).toEqual(['$.locations: expected an object']);
    expect(errorsOf({ locations: { Dartmouth: 'simulator' } })).toEqual(['$.locations.Dartmouth: expected an object']);
    expect(errorsOf({ locations: { Dartmouth: { openPhone: 'opk-123', agent: null } }, slack: 'https://hooks.slack.com/x' })).toEqual([
      '$.locations.Dartmouth.openPhone: expected an object',
      '$.locations.Dartmouth.agent: expected an object',
      '$.slack: expected an object',
    ]);
  });
});

describe('integrations configuration: vendors', () => {
  it('keeps the optional settings it is given: an OpenPhone base URL, the UniFi CA, the NinjaOne scope, a projector port', () => {
    const config = configOf({
      locations: {
        Dartmouth: {
          openPhone: { baseUrl: 'https://openphone.test/v1/', apiKey: 'opk-1', from: '+19025550100' },
          unifiAccess: { baseUrl: 'https://10.20.0.2:12445', token: 'uat-1', doorId: 'door-front', ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' },
          ninjaOne: { baseUrl: 'https://ca.ninjarmm.com', clientId: 'clubos', clientSecret: 'ninja-1', scope: 'monitoring management', bayDevices: { '1': 1201 } },
          benq: { bayProjectors: { '1': { host: '10.20.0.31', port: 4352 }, '2': { host: '10.20.0.32' } } },
        },
        Bedford: { openPhone: { apiKey: 'opk-2', from: '+19025550200' } },
      },
    });
    const d = config.locations.Dartmouth!;
    expect(d.openPhone).toMatchObject({ id: 'openphone:Dartmouth', baseUrl: 'https://openphone.test/v1', from: '+19025550100' });
    expect(d.openPhone!.apiKey.reveal()).toBe('opk-1');
    expect(config.locations.Bedford!.openPhone!.baseUrl).toBe(OPENPHONE_API);
    expect(d.unifiAccess!.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(d.ninjaOne).toMatchObject({ id: 'ninjaone:Dartmouth', scope: 'monitoring management', bayDevices: { '1': 1201 }, scripts: {} });
    expect(d.benq!.bayProjectors).toEqual({ '1': { host: '10.20.0.31', port: 4352 }, '2': { host: '10.20.0.32' } });
    // Without the optional values the clients use their defaults: nothing is invented.
    const plain = configOf({ locations: { Dartmouth: { unifiAccess: { baseUrl: 'https://u', token: 't', doorId: 'd' }, ninjaOne: { baseUrl: 'https://n', clientId: 'c', clientSecret: 's', bayDevices: {} } } } });
    expect(Object.keys(plain.locations.Dartmouth!.unifiAccess!)).not.toContain('ca');
    expect(Object.keys(plain.locations.Dartmouth!.ninjaOne!)).not.toContain('scope');
  });

  it('names each malformed NinjaOne script and device map', () => {
    const base = { baseUrl: 'https://n', clientId: 'c', clientSecret: 's' };
    expect(errorsOf({ locations: { D: { ninjaOne: { ...base, scripts: ['reset_trackman'] } } } })).toEqual([
      '$.locations.D.ninjaOne.scripts: expected an object',
      '$.locations.D.ninjaOne.bayDevices: expected an object',
    ]);
    expect(errorsOf({ locations: { D: { ninjaOne: { ...base, bayDevices: { '1': 1201 }, scripts: { reboot_bay_pc: 42 } } } } })).toEqual([
      '$.locations.D.ninjaOne.scripts.reboot_bay_pc: expected an object',
      '$.locations.D.ninjaOne.scripts.reboot_bay_pc.id: expected an integer',
      '$.locations.D.ninjaOne.scripts.reboot_bay_pc.name: expected a non-empty string',
    ]);
    expect(errorsOf({ locations: { D: { ninjaOne: { ...base, scope: '', bayDevices: { '1': 1201 } } } } })).toEqual(['$.locations.D.ninjaOne.scope: expected a non-empty string']);
  });

  it('names each projector that is not a bay number, has no host or a port outside 1..65535', () => {
    expect(errorsOf({ locations: { D: { benq: {} } } })).toEqual(['$.locations.D.benq.bayProjectors: expected an object']);
    const p = '$.locations.D.benq.bayProjectors';
    expect(
      errorsOf({
        locations: { D: { benq: { bayProjectors: { front: { host: 'h' }, '2': '10.20.0.32', '3': { host: 'h', port: 0 }, '4': { host: 'h', port: 65536 }, '5': { host: 'h', port: '4352' }, '6': { host: 'h', port: 65535 } } } } },
      }),
    ).toEqual([`${p}.2: expected an object`, `${p}.2.host: expected a non-empty string`, `${p}.3.port: expected a TCP port`, `${p}.4.port: expected a TCP port`, `${p}.5.port: expected a TCP port`, `${p}.front: expected a bay number`]);
  });
});

describe('CLUBOS_INTEGRATIONS: inline JSON or a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clubos-integrations-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dartmouth = { slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/secret-xyz' }, locations: { Dartmouth: { benq: { bayProjectors: { '1': { host: '10.20.0.31' } } } } } };

  it('without it, the simulator serves every location', () => {
    const sim = simulator();
    expect(loadVenueIntegrations(null, sim)).toBe(sim.integrations);
  });

  it('routes configured vendors from inline JSON and from a file alike; the simulator serves what is not configured', () => {
    const file = join(dir, 'integrations.json');
    writeFileSync(file, JSON.stringify(dartmouth));
    for (const raw of [JSON.stringify(dartmouth), file]) {
      const venue = loadVenueIntegrations(raw, simulator());
      expect(venue.device('projector_power_on', 'Dartmouth', 1)?.id).toBe('benq:Dartmouth');
      // Bay 2 has no projector configured and Dartmouth no agent: the simulator answers.
      expect(venue.device('projector_power_on', 'Dartmouth', 2)?.id).toBe('simulator');
      expect(venue.device('unlock_door', 'Bedford', undefined)?.id).toBe('simulator');
      expect(venue.team('Bedford')?.id).toBe('slack');
    }
  });

  it('refuses unreadable JSON and an invalid configuration, naming paths and never a value', () => {
    expect(() => loadVenueIntegrations('{"locations": {', simulator())).toThrow('CLUBOS_INTEGRATIONS: inline value is not readable JSON');
    expect(() => loadVenueIntegrations(join(dir, 'missing.json'), simulator())).toThrow('CLUBOS_INTEGRATIONS: the file is not readable JSON');
    const bad = JSON.stringify({ locations: { Dartmouth: { agent: { baseUrl: 'gopher://agent', secret: 'agent-secret-value' } } } });
    expect(() => loadVenueIntegrations(bad, simulator())).toThrow('CLUBOS_INTEGRATIONS: $.locations.Dartmouth.agent.baseUrl: expected an http(s) URL');
    expect(() => loadVenueIntegrations(bad, simulator())).not.toThrow(/agent-secret-value/);
  });
});
