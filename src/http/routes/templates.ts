import { Type } from 'typebox';
import type { AuditLog } from '../../audit/auditLog.js';
import { actorOf, canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { TemplateRecord, TemplateStore } from '../../store/venue/templates.js';
import { placeholders } from '../../venue/templateText.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { NoQuery, Strict, Timestamp } from '../schemas.js';

const TemplateView = Type.Object({
  key: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  placeholders: Type.Array(Type.String()),
  updatedBy: Type.String(),
  updatedAt: Timestamp,
});
const view = (t: TemplateRecord) => ({ key: t.key, location: t.location, text: t.text, placeholders: placeholders(t.text), updatedBy: t.updatedBy, updatedAt: t.updatedAt.toISOString() });
const KeyParams = Strict({ key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }) });

/** Approved reply templates: venue-wide defaults and per-location overrides; admins edit them (audited). */
export function templateRoutes(deps: { templates: TemplateStore; locationExists: (name: string) => Promise<string | null>; audit: AuditLog; clock: Clock }) {
  return (app: HttpApp) => {
    app.get(
      '/v1/templates',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['templates'], summary: 'Reply templates (venue-wide and for your locations)', querystring: NoQuery, response: { 200: Type.Object({ templates: Type.Array(TemplateView) }) } },
      },
      async (request) => ({ templates: (await deps.templates.list(principalOf(request).locations)).map(view) }),
    );

    app.put(
      '/v1/templates/:key',
      {
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['templates'],
          summary: 'Set the approved text of a template, venue-wide or (with `location`) for one location',
          params: KeyParams,
          querystring: NoQuery,
          body: Strict({ text: Type.String({ minLength: 1, maxLength: 1600 }), location: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()])) }),
          response: { 200: TemplateView },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        let location: string | null = null;
        if (request.body.location !== undefined && request.body.location !== null) {
          location = await deps.locationExists(request.body.location);
          if (location === null || !canAccessLocation(p, location)) return sendProblem(request, reply, problems['location-not-found'], 'No such location.');
        }
        const actor = actorOf(p);
        const out = await deps.templates.put(location, request.params.key, request.body.text, `${actor.type}:${actor.id}`, deps.clock.now());
        // Template text is approved venue copy, not customer data: the audit keeps it whole to show what changed.
        await deps.audit.record({
          action: 'template.changed',
          actor,
          resource: { type: 'reply_template', id: location === null ? request.params.key : `${request.params.key}@${location}` },
          location,
          correlationId: String(request.id),
          body: { key: request.params.key, scope: location === null ? 'venue' : 'location', before: out.before?.text ?? null, after: out.after.text },
        });
        return view(out.after);
      },
    );
  };
}
