import type { RouteAuth, RoutePriority } from './routeContract.js';

/**
 * A route's load-shedding class: the declared one, else from its auth. Probes are `health`; signed webhooks are
 * `integration` (partners retry); sign-in, setup and docs are `public`; operator routes are `operator`, key-only
 * routes `integration`.
 * @example priorityOf({ scopes: ['events:read'] }) === 'integration'
 */
export function priorityOf(auth: RouteAuth | undefined, declared?: RoutePriority): RoutePriority {
  if (declared !== undefined) return declared;
  if (auth === undefined) return 'public';
  if ('public' in auth) {
    if (auth.public === 'health' || auth.public === 'readiness') return 'health';
    return auth.public === 'signed_webhook' ? 'integration' : 'public';
  }
  return 'operator' in auth && auth.operator !== undefined ? 'operator' : 'integration';
}
