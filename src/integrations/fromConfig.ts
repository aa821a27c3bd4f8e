import { readFileSync } from 'node:fs';
import type { VenueIntegrations } from '../actions/ports.js';
import { parseIntegrationsConfig } from './config.js';
import { createVenueIntegrations } from './registry.js';
import type { SimulatedVenue } from './simulator/simulatedVenue.js';

/**
 * The venue's integrations from configuration: `CLUBOS_INTEGRATIONS` as inline JSON or a file path, with the
 * simulator serving whatever is not configured (everything, when nothing is). Errors name JSON paths only,
 * never values, so a credential cannot leak through a startup error.
 * @example loadVenueIntegrations(null, simulator) // the simulator for every location
 */
export function loadVenueIntegrations(raw: string | null, simulator: SimulatedVenue): VenueIntegrations {
  if (raw === null) return simulator.integrations;
  let json: unknown;
  try {
    json = JSON.parse(raw.startsWith('{') ? raw : readFileSync(raw, 'utf8'));
  } catch {
    throw new Error(`CLUBOS_INTEGRATIONS: ${raw.startsWith('{') ? 'inline value' : 'the file'} is not readable JSON`);
  }
  const parsed = parseIntegrationsConfig(json);
  if (!parsed.ok) throw new Error(`CLUBOS_INTEGRATIONS: ${parsed.errors.join('; ')}`);
  return createVenueIntegrations(parsed.config, { integrations: simulator.integrations });
}
