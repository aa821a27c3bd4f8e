import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../kernel/clock.js';
import { problems } from '../kernel/problems.js';
import type { Logger } from '../logging.js';
import { currentLimitMultiplier } from '../security/apiKeys/risk.js';
import { priorityOf } from '../security/guard/priority.js';
import type { Limiter, LimiterSpec } from '../security/limiters.js';
import { BAN, banDurationMs, banRemainingMs } from '../security/rateLimit/bans.js';
import type { BanStore } from '../security/rateLimit/banStore.js';
import { type ClientSubjects, subjectsOf } from '../security/rateLimit/clientAddress.js';
import { type LimitReading, policyHeader, rateLimitHeader, retryAfterSeconds, tightest } from '../security/rateLimit/headers.js';
import { type Layer, type Window, effectivePoints, nominalWindow, storeCeiling } from '../security/rateLimit/layers.js';
import { TRUST, type TrustChange } from '../security/rateLimit/trust.js';
import type { TrustRegistry } from '../security/rateLimit/trustRegistry.js';
import type { SecurityEvent, SecurityEventStore } from '../store/security/securityEvents.js';
import type { HttpApp } from './app.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Limits this request was counted against, for the RateLimit headers. */
    rateLimitReadings: LimitReading[] | null;
    /** The address and IPv6 /56 the pre-auth layers counted. */
    rateLimitSubjects: ClientSubjects | null;
  }
}

export interface RateLimitDeps {
  readonly makeLimiter: (spec: LimiterSpec) => Limiter;
  readonly bans: BanStore;
  readonly trust: TrustRegistry;
  readonly events: SecurityEventStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** SECURITY_RATE_LIMIT_WINDOW / SECURITY_RATE_LIMIT_MAX. */
  readonly window: Window;
}

export interface RateLimitHooks {
  /** onRequest before authentication: bans, then per address and per IPv6 /56. */
  readonly preAuth: (app: HttpApp) => void;
  /** onRequest after authentication: per key or operator, per key × route class; trust bookkeeping on response. */
  readonly postAuth: (app: HttpApp) => void;
  /** Turns new injection detections in security_events into trust signals (a scheduler task). Returns how many. */
  absorbSecurityEvents(): Promise<number>;
}

const POLICY_NAME: Readonly<Record<Layer, string>> = { ip: 'ip', prefix: 'ip56', principal: 'client', route: 'client-route' };

type Outcome = { kind: 'allowed'; reading: LimitReading } | { kind: 'limited'; reading: LimitReading };

function principalId(request: FastifyRequest): string | null {
  const p = request.principal;
  if (!p) return null;
  return p.kind === 'key' ? `key:${p.keyId}` : `operator:${p.operatorId}`;
}

/**
 * Adaptive, layered rate limiting. Counters come from the limiter factory (Redis with an in-process insurance
 * limiter, or memory); the decision compares the count with the nominal quota times the client's trust
 * multiplier. Health routes are exempt. 429s earn strikes; enough strikes in the window earn a ban of the address
 * (IPv4) or its /56 (IPv6), shared through the ban store.
 */
