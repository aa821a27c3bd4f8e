import { Type } from 'typebox';
import type { BreakerState } from '../../actions/circuitBreaker.js';
import type { VenueIntegrations } from '../../actions/ports.js';
import type { BreakerStore } from '../../execution/ports.js';
import { canAccessLocation } from '../../identity/operator.js';
import { routingTable } from '../../integrations/routing.js';
import type { LocationStore } from '../../store/venue/locations.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { NoQuery } from '../schemas.js';

const Route = Type.Object({ action: Type.String(), bay: Type.Union([Type.Integer(), Type.Null()]), integration: Type.Union([Type.String(), Type.Null()]) });
const Breaker = Type.Object({
  integrationId: Type.String(),
  status: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]),
  failures: Type.Integer(),
  since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});
const IntegrationsView = Type.Object({
  locations: Type.Array(Type.Object({ location: Type.String(), routes: Type.Array(Route) })),
  breakers: Type.Array(Breaker),
});

/** When the breaker's current state began: opened, probe started, or the first failure of a closed run. */
function breakerSince(state: BreakerState): string | null {
  const at = state.status === 'open' ? state.openedAt : state.status === 'half_open' ? state.probeStartedAt : state.firstFailureAt;
  return at === null ? null : new Date(at).toISOString();
}

/**
 * Which integration serves each action at each of the caller's locations (asked of the executor's own
 * lookup), and every integration's circuit breaker: an operator sees at once that "projector on" at
 * Dartmouth goes to BenQ and that BenQ's breaker is open. No secret is ever part of it.
 */
export function integrationRoutes(deps: {
  integrations: VenueIntegrations;
  breakers: BreakerStore;
  locations: LocationStore;
  /** Locations the simulator models (with their bays), shown too when they are not in the venue records. */
  simulated: readonly { readonly name: string; readonly bays: number }[];
}) {
  return (app: HttpApp) => {
    app.get(
      '/v1/admin/integrations',
      {
        config: { auth: { operator: 'supervisor' } },
        schema: { tags: ['admin'], summary: 'Integration routing per location and bay, and circuit breaker states', querystring: NoQuery, response: { 200: IntegrationsView } },
      },
      async (request) => {
        const p = principalOf(request);
        const numbered = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
        const recorded = (await deps.locations.list(p.locations)).map((l) => ({ name: l.name, bays: l.bays.length > 0 ? l.bays.map((b) => b.number) : numbered(l.bayCount) }));
        const known = new Set(recorded.map((l) => l.name.toLowerCase()));
        const simulated = deps.simulated.filter((l) => !known.has(l.name.toLowerCase()) && canAccessLocation(p, l.name)).map((l) => ({ name: l.name, bays: numbered(l.bays) }));
        const locations = routingTable(deps.integrations, [...recorded, ...simulated]);
        const used = new Set(locations.flatMap((l) => l.routes.map((r) => r.integration)));
        const breakers = (await deps.breakers.list())
          .filter((b) => used.has(b.integrationId))
          .map((b) => ({
            integrationId: b.integrationId,
            status: b.state.status,
            failures: b.state.status === 'closed' ? b.state.failures : 0,
            since: breakerSince(b.state),
            updatedAt: b.updatedAt.toISOString(),
          }));
        return { locations, breakers };
      },
    );
  };
}
