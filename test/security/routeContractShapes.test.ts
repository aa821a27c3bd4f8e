import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { assertRouteContract } from '../../src/security/guard/routeContract.js';

const Q = Type.Object({}, { additionalProperties: false });
const R = { 200: Type.Object({ ok: Type.Boolean() }) };

describe('route contract: schema shapes', () => {
  it('finds an open object inside a union of bodies', () => {
    const body = Type.Union([Type.Object({ a: Type.String() }, { additionalProperties: false }), Type.Object({ b: Type.String() })]);
    expect(() => assertRouteContract({ method: 'POST', url: '/v1/things', auth: { operator: 'admin' }, schema: { querystring: Q, response: R, body } })).toThrow(
      'route POST /v1/things has a body object schema that accepts unknown properties at body',
    );
  });

  it('accepts a union of closed objects and a map with a closed value schema', () => {
    const body = Type.Union([
      Type.Object({ a: Type.String() }, { additionalProperties: false }),
      Type.Record(Type.String(), Type.Object({ n: Type.Integer() }, { additionalProperties: false })),
    ]);
    expect(() => assertRouteContract({ method: 'POST', url: '/v1/things', auth: { operator: 'admin' }, schema: { querystring: Q, response: R, body } })).not.toThrow();
  });

  it('names every method of a multi-method route, and wants a body schema when any of them takes a body', () => {
    expect(() => assertRouteContract({ method: ['GET', 'PUT'], url: '/v1/things', auth: { scopes: ['events:read'] }, schema: { querystring: Q, response: R } })).toThrow(
      'route GET,PUT /v1/things accepts a body but declares no body schema',
    );
  });
});
