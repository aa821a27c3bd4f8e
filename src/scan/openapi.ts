/**
 * The routes of a running ClubOS as its `/openapi.json` describes them: method, path template, parameters,
 * body media types and who may call it (the `security` requirements and `x-clubos-*` notes the server writes
 * from each route's declaration). Pure: the document comes in, route descriptions go out.
 */
export type RouteAccess =
  | { readonly kind: 'public'; readonly purpose: string }
  | { readonly kind: 'protected'; readonly scopes: readonly string[] | null; readonly role: string | null };

export interface ScanRoute {
  readonly method: string;
  /** OpenAPI path template, e.g. `/v1/events/{id}`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  /** Media types of the request body, empty when the route takes none. */
  readonly bodyTypes: readonly string[];
  readonly access: RouteAccess;
  /** `flag`: the inspector records detections and lets the request through (customer texts); `block` otherwise. */
  readonly inspect: 'block' | 'flag';
}

export class OpenApiError extends Error {}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function accessOf(op: Json): RouteAccess {
  const security = op.security;
  if (Array.isArray(security) && security.length === 0) return { kind: 'public', purpose: typeof op['x-clubos-public'] === 'string' ? op['x-clubos-public'] : 'unknown' };
  let scopes: string[] | null = null;
  let role: string | null = null;
  if (Array.isArray(security)) {
    for (const req of security) {
      if (!isObject(req)) continue;
      if (Array.isArray(req.apiKey)) scopes = req.apiKey.map(String);
      if (Array.isArray(req.session)) role = req.session.map(String)[0] ?? null;
    }
  }
  return { kind: 'protected', scopes, role };
}

/**
 * Reads every operation of an OpenAPI 3.x document. An operation without `security` is treated as protected
 * (the scanner then expects it to refuse anonymous calls), never as public.
 * @example routesFromOpenApi({ openapi: '3.1.0', paths: { '/health': { get: { security: [] } } } })[0].access.kind // 'public'
 */
export function routesFromOpenApi(doc: unknown): ScanRoute[] {
  if (!isObject(doc) || typeof doc.openapi !== 'string' || !isObject(doc.paths)) throw new OpenApiError('not an OpenAPI 3 document (no "openapi" version or "paths")');
  const routes: ScanRoute[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const params = Array.isArray(op.parameters) ? op.parameters.filter(isObject) : [];
      const named = (where: string) => params.filter((p) => p.in === where && typeof p.name === 'string').map((p) => p.name as string);
      const pathParams = named('path');
      for (const m of path.matchAll(/\{([^}]+)\}/g)) if (!pathParams.includes(m[1]!)) pathParams.push(m[1]!);
      const body = isObject(op.requestBody) && isObject(op.requestBody.content) ? Object.keys(op.requestBody.content) : [];
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams,
        queryParams: named('query'),
        bodyTypes: body,
        access: accessOf(op),
        inspect: op['x-clubos-inspect'] === 'flag' ? 'flag' : 'block',
      });
    }
  }
  return routes;
}

/**
 * Glob match for allow-lists: `*` matches within one segment, a trailing `*` anything.
 * @example pathMatches('/problems/*', '/problems/{code}') // true
 */
export function pathMatches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*$/, '.*').replace(/\*/g, '[^/]*')}$`);
  return re.test(path);
}

/** Public routes ClubOS documents as public: liveness, readiness, API docs, first-run setup, sign-in, signed webhooks. */
export const DEFAULT_PUBLIC_PATHS: readonly string[] = [
  '/health',
  '/ready',
  '/openapi.json',
  '/problems',
  '/problems/*',
  '/docs*',
  '/setup*',
  '/v1/setup',
  '/v1/auth/login',
  '/v1/security/leaked-keys',
  '/v1/webhooks/*',
  '/',
  '/console*',
  '/assets/*',
  '/favicon.ico',
];
