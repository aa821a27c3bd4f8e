import type { DeviceAction, DeviceIntegration, ReplySender, VenueIntegrations } from '../actions/ports.js';
import { type AgentWebhookConfig, createAgentWebhook } from './agent/agentWebhook.js';
import { type BenqConfig, createBenqProjectors } from './benq/projectorPower.js';
import { createNinjaOneScripts, type NinjaOneConfig } from './ninjaOne/runScript.js';
import { createOpenPhoneSender, type OpenPhoneConfig } from './openPhone/sendSms.js';
import { createSlackAlerter, type SlackWebhookConfig } from './slack/slackWebhook.js';
import { createUnifiDoorUnlock, type UnifiAccessConfig } from './unifiAccess/doorUnlock.js';

/**
 * Which vendor serves which action at each location. A dedicated vendor integration wins; the
 * location's on-site agent covers what no vendor does (side TVs) or what is not configured; the
 * fallback (the simulator by default) serves locations and actions with nothing configured.
 */
export interface LocationIntegrationsConfig {
  readonly openPhone?: OpenPhoneConfig;
  readonly unifiAccess?: UnifiAccessConfig;
  readonly ninjaOne?: NinjaOneConfig;
  readonly benq?: BenqConfig;
  readonly agent?: AgentWebhookConfig;
}

export interface IntegrationsConfig {
  readonly locations: Readonly<Record<string, LocationIntegrationsConfig>>;
  readonly slack?: SlackWebhookConfig;
}

export interface Fallback {
  readonly integrations: VenueIntegrations;
}

interface Built {
  readonly sms?: ReplySender;
  readonly door?: DeviceIntegration;
  readonly pcs?: { readonly client: DeviceIntegration; readonly config: NinjaOneConfig };
  readonly projectors?: { readonly client: DeviceIntegration; readonly config: BenqConfig };
  readonly agent?: DeviceIntegration;
}

/**
 * @example
 * const integrations = createVenueIntegrations(parsed.config, createSimulatedVenue({ … }));
 * integrations.device('unlock_door', 'Dartmouth', undefined)?.id; // 'unifi:Dartmouth'
 */
export function createVenueIntegrations(config: IntegrationsConfig, fallback?: Fallback): VenueIntegrations {
  // Clients are built once: each keeps its own caches (NinjaOne tokens) for the process lifetime.
  const built = new Map<string, Built>(
    Object.entries(config.locations).map(([location, c]) => [
      location,
      {
        ...(c.openPhone ? { sms: createOpenPhoneSender(c.openPhone) } : {}),
        ...(c.unifiAccess ? { door: createUnifiDoorUnlock(c.unifiAccess) } : {}),
        ...(c.ninjaOne ? { pcs: { client: createNinjaOneScripts(c.ninjaOne), config: c.ninjaOne } } : {}),
        ...(c.benq ? { projectors: { client: createBenqProjectors(c.benq), config: c.benq } } : {}),
        ...(c.agent ? { agent: createAgentWebhook(c.agent) } : {}),
      },
    ]),
  );
  const slack = config.slack ? createSlackAlerter(config.slack) : undefined;

  const vendorFor = (b: Built, action: DeviceAction, bay: number | undefined): DeviceIntegration | undefined => {
    const bayKey = String(bay ?? '');
    switch (action) {
      case 'reset_trackman':
      case 'reboot_bay_pc':
        return b.pcs && b.pcs.config.scripts[action] !== undefined && b.pcs.config.bayDevices[bayKey] !== undefined ? b.pcs.client : undefined;
      case 'projector_power_on':
        return b.projectors && b.projectors.config.bayProjectors[bayKey] !== undefined ? b.projectors.client : undefined;
      case 'unlock_door':
        return b.door;
      case 'power_cycle_tv':
        return undefined;
    }
  };

  return {
    device(action, location, bay) {
      const b = built.get(location);
      const chosen = b === undefined ? undefined : (vendorFor(b, action, bay) ?? b.agent);
      return chosen ?? fallback?.integrations.device(action, location, bay);
    },
    replies(location, channel) {
      const sms = channel === 'sms' ? built.get(location)?.sms : undefined;
      return sms ?? fallback?.integrations.replies(location, channel);
    },
    team(location) {
      return slack ?? fallback?.integrations.team(location);
    },
  };
}
