import { DEVICE_ACTIONS, type DeviceAction, type VenueIntegrations } from '../actions/ports.js';

/**
 * Which integration would carry out each action at each location and bay: the executor's own lookup
 * (`VenueIntegrations`) asked for every combination, so the admin view can never disagree with what runs.
 * `null` means nothing is configured for it (and no fallback): such an execution fails as `not_configured`.
 */

export type RoutedAction = DeviceAction | 'sms_reply' | 'team_alert';

export interface RouteRow {
  readonly action: RoutedAction;
  /** null for location-wide actions (door, replies, team alerts). */
  readonly bay: number | null;
  readonly integration: string | null;
}

export interface LocationRoutes {
  readonly location: string;
  readonly routes: RouteRow[];
}

/** Actions addressed to the location rather than a bay. */
const LOCATION_WIDE: ReadonlySet<DeviceAction> = new Set(['unlock_door']);

/**
 * @example routingTable(integrations, [{ name: 'Dartmouth', bays: [1] }])[0].routes.map((r) => r.action)
 * // ['reset_trackman', 'reboot_bay_pc', 'projector_power_on', 'power_cycle_tv', 'unlock_door', 'sms_reply', 'team_alert']
 */
export function routingTable(integrations: VenueIntegrations, locations: readonly { readonly name: string; readonly bays: readonly number[] }[]): LocationRoutes[] {
  return locations.map(({ name, bays }) => {
    const routes: RouteRow[] = [];
    for (const bay of bays) {
      for (const action of DEVICE_ACTIONS) {
        if (!LOCATION_WIDE.has(action)) routes.push({ action, bay, integration: integrations.device(action, name, bay)?.id ?? null });
      }
    }
    for (const action of DEVICE_ACTIONS) {
      if (LOCATION_WIDE.has(action)) routes.push({ action, bay: null, integration: integrations.device(action, name, undefined)?.id ?? null });
    }
    routes.push({ action: 'sms_reply', bay: null, integration: integrations.replies(name, 'sms')?.id ?? null });
    routes.push({ action: 'team_alert', bay: null, integration: integrations.team(name)?.id ?? null });
    return { location: name, routes };
  });
}
