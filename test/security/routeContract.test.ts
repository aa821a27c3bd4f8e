import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logging.js';
import { RouteContractError, assertRouteContract } from '../../src/security/guard/routeContract.js';

const Q = Type.Object({}, { additionalProperties: false });
const R = { 200: Type.Object({ ok: Type.Boolean() }) };
const base = { method: 'GET', url: '/v1/things', auth: { operator: 'viewer' as const }, schema: { querystring: Q, response: R } };

describe('route contract (deny by default)', () => {
  it('accepts a fully declared route', () => {
    expect(() => assertRouteContract(base)).not.toThrow();
    expect(() => assertRouteContract({ ...base, auth: { scopes: ['events:write'] } })).not.toThrow();
  });

  const broken: Array<[string, Parameters<typeof assertRouteContract>[0], RegExp]> = [
    ['no auth', { ...base, auth: undefined }, /declares no authentication/],
    ['public for an unapproved purpose', { ...base, auth: { public: 'convenience' as never } }, /unapproved purpose/],
    ['neither role nor scopes', { ...base, auth: {} as never }, /neither a role nor scopes/],
    ['an empty scope list', { ...base, auth: { scopes: [] } }, /empty scope list/],
    ['an unknown role', { ...base, auth: { operator: 'root' as never } }, /unknown role/],
    ['no schemas', { ...base, schema: undefined }, /declares no schemas/],
    ['no response schema', { ...base, schema: { querystring: Q } }, /no response schema/],
    ['no querystring schema', { ...base, schema: { response: R } }, /no querystring schema/],
    ['path params without a schema', { ...base, url: '/v1/things/:id' }, /no params schema/],
    ['a POST without a body schema', { ...base, method: 'POST' }, /no body schema/],
    [
      'a body that accepts unknown properties',
      { ...base, method: 'POST', schema: { querystring: Q, response: R, body: Type.Object({ a: Type.String() }) } },
      /unknown properties at body/,
    ],
    [
      'a nested open object',
      {
        ...base,
        method: 'POST',
        schema: { querystring: Q, response: R, body: Type.Object({ a: Type.Array(Type.Object({ b: Type.String() })) }, { additionalProperties: false }) },
      },
      /unknown properties at body\.a\[\]/,
    ],
  ];
  it.each(broken)('refuses a route with %s', (_name, route, message) => {
    expect(() => assertRouteContract(route)).toThrow(RouteContractError);
    expect(() => assertRouteContract(route)).toThrow(message);
  });

  it('makes the server refuse to start when a route lacks its declaration', async () => {
    const build = createHttpApp({
      logger: createLogger('silent'),
      devErrors: false,
      setup: { isComplete: async () => true },
      routes: [
        (app) => {
          app.get('/v1/open', { schema: { querystring: Q, response: R } }, async () => ({ ok: true }));
        },
      ],
    });
    await expect(build.then((app) => app.ready())).rejects.toThrow(/GET \/v1\/open declares no authentication/);
  });
});
