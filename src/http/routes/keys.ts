import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import type { Actor } from '../../audit/entry.js';
import type { KeyManager } from '../../identity/keyManager.js';
import { actorOf } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { ApiKeyRecord } from '../../security/apiKeys/key.js';
import { isCidr } from '../../security/apiKeys/network.js';
import { currentLimitMultiplier, decayedScore } from '../../security/apiKeys/risk.js';
import { SCOPES, type Scope } from '../../security/apiKeys/scopes.js';
import type { ApiKeyStore } from '../../store/identity/apiKeys.js';
import type { HttpApp } from '../app.js';
import { operatorOf, principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { keepRawJsonBody } from '../rawBody.js';
import { IdParams, NoQuery, NullableTimestamp, Strict, iso } from '../schemas.js';

const ScopeT = Type.String({ enum: [...SCOPES] });
const KeyView = Type.Object({
  id: Type.String(),
  familyId: Type.String(),
  generation: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  cidrs: Type.Array(Type.String()),
  locations: Type.Union([Type.Array(Type.String()), Type.Null()]),
  state: Type.String({ description: 'active | rotating | expired | revoked | suspended' }),
  createdAt: Type.String(),
  expiresAt: NullableTimestamp,
  rotateAt: NullableTimestamp,
  graceEndsAt: NullableTimestamp,
  successorId: Type.Union([Type.String(), Type.Null()]),
  revokedReason: Type.Union([Type.String(), Type.Null()]),
  suspendedReason: Type.Union([Type.String(), Type.Null()]),
  riskScore: Type.Number(),
  limitMultiplier: Type.Number(),
  lastUsedAt: NullableTimestamp,
  lastUsedIp: Type.Union([Type.String(), Type.Null()]),
});

/** A key as operators see it: the risk score decayed to `now`, and the limit multiplier in force now (a tightened key's cap lifts once its risk decays). */
export function keyView(k: ApiKeyRecord, lifecycle: string, now: Date) {
  return {
    id: k.id,
    familyId: k.familyId,
    generation: k.generation,
    name: k.name,
    prefix: k.displayPrefix,
    scopes: [...k.scopes],
    cidrs: [...k.cidrs],
    locations: k.locations === null ? null : [...k.locations],
    state: lifecycle,
    createdAt: k.createdAt.toISOString(),
    expiresAt: iso(k.expiresAt),
    rotateAt: iso(k.rotateAt),
    graceEndsAt: iso(k.graceEndsAt),
    successorId: k.successorId,
    revokedReason: k.revokedReason,
    suspendedReason: k.suspendedReason,
    riskScore: Math.round(decayedScore(k.riskScore, k.riskAt, now) * 10) / 10,
    limitMultiplier: currentLimitMultiplier(k.riskScore, k.riskAt, k.limitMultiplier, now),
    lastUsedAt: iso(k.lastUsedAt),
    lastUsedIp: k.lastUsedIp,
  };
}

/** Hourly usage rows summed per UTC day × route × outcome. */
function dailyTotals(rows: ReadonlyArray<{ hour: Date; route: string; outcome: string; count: number }>) {
  const days = new Map<string, { day: string; route: string; outcome: string; count: number }>();
  for (const r of rows) {
    const day = r.hour.toISOString().slice(0, 10);
    const k = `${day}|${r.route}|${r.outcome}`;
    const cur = days.get(k);
    days.set(k, { day, route: r.route, outcome: r.outcome, count: (cur?.count ?? 0) + r.count });
  }
  return [...days.values()];
}

const Created = Type.Object({ key: Type.String({ description: 'The secret, shown once' }), record: KeyView });

/** API key administration (admins). */
export function keyRoutes(deps: { keys: KeyManager; store: ApiKeyStore; clock: Clock }) {
  const { keys, store } = deps;
  return (app: HttpApp) => {
    const load = async (id: string) => store.byId(id);
    const actor = (req: Parameters<typeof principalOf>[0]): Actor => actorOf(principalOf(req));

    app.get(
      '/v1/keys',
      { config: { auth: { operator: 'admin' } }, schema: { tags: ['keys'], summary: 'List API keys', querystring: NoQuery, response: { 200: Type.Array(KeyView) } } },
      async () => (await store.list()).map((k) => keyView(k, keys.lifecycle(k), deps.clock.now())),
    );

    app.post(
      '/v1/keys',
      {
        bodyLimit: 8192,
        config: { auth: { operator: 'admin' } },
        schema: {
          tags: ['keys'],
          summary: 'Create an API key; the secret is in this response only',
          querystring: NoQuery,
          body: Strict({
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(ScopeT, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
            cidrs: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 })),
            locations: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 50 }), Type.Null()])),
            expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
            rateLimit: Type.Optional(Strict({ points: Type.Integer({ minimum: 1, maximum: 1_000_000 }), windowMs: Type.Integer({ minimum: 1000, maximum: 86_400_000 }) })),
          }),
          response: { 201: Created },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const badCidr = (b.cidrs ?? []).find((c) => !isCidr(c));
        if (badCidr !== undefined) {
          return sendProblem(request, reply, problems['validation-failed'], 'Invalid CIDR.', { errors: [{ location: 'body', pointer: '/cidrs', message: `not a CIDR: ${badCidr}` }] });
        }
        const created = await keys.create(
          {
            name: b.name,
            scopes: b.scopes as Scope[],
            ownerId: operatorOf(request).operatorId,
            ...(b.cidrs ? { cidrs: b.cidrs } : {}),
            ...(b.locations !== undefined ? { locations: b.locations } : {}),
            expiresAt: b.expiresAt ? new Date(b.expiresAt) : null,
            rateLimit: b.rateLimit ?? null,
          },
          actor(request),
        );
        return reply.code(201).send({ key: created.secret, record: keyView(created.record, keys.lifecycle(created.record), deps.clock.now()) });
      },
    );

    const Usage = Type.Object({
      record: KeyView,
      hourly: Type.Array(Type.Object({ hour: Type.String(), route: Type.String(), outcome: Type.String(), count: Type.Integer() })),
      daily: Type.Array(Type.Object({ day: Type.String(), route: Type.String(), outcome: Type.String(), count: Type.Integer() })),
      clients: Type.Array(Type.Object({ ip: Type.String(), prefix: Type.String(), firstSeenAt: Type.String(), lastSeenAt: Type.String(), requests: Type.Integer() })),
      prefixes: Type.Integer(),
      graceUse: Type.Union([Type.Object({ ips: Type.Integer(), prefixes: Type.Integer(), summary: Type.String() }), Type.Null()]),
      rotations: Type.Array(Type.Object({ fromKeyId: Type.String(), toKeyId: Type.String(), reason: Type.String(), rotatedAt: Type.String(), graceEndsAt: Type.String() })),
      riskEvents: Type.Array(Type.Object({ at: Type.String(), signal: Type.String(), scoreAfter: Type.Number(), levelAfter: Type.String(), actionTaken: Type.String() })),
    });

    app.get(
      '/v1/keys/:id',
      { config: { auth: { operator: 'admin' } }, schema: { tags: ['keys'], summary: 'One key with its usage audit, lineage and risk history', params: IdParams, querystring: NoQuery, response: { 200: Usage } } },
      async (request, reply) => {
        const k = await load(request.params.id);
        if (!k) return sendProblem(request, reply, problems['key-not-found'], 'No such key.');
        const since = new Date(deps.clock.now().getTime() - 30 * 86_400_000);
        const [usage, clients, rotations, risk] = await Promise.all([store.usage(k.id, since), store.clients(k.id), store.rotations(k.familyId), store.riskEvents(k.id)]);
        const rotatedAt = rotations.find((r) => r.from_key_id === k.id)?.rotated_at ?? null;
        const inGrace = rotatedAt !== null ? clients.filter((c) => c.lastSeenAt >= rotatedAt) : [];
        return {
          record: keyView(k, keys.lifecycle(k), deps.clock.now()),
          hourly: usage.map((u) => ({ hour: u.hour.toISOString(), route: u.route, outcome: u.outcome, count: u.count })),
          daily: dailyTotals(usage),
          clients: clients.map((c) => ({ ip: c.ip, prefix: c.prefix, firstSeenAt: c.firstSeenAt.toISOString(), lastSeenAt: c.lastSeenAt.toISOString(), requests: c.requests })),
          prefixes: new Set(clients.map((c) => c.prefix)).size,
          graceUse:
            rotatedAt === null
              ? null
              : { ips: inGrace.length, prefixes: new Set(inGrace.map((c) => c.prefix)).size, summary: `still used by ${inGrace.length} IP${inGrace.length === 1 ? '' : 's'} since rotation` },
          rotations: rotations.map((r) => ({ fromKeyId: r.from_key_id, toKeyId: r.to_key_id, reason: r.reason, rotatedAt: r.rotated_at.toISOString(), graceEndsAt: r.grace_ends_at.toISOString() })),
          riskEvents: risk.map((e) => ({ at: e.at.toISOString(), signal: e.signal, scoreAfter: e.score_after, levelAfter: e.level_after, actionTaken: e.action_taken })),
        };
      },
    );

    const PAST = { rotate: 'rotated', extend: 'extended', suspend: 'suspended', reinstate: 'reinstated', revoke: 'revoked' } as const;
    const lifecycleRoute = (verb: keyof typeof PAST, summary: string, body: ReturnType<typeof Strict>, act: (k: ApiKeyRecord, b: Record<string, unknown>, a: Actor) => Promise<unknown>) => {
      app.post(
        `/v1/keys/:id/${verb}`,
        { bodyLimit: 2048, config: { auth: { operator: 'admin' } }, schema: { tags: ['keys'], summary, params: IdParams, querystring: NoQuery, body, response: { 200: Type.Object({ record: KeyView, key: Type.Optional(Type.String()) }) } } },
        async (request, reply) => {
          const k = await load((request.params as { id: string }).id);
          if (!k) return sendProblem(request, reply, problems['key-not-found'], 'No such key.');
          const out = (await act(k, request.body as Record<string, unknown>, actor(request))) as ApiKeyRecord | { secret: string; record: ApiKeyRecord } | null;
          if (out === null) return sendProblem(request, reply, problems['key-state-conflict'], `The key cannot be ${PAST[verb]} in its current state (${keys.lifecycle(k)}).`);
          if ('secret' in out) return { key: out.secret, record: keyView(out.record, keys.lifecycle(out.record), deps.clock.now()) };
          return { record: keyView(out, keys.lifecycle(out), deps.clock.now()) };
        },
      );
    };
    lifecycleRoute('rotate', 'Issue a successor now; the old key stays valid for the grace window', Strict({}), (k, _b, a) => keys.rotate(k, a));
    lifecycleRoute('extend', 'Extend the expiry (bounded by the maximum lifetime)', Strict({ days: Type.Integer({ minimum: 1, maximum: 365 }) }), (k, b, a) => keys.extend(k, b.days as number, a));
    lifecycleRoute('suspend', 'Suspend (reversible)', Strict({ reason: Type.String({ minLength: 1, maxLength: 200 }) }), (k, b, a) => keys.suspend(k, a, b.reason as string));
    lifecycleRoute('reinstate', 'Reverse a suspension and reset the risk score', Strict({}), (k, _b, a) => keys.reinstate(k, a));
    lifecycleRoute('revoke', 'Revoke for good (refused by every instance within a second)', Strict({}), (k, _b, a) => keys.revoke(k, a));

  };
}

