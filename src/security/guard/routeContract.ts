/**
 * Deny by default: every route declares how it is authenticated, what it requires, and schemas for params,
 * query, body and response. A declaration that is missing any of these makes the server refuse to start.
 */
export const ROLES = ['viewer', 'operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const roleRank = (r: Role): number => ROLES.indexOf(r);

/** The only reasons a route may be reachable without credentials. */
export const PUBLIC_PURPOSES = ['health', 'readiness', 'setup', 'login', 'signed_webhook', 'docs', 'console'] as const;
export type PublicPurpose = (typeof PUBLIC_PURPOSES)[number];

export type RouteAuth =
  | { readonly public: PublicPurpose }
  | { readonly operator: Role; readonly scopes?: readonly string[] }
  | { readonly scopes: readonly string[]; readonly operator?: Role };

/** Load-shedding order: `public` sheds first, `health` last. */
export type RoutePriority = 'health' | 'operator' | 'integration' | 'public';

export interface RouteDeclaration {
  readonly method: string | readonly string[];
  readonly url: string;
  readonly auth?: RouteAuth;
  readonly schema?: {
    readonly params?: unknown;
    readonly querystring?: unknown;
    readonly body?: unknown;
    readonly response?: unknown;
  };
}

export class RouteContractError extends Error {
  override name = 'RouteContractError';
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Every object schema a request may send must reject unknown properties. */
function openObjectPath(schema: unknown, path: string): string | null {
  if (schema === null || typeof schema !== 'object') return null;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' && s.additionalProperties !== false && typeof s.additionalProperties !== 'object' && !s.patternProperties) {
    return path;
  }
  for (const key of ['properties', 'patternProperties'] as const) {
    const props = s[key];
    if (props && typeof props === 'object') {
      for (const [k, v] of Object.entries(props)) {
        const bad = openObjectPath(v, `${path}.${k}`);
        if (bad) return bad;
      }
    }
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const bad = openObjectPath(s[key], `${path}[]`);
    if (bad) return bad;
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) {
      for (const v of list) {
        const bad = openObjectPath(v, path);
        if (bad) return bad;
      }
    }
  }
  return null;
}

/**
 * Throws RouteContractError naming the route and what it lacks.
 * @example assertRouteContract({ method: 'GET', url: '/health', auth: { public: 'health' }, schema: {...} })
 */
export function assertRouteContract(route: RouteDeclaration): void {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]) as string[];
  const name = `${methods.join(',')} ${route.url}`;
  const fail = (what: string): never => {
    throw new RouteContractError(`route ${name} ${what}`);
  };
  const auth = route.auth;
  if (!auth) fail('declares no authentication (config.auth)');
  if (auth && 'public' in auth) {
    if (!(PUBLIC_PURPOSES as readonly string[]).includes(auth.public)) fail(`is public for an unapproved purpose "${auth.public}"`);
  } else if (auth) {
    const hasRole = 'operator' in auth && auth.operator !== undefined;
    const hasScopes = 'scopes' in auth && auth.scopes !== undefined;
    if (!hasRole && !hasScopes) fail('declares neither a role nor scopes');
    if (hasRole && !(ROLES as readonly string[]).includes(auth.operator as string)) fail(`requires an unknown role "${String(auth.operator)}"`);
    if (hasScopes && (auth.scopes?.length ?? 0) === 0) fail('declares an empty scope list');
  }
  const schema = route.schema;
  if (!schema) {
    fail('declares no schemas');
    return;
  }
  if (schema.response === undefined) fail('declares no response schema');
  if (schema.querystring === undefined) fail('declares no querystring schema');
  if (route.url.includes(':') && schema.params === undefined) fail('has path parameters but no params schema');
  if (methods.some((m) => BODY_METHODS.has(m.toUpperCase())) && schema.body === undefined) fail('accepts a body but declares no body schema');
  for (const part of ['params', 'querystring', 'body'] as const) {
    const open = openObjectPath(schema[part], part);
    if (open) fail(`has a ${part} object schema that accepts unknown properties at ${open}`);
  }
}
