import { Type } from 'typebox';
import type { AuditLog, VerificationStatus } from '../../audit/auditLog.js';
import { actorOf } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { NoQuery, Strict } from '../schemas.js';

/** A custom serializer sets no content type: name it, or clients cannot tell JSON from text. */
const JSON_TYPE = 'application/json; charset=utf-8';

/** The last verification, refreshed by the scheduler and on demand: what "verified up to N at T" shows. */
export interface VerificationCache {
  latest(): VerificationStatus | null;
  refresh(): Promise<VerificationStatus>;
}

export function verificationCache(audit: AuditLog): VerificationCache {
  let last: VerificationStatus | null = null;
  return {
    latest: () => last,
    async refresh() {
      last = await audit.verify();
      return last;
    },
  };
}

export const Status = Type.Object({
  ok: Type.Boolean(),
  verifiedThrough: Type.Integer(),
  signedThrough: Type.Union([Type.Integer(), Type.Null()]),
  firstBadSeq: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
  summary: Type.String(),
});

export function statusView(v: VerificationStatus) {
  return v.ok
    ? { ok: true, verifiedThrough: v.verifiedThrough, signedThrough: v.signedThrough, firstBadSeq: null, reason: null, at: v.at, summary: `verified up to ${v.verifiedThrough} at ${v.at}` }
    : { ok: false, verifiedThrough: v.verifiedThrough, signedThrough: null, firstBadSeq: v.firstBadSeq, reason: v.reason, at: v.at, summary: `chain broken at ${v.firstBadSeq} (${v.reason})` };
}

const Period = Strict({ from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) });

/** Audit status, verification, exports of entries, compliance reports and signed checkpoints (each export audited). */
export function auditRoutes(deps: { audit: AuditLog; verification: VerificationCache; clock: Clock }) {
  return (app: HttpApp) => {
    const auth = { operator: 'supervisor' as const, scopes: ['audit:read'] };

    app.get(
      '/v1/audit/status',
      { config: { auth }, schema: { tags: ['audit'], summary: 'Verification status of the audit chain ("verified up to N at T")', querystring: NoQuery, response: { 200: Status } } },
      async () => statusView(deps.verification.latest() ?? (await deps.verification.refresh())),
    );

    app.post(
      '/v1/audit/verify',
      { config: { auth: { operator: 'admin' } }, schema: { tags: ['audit'], summary: 'Verify the whole chain and its checkpoints now', querystring: NoQuery, body: Type.Union([Strict({}), Type.Null()]), response: { 200: Status } } },
      async () => statusView(await deps.verification.refresh()),
    );

    const period = (q: { from: string; to: string }) => ({ from: new Date(q.from), to: new Date(q.to) });
    const badPeriod = (q: { from: string; to: string }) => !(Date.parse(q.from) < Date.parse(q.to));

    app.get(
      '/v1/audit/entries',
      { config: { auth }, schema: { tags: ['audit'], summary: 'Export audit entries of a period (JSON or formula-safe CSV)', querystring: Period, response: { 200: Type.Unknown() } } },
      async (request, reply) => {
        if (badPeriod(request.query)) return sendProblem(request, reply, problems['validation-failed'], '`from` must be before `to`.', { errors: [{ location: 'querystring', pointer: '/from', message: 'must be before to' }] });
        const format = request.query.format ?? 'json';
        const out = await deps.audit.exportEntries({ period: period(request.query), requestedBy: actorOf(principalOf(request)), format });
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit-entries.csv"').serializer(String).send(out.csv);
        return reply.type(JSON_TYPE).serializer(JSON.stringify).send({ entries: out.entries });
      },
    );

    app.get(
      '/v1/audit/report',
      { config: { auth }, schema: { tags: ['audit'], summary: 'Compliance report of a period (JSON or formula-safe CSV)', querystring: Period, response: { 200: Type.Unknown() } } },
      async (request, reply) => {
        if (badPeriod(request.query)) return sendProblem(request, reply, problems['validation-failed'], '`from` must be before `to`.', { errors: [{ location: 'querystring', pointer: '/from', message: 'must be before to' }] });
        const format = request.query.format ?? 'json';
        const out = await deps.audit.exportReport({ period: period(request.query), requestedBy: actorOf(principalOf(request)), format });
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="compliance-report.csv"').serializer(String).send(out.csv);
        return reply.type(JSON_TYPE).serializer(JSON.stringify).send(out.report);
      },
    );

    app.get(
      '/v1/audit/checkpoints',
      { config: { auth }, schema: { tags: ['audit'], summary: 'Signed checkpoints with the public key, for an outside party to keep', querystring: NoQuery, response: { 200: Type.Unknown() } } },
      async (request, reply) => reply.type(JSON_TYPE).serializer(JSON.stringify).send({ checkpoints: await deps.audit.exportCheckpoints(actorOf(principalOf(request))) }),
    );
  };
}
