import { describe, expect, it } from 'vitest';
import { parseIntegrationsConfig } from '../../src/integrations/config.js';
import { createVenueIntegrations } from '../../src/integrations/registry.js';
import { createSimulatedVenue } from '../../src/integrations/simulator/simulatedVenue.js';

const SECRETS = ['opk-Zq8x', 'uat-Kk2L', 'ninja-sec-9Q', 'agent-sec-7f', 'https://hooks.slack.com/services/T0/B0/XyZ'];
const config = {
  slack: { webhookUrl: SECRETS[4] },
  locations: {
    Dartmouth: {
      openPhone: { apiKey: SECRETS[0], from: '+19025550100' },
      unifiAccess: { baseUrl: 'https://10.20.0.2:12445/', token: SECRETS[1], doorId: 'door-front' },
      ninjaOne: {
        baseUrl: 'https://ca.ninjarmm.com',
        clientId: 'clubos',
        clientSecret: SECRETS[2],
        bayDevices: { '1': 1201, '2': 1202 },
        scripts: { reset_trackman: { id: 41, name: 'Restart TrackMan' } },
      },
      benq: { bayProjectors: { '1': { host: '10.20.0.31' } } },
      agent: { baseUrl: 'https://agent.dartmouth.example', secret: SECRETS[3] },
    },
  },
};
const simulator = () => createSimulatedVenue({ locations: [{ name: 'Bedford', code: 'BED', bays: 2 }, { name: 'Dartmouth', code: 'DAR', bays: 4 }], seed: 1, start: new Date('2026-03-01T00:00:00Z') });

describe('integrations registry and configuration', () => {
  it('routes each action to the vendor configured for it, the agent for the rest, the simulator elsewhere', () => {
    const parsed = parseIntegrationsConfig(config);
    expect(parsed.ok).toBe(true);
    const venue = createVenueIntegrations((parsed as Extract<typeof parsed, { ok: true }>).config, simulator());
    expect(venue.device('reset_trackman', 'Dartmouth', 1)?.id).toBe('ninjaone:Dartmouth');
    expect(venue.device('reset_trackman', 'Dartmouth', 3)?.id).toBe('agent:Dartmouth');
    expect(venue.device('reboot_bay_pc', 'Dartmouth', 1)?.id).toBe('agent:Dartmouth');
    expect(venue.device('projector_power_on', 'Dartmouth', 1)?.id).toBe('benq:Dartmouth');
    expect(venue.device('power_cycle_tv', 'Dartmouth', 1)?.id).toBe('agent:Dartmouth');
    expect(venue.device('unlock_door', 'Dartmouth', undefined)?.id).toBe('unifi:Dartmouth');
    expect(venue.device('unlock_door', 'Bedford', undefined)?.id).toBe('simulator');
    expect(venue.replies('Dartmouth', 'sms')?.id).toBe('openphone:Dartmouth');
    expect(venue.replies('Dartmouth', 'web')?.id).toBe('simulator:replies');
    expect(venue.team('Bedford')?.id).toBe('slack');
    expect(createVenueIntegrations({ locations: {} }).device('unlock_door', 'Bedford', undefined)).toBeUndefined();
  });

  it('wraps every credential so the parsed configuration never shows one', () => {
    const parsed = parseIntegrationsConfig(config);
    expect(parsed.ok).toBe(true);
    const printed = JSON.stringify(parsed);
    for (const s of SECRETS) expect(printed).not.toContain(s);
    expect(printed).toContain('[redacted]');
  });

  it('lists every problem by path without echoing values', () => {
    const parsed = parseIntegrationsConfig({
      locations: { Dartmouth: { unifiAccess: { baseUrl: 'ftp://x', token: '' }, ninjaOne: { baseUrl: 'https://x', clientId: 'c', clientSecret: 'super-secret-value', bayDevices: { one: 'x' }, scripts: { unlock_door: { id: 'a', name: 'n' } } } } },
    });
    expect(parsed).toEqual({
      ok: false,
      errors: [
        '$.locations.Dartmouth.unifiAccess.baseUrl: expected an http(s) URL',
        '$.locations.Dartmouth.unifiAccess.token: expected a non-empty string',
        '$.locations.Dartmouth.unifiAccess.doorId: expected a non-empty string',
        '$.locations.Dartmouth.ninjaOne.scripts.unlock_door: only reset_trackman and reboot_bay_pc run scripts',
        '$.locations.Dartmouth.ninjaOne.scripts.unlock_door.id: expected an integer',
        '$.locations.Dartmouth.ninjaOne.bayDevices.one: expected bay number → integer id',
      ],
    });
  });
});
