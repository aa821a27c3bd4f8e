import { Type } from 'typebox';
import { actorOf } from '../../identity/operator.js';
import { problems } from '../../kernel/problems.js';
import type { DecisionThresholds } from '../../pipeline/decisionThresholds.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { NoQuery, Strict } from '../schemas.js';

const Confidence = Type.Number({ exclusiveMinimum: 0, maximum: 1 });
const ThresholdsBody = Strict({ high: Confidence, medium: Confidence, low: Confidence });
const Thresholds = Type.Object({ high: Type.Number(), medium: Type.Number(), low: Type.Number() });
const ThresholdsView = Type.Object({
  effective: Thresholds,
  configured: Thresholds,
  source: Type.Union([Type.Literal('environment'), Type.Literal('override')]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  suggestBand: Type.Object({ floor: Type.Number(), errorBudget: Type.Number(), minFloor: Type.Number() }),
});

const EXPLAIN = {
  out_of_range: 'Each threshold must be greater than 0 and at most 1.',
  not_ordered: 'Thresholds must be strictly ordered: low < medium < high.',
} as const;

/** PATTERN_CONFIDENCE_HIGH/MEDIUM/LOW at run time: supervisors read them, admins change or reset them (audited). */
export function thresholdRoutes(deps: { thresholds: DecisionThresholds }) {
  return (app: HttpApp) => {
    app.get(
      '/v1/admin/thresholds',
      {
        config: { auth: { operator: 'supervisor' } },
        schema: { tags: ['admin'], summary: 'Confidence thresholds in force (auto ≥ high, suggest ≥ medium, queue ≥ low) and the configured ones', querystring: NoQuery, response: { 200: ThresholdsView } },
      },
      async () => deps.thresholds.view(),
    );

    app.put(
      '/v1/admin/thresholds',
      {
        bodyLimit: 1024,
        config: { auth: { operator: 'admin' } },
        schema: { tags: ['admin'], summary: 'Set the confidence thresholds for every instance (persisted, audited)', querystring: NoQuery, body: ThresholdsBody, response: { 200: ThresholdsView } },
      },
      async (request, reply) => {
        const out = await deps.thresholds.set(request.body, actorOf(principalOf(request)));
        if (out.kind === 'refused') return sendProblem(request, reply, problems['thresholds-invalid'], EXPLAIN[out.problem]);
        return out.view;
      },
    );

    app.delete(
      '/v1/admin/thresholds',
      {
        config: { auth: { operator: 'admin' } },
        schema: { tags: ['admin'], summary: 'Return to the configured thresholds (PATTERN_CONFIDENCE_* from the environment)', querystring: NoQuery, response: { 200: ThresholdsView } },
      },
      async (request) => deps.thresholds.reset(actorOf(principalOf(request))),
    );
  };
}
