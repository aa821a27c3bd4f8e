import type { RouteAuth } from '../security/guard/routeContract.js';
import type { PolicyMode } from '../security/inspector/types.js';

/** What `GET /openapi.json` says about a route's access, so clients and `clubos scan` need no other source. */
export interface RouteAccessDoc {
  /** OpenAPI 3.1 security requirements: `[]` for public routes; key scopes and the operator role as role lists. */
  readonly security: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
  /** Why a route is public (the route contract's approved purposes), absent otherwise. */
  readonly 'x-clubos-public'?: string;
  /** The injection inspector's policy on this route: `block` (default) or `flag` (recorded, let through). */
  readonly 'x-clubos-inspect': PolicyMode;
}

/** @example routeAccessDoc({ scopes: ['events:read'], operator: 'viewer' }).security // [{apiKey:['events:read']},{session:['viewer']}] */
export function routeAccessDoc(auth: RouteAuth, inspect: PolicyMode = 'block'): RouteAccessDoc {
  if ('public' in auth) return { security: [], 'x-clubos-public': auth.public, 'x-clubos-inspect': inspect };
  const security: Record<string, readonly string[]>[] = [];
  if (auth.scopes !== undefined) security.push({ apiKey: [...auth.scopes] });
  if (auth.operator !== undefined) security.push({ session: [auth.operator] });
  return { security, 'x-clubos-inspect': inspect };
}