/** Leak reports (GitHub secret-scanning style): found tokens, signed with the shared leak-report secret. */
export function leakReportRoutes(deps: { keys: KeyManager; clock: Clock; leakSecret: string }) {
  const { keys } = deps;
  return (app: HttpApp) => {
    keepRawJsonBody(app);
    const LeakReport = Type.Array(
      Strict({ token: Type.String({ minLength: 1, maxLength: 200 }), type: Type.Optional(Type.String({ maxLength: 100 })), url: Type.Optional(Type.String({ maxLength: 2000 })), source: Type.Optional(Type.String({ maxLength: 100 })) }),
      { minItems: 1, maxItems: 100 },
    );
    app.post(
      '/v1/security/leaked-keys',
      {
        bodyLimit: 64 * 1024,
        config: { auth: { public: 'signed_webhook' }, priority: 'integration' },
        schema: {
          tags: ['security'],
          summary: 'Report leaked keys (signed: X-ClubOS-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">)',
          querystring: NoQuery,
          body: LeakReport,
          response: { 200: Type.Array(Type.Object({ token_hash: Type.String(), label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]) })) },
        },
      },
      async (request, reply) => {
        const header = request.headers['x-clubos-signature'];
        const m = typeof header === 'string' ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header) : null;
        const now = Math.floor(deps.clock.now().getTime() / 1000);
        const body = request.rawBody ?? '';
        const expected = m ? createHmac('sha256', deps.leakSecret).update(`${m[1]}.${body}`).digest() : null;
        const fresh = m !== null && Math.abs(now - Number(m[1])) <= 300;
        if (!m || !expected || !fresh || !timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'))) {
          return sendProblem(request, reply, problems['signature-invalid'], 'The leak report signature is missing, stale or wrong.');
        }
        const out = [];
        for (const item of request.body) {
          const key = await keys.signalByPresentedKey(item.token, { kind: 'leak_reported', source: item.source ?? item.url ?? 'report' });
          out.push({ token_hash: createHash('sha256').update(item.token).digest('hex'), label: key ? ('true_positive' as const) : ('false_positive' as const) });
        }
        return out;
      },
    );
  };
}