export function rateLimitHooks(deps: RateLimitDeps): RateLimitHooks {
  const limiters = new Map<string, Limiter>();
  const limiterFor = (layer: Layer, w: Window): Limiter => {
    const points = storeCeiling(w.points, TRUST.max);
    const id = `rl:${layer}:${w.windowMs}:${points}`;
    let l = limiters.get(id);
    if (l === undefined) {
      l = deps.makeLimiter({ keyPrefix: id, points, duration: Math.max(1, Math.ceil(w.windowMs / 1000)) });
      limiters.set(id, l);
    }
    return l;
  };
  const strikes = deps.makeLimiter({ keyPrefix: 'rl:strikes', points: BAN.strikes, duration: BAN.strikeWindowMs / 1000 });
  const now = () => deps.clock.now().getTime();
  // Highest security_events id already turned into trust signals.
  let lastAbsorbed = 0;
  // Keys whose risk cap this instance has announced as lapsed (bounded; forgetting one only repeats an event).
  const lapsed = new Set<string>();

  const record = (e: Omit<SecurityEvent, 'at' | 'severity' | 'method' | 'route' | 'correlationId'> & { severity?: SecurityEvent['severity'] }, request: FastifyRequest | null) =>
    deps.events
      .record({
        at: deps.clock.now(),
        severity: 'low',
        route: request?.routeOptions.url ?? null,
        method: request?.method ?? null,
        correlationId: request ? String(request.id) : null,
        ...e,
      })
      .catch((err: unknown) => deps.logger.error({ err }, 'security event not recorded'));

  const recordTrust = (client: string, change: TrustChange | null, request: FastifyRequest | null, ip: string | null) => {
    if (change === null) return Promise.resolve();
    return record(
      {
        kind: 'ratelimit.trust',
        severity: change.to < change.from ? 'medium' : 'low',
        ip,
        principal: client.startsWith('ip:') ? null : client,
        action: 'limited',
        detail: { client, reason: change.reason, from: round(change.from), to: round(change.to), halfLifeMs: TRUST.halfLifeMs },
      },
      request,
    );
  };

  async function count(layer: Layer, subject: string, w: Window, multiplier: number): Promise<Outcome> {
    const quota = effectivePoints(w.points, multiplier);
    let consumed: number;
    let resetMs: number;
    try {
      const res = await limiterFor(layer, w).consume(subject, 1);
      consumed = res.consumedPoints;
      resetMs = res.msBeforeNext;
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      const res = rejection as { consumedPoints: number; msBeforeNext: number };
      // The store's own ceiling (or the insurance limiter's lower one) said no.
      consumed = Math.max(res.consumedPoints, quota + 1);
      resetMs = res.msBeforeNext;
    }
    const reading: LimitReading = { policy: POLICY_NAME[layer], quota, windowMs: w.windowMs, remaining: Math.max(0, quota - consumed), resetMs };
    return consumed > quota ? { kind: 'limited', reading } : { kind: 'allowed', reading };
  }

  const subjects = (request: FastifyRequest) => request.rateLimitSubjects ?? subjectsOf(request.ip);

  async function strike(request: FastifyRequest, layer: Layer): Promise<void> {
    const { ip, prefix } = subjects(request);
    let n: number;
    try {
      n = (await strikes.consume(ip, 1)).consumedPoints;
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      n = (rejection as { consumedPoints: number }).consumedPoints;
    }
    const t = now();
    const principal = principalId(request);
    if (n === 1) await record({ kind: `ratelimit.${layer}`, ip, principal, action: 'limited', detail: { layer } }, request);
    if (n === 3) {
      await recordTrust(`ip:${ip}`, deps.trust.signal(`ip:${ip}`, 'repeated_429', t), request, ip);
      if (principal) await recordTrust(principal, deps.trust.signal(principal, 'repeated_429', t), request, ip);
    }
    if (n === BAN.strikes + 1) {
      const subject = prefix ?? ip;
      const ban = await deps.bans.ban(subject, `${BAN.strikes} rate-limit rejections within ${BAN.strikeWindowMs / 60_000} min`, t, banDurationMs);
      await record({ kind: 'ratelimit.ban', severity: 'high', ip, principal, action: 'banned', detail: { subject, until: new Date(ban.until).toISOString(), nth: ban.nth, reason: ban.reason } }, request);
    }
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, layer: Layer, reading: LimitReading): FastifyReply {
    void strike(request, layer).catch((err: unknown) => deps.logger.error({ err }, 'rate-limit strike not counted'));
    reply.header('retry-after', String(retryAfterSeconds(reading.resetMs)));
    setHeaders(reply, request.rateLimitReadings ?? [reading], reading);
    return sendProblem(request, reply, problems['rate-limited'], `Limit "${reading.policy}" of ${reading.quota} per ${Math.ceil(reading.windowMs / 1000)} s reached.`, { policy: reading.policy });
  }

  const exempt = (request: FastifyRequest) => priorityOf(request.routeOptions.config?.auth, request.routeOptions.config?.priority) === 'health' && !request.is404;

  return {
    preAuth(app) {
      app.decorateRequest('rateLimitReadings', null);
      app.decorateRequest('rateLimitSubjects', null);
      app.addHook('onRequest', async (request, reply) => {
        if (exempt(request)) return;
        const s = subjectsOf(request.ip);
        request.rateLimitSubjects = s;
        const { ip, prefix } = s;
        const t = now();
        const ban = await deps.bans.find(prefix ? [ip, prefix] : [ip], t);
        if (ban) {
          reply.header('retry-after', String(retryAfterSeconds(banRemainingMs(ban, t))));
          return sendProblem(request, reply, problems.banned, 'Repeated limit violations: this client is banned for a while.', { until: new Date(ban.until).toISOString() });
        }
        const multiplier = deps.trust.multiplier(`ip:${ip}`, t);
        const readings: LimitReading[] = [];
        request.rateLimitReadings = readings;
        const layers: [Layer, string][] = prefix ? [['ip', ip], ['prefix', prefix]] : [['ip', ip]];
        for (const [layer, subject] of layers) {
          const out = await count(layer, subject, nominalWindow(layer, { window: deps.window }, null), multiplier);
          readings.push(out.reading);
          if (out.kind === 'limited') return refuse(request, reply, layer, out.reading);
        }
        // The headers are written once, by postAuth, when it has added the principal's layers.
      });
      // A request refused by authentication never reaches postAuth, but the address layers counted it: say so, and
      // when that attempt used the address's last point, when the next one may come.
      app.addHook('onSend', async (request, reply, payload) => {
        const readings = request.rateLimitReadings;
        if (readings === null || readings.length === 0 || reply.hasHeader('ratelimit')) return payload;
        setHeaders(reply, readings, null);
        const top = tightest(readings);
        if (top !== null && top.remaining === 0 && (reply.statusCode === 401 || reply.statusCode === 403) && !reply.hasHeader('retry-after')) {
          reply.header('retry-after', String(retryAfterSeconds(top.resetMs)));
        }
        return payload;
      });
    },

    postAuth(app) {
      app.addHook('onRequest', async (request, reply) => {
        if (request.rateLimitReadings === null || reply.sent) return;
        const principal = principalId(request);
        if (principal === null) {
          setHeaders(reply, request.rateLimitReadings, null);
          return;
        }
        const t = now();
        const ip = subjects(request).ip;
        const key = request.apiKey;
        const keyMultiplier = key ? currentLimitMultiplier(key.riskScore, key.riskAt, key.limitMultiplier, deps.clock.now()) : 1;
        // The key's own risk (compromise detection) caps its trust; record it once it bites, and once it lapses.
        if (keyMultiplier < 1) {
          lapsed.delete(principal);
          if (deps.trust.multiplier(principal, t) > keyMultiplier + 0.05) await recordTrust(principal, deps.trust.signal(principal, 'key_risk', t, keyMultiplier), request, ip);
        } else if (key !== null && key.limitMultiplier < 1 && !lapsed.has(principal)) {
          lapsed.add(principal);
          if (lapsed.size > 10_000) lapsed.delete(lapsed.values().next().value as string);
          await recordTrust(principal, { from: key.limitMultiplier, to: 1, reason: 'key_risk_lapsed' }, request, ip);
        }
        const multiplier = Math.min(deps.trust.multiplier(principal, t), deps.trust.multiplier(`ip:${ip}`, t), keyMultiplier);
        const keyWindow = request.apiKey?.rateLimit ? { points: request.apiKey.rateLimit.points, windowMs: request.apiKey.rateLimit.windowMs } : null;
        const routeClass = priorityOf(request.routeOptions.config?.auth, request.routeOptions.config?.priority);
        const readings = request.rateLimitReadings;
        const layers: [Layer, string][] = [
          ['principal', principal],
          ['route', `${principal}:${routeClass}`],
        ];
        for (const [layer, subject] of layers) {
          const out = await count(layer, subject, nominalWindow(layer, { window: deps.window }, keyWindow, routeClass), multiplier);
          readings.push(out.reading);
          if (out.kind === 'limited') return refuse(request, reply, layer, out.reading);
        }
        setHeaders(reply, readings, null);
      });

      app.addHook('onResponse', async (request, reply) => {
        if (request.rateLimitReadings === null) return;
        const t = now();
        const ip = subjects(request).ip;
        await recordTrust(`ip:${ip}`, deps.trust.observe(`ip:${ip}`, reply.statusCode, t), request, ip);
        const principal = principalId(request);
        if (principal) await recordTrust(principal, deps.trust.observe(principal, reply.statusCode, t), request, ip);
      });
    },

    async absorbSecurityEvents() {
      const rows = await deps.events.recent(500);
      let absorbed = 0;
      for (const row of [...rows].reverse()) {
        const id = Number(row.id);
        if (id <= lastAbsorbed) continue;
        lastAbsorbed = id;
        if (!row.kind.startsWith('injection.') || row.ip === null) continue;
        const t = now();
        const ip = subjectsOf(row.ip).ip;
        await recordTrust(`ip:${ip}`, deps.trust.signal(`ip:${ip}`, 'injection_attempt', t), null, ip);
        if (row.principal) await recordTrust(row.principal, deps.trust.signal(row.principal, 'injection_attempt', t), null, ip);
        absorbed++;
      }
      return absorbed;
    },
  };
}

function setHeaders(reply: FastifyReply, readings: readonly LimitReading[], limited: LimitReading | null): void {
  const top = limited ?? tightest(readings);
  if (top === null) return;
  reply.header('ratelimit-policy', policyHeader(readings));
  reply.header('ratelimit', rateLimitHeader(top));
}

const round = (n: number) => Math.round(n * 1000) / 1000;
