import { Type } from 'typebox';
import { CATALOGUE } from '../../venue/catalogue.js';
import type { HttpApp } from '../app.js';
import { NoQuery } from '../schemas.js';
import { DecisionParamsSchema } from './decisions.js';

/** A custom serializer sets no content type: name it, or clients cannot tell JSON from text. */
const JSON_TYPE = 'application/json; charset=utf-8';

const ParamSchema = DecisionParamsSchema as unknown as { properties: Record<string, unknown> };

/**
 * The action catalogue with a JSON Schema for each decision's parameters, cut from the schema that
 * `POST /v1/events/:id/decision` validates with: the console generates its "decide from scratch" forms from it.
 */
export const catalogueView = () =>
  CATALOGUE.map((c) => ({
    decision: c.decision,
    kind: c.kind,
    maxTier: c.maxTier,
    risk: c.risk,
    idempotent: c.idempotent,
    params: {
      type: 'object',
      additionalProperties: false,
      required: [...c.params],
      properties: Object.fromEntries(c.params.map((p) => [p, ParamSchema.properties[p]])),
    },
  }));

export function catalogueRoutes() {
  const body = { entries: catalogueView() };
  return (app: HttpApp) => {
    app.get(
      '/v1/catalogue',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['decisions'], summary: 'The action catalogue: each decision, its risk class, tier ceiling and parameter schema', querystring: NoQuery, response: { 200: Type.Unknown() } },
      },
      async (_request, reply) => reply.type(JSON_TYPE).serializer(JSON.stringify).send(body),
    );
  };
}
