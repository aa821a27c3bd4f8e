import { Type } from 'typebox';
import type { AuditLog } from '../../audit/auditLog.js';
import { FEATURE_FLAGS, isFeatureFlag } from '../../config/flags.js';
import type { RuntimeFlags } from '../../config/runtimeFlags.js';
import { actorOf } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { NoQuery, Strict } from '../schemas.js';

const FlagsView = Type.Object(Object.fromEntries(FEATURE_FLAGS.map((f) => [f, Type.Boolean()])));

/** The seed plan's feature flags, readable by supervisors and switchable at run time by admins (persisted, audited). */
export function flagRoutes(deps: { flags: RuntimeFlags; audit: AuditLog; clock: Clock }) {
  return (app: HttpApp) => {
    app.get(
      '/v1/admin/flags',
      { config: { auth: { operator: 'supervisor' } }, schema: { tags: ['admin'], summary: 'Effective feature flags', querystring: NoQuery, response: { 200: FlagsView } } },
      async () => {
        await deps.flags.refresh();
        return deps.flags.all();
      },
    );

    app.put(
      '/v1/admin/flags/:name',
      {
        bodyLimit: 1024,
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['admin'],
          summary: 'Switch a feature flag (e.g. autoExecution leaves shadow mode)',
          params: Strict({ name: Type.String({ maxLength: 64 }) }),
          querystring: NoQuery,
          body: Strict({ enabled: Type.Boolean() }),
          response: { 200: FlagsView },
        },
      },
      async (request, reply) => {
        const name = request.params.name;
        if (!isFeatureFlag(name)) return sendProblem(request, reply, problems['unknown-feature-flag'], `Known flags: ${FEATURE_FLAGS.join(', ')}.`);
        const before = deps.flags.get(name);
        const actor = actorOf(principalOf(request));
        await deps.flags.set(name, request.body.enabled, actor.id, deps.clock.now());
        await deps.audit.record({ action: 'flag.changed', actor, resource: { type: 'feature_flag', id: name }, body: { flag: name, from: before, to: request.body.enabled } });
        return deps.flags.all();
      },
    );
  };
}
