import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { parseConfig } from '../config/config.js';
import { type HttpApp, type RouteGroup, createHttpApp } from '../http/app.js';
import { authHooks } from '../http/auth.js';
import { inspectionHooks } from '../http/inspection.js';
import { rateLimitHooks } from '../http/rateLimit.js';
import { sheddingHooks } from '../http/shedding.js';
import { createLogger } from '../logging.js';
import { buildRuntime } from '../main.js';
import { createPerformanceGuard } from '../security/guard/performanceGuard.js';
import { processSampler } from '../security/guard/sampler.js';
import { createLimiterFactory } from '../security/limiters.js';
import { memoryBanStore } from '../security/rateLimit/banStore.js';
import { createTrustRegistry } from '../security/rateLimit/trustRegistry.js';
import { performanceMetricStore } from '../store/performance/performanceMetrics.js';
import { securityEventStore } from '../store/security/securityEvents.js';
import { load } from './httpLoad.js';
import { type Bench, figure } from './types.js';

const BODY = Type.Object({ ok: Type.Boolean() });
const QUERY = Type.Object({ location: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });


async function serve(app: HttpApp): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * The same key-authenticated route and handler with the whole defense stack (security headers, load shedding and
 * time budget, pre-auth rate limit, auth, per-key rate limit, injection inspector) against the bare route, in one
 * run over loopback HTTP. Quotas are set high so the figure is the cost of checking, not of refusing.
 */
export const bench: Bench = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clubos-bench-defense-'));
  const secrets = {
    API_KEY_PEPPERS: `1:${randomBytes(32).toString('base64')}`,
    AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
    LEAK_REPORT_SECRET: randomBytes(32).toString('base64'),
  };
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: dir, SECURITY_RATE_LIMIT_MAX: '1000000', ...secrets });
  const logger = createLogger('silent');
  const rt = await buildRuntime(config, { logger });
  const apps: HttpApp[] = [];
  try {
    const { secret } = await rt.keys.create({ name: 'bench', scopes: ['events:read'], ownerId: null }, { type: 'system', id: 'bench' });
    const events = securityEventStore(rt.database.db);
    const route: RouteGroup = (a) => {
      a.get('/v1/things', { config: { auth: { scopes: ['events:read'] } }, schema: { querystring: QUERY, response: { 200: BODY } } }, async () => ({ ok: true }));
    };
    const guard = createPerformanceGuard({
      // A closed-loop bench saturates the process by design: the guard samples and admits every request, with
      // limits it will not reach, so the figure is the cost of checking, not of shedding.
      limits: { cpuPercent: 1000, memoryMb: 1_048_576, eventLoopDelayMs: 60_000, eventLoopUtilization: 10 },
      clock: rt.clock,
      logger,
      metrics: performanceMetricStore(rt.database.db),
      events,
      sampler: processSampler(),
      instance: 'bench',
      enabled: () => rt.flags.get('performanceGuard'),
    });
    const rateLimit = rateLimitHooks({
      makeLimiter: createLimiterFactory(null),
      bans: memoryBanStore(),
      trust: createTrustRegistry(),
      events,
      clock: rt.clock,
      logger,
      window: { points: config.rateLimit.max, windowMs: config.rateLimit.windowMs },
    });
    const common = { logger, devErrors: false, setup: { isComplete: async () => true }, routes: [route] };
    const defended = await createHttpApp({
      ...common,
      hooks: [
        sheddingHooks({ guard, enabled: () => rt.flags.get('performanceGuard') }),
        rateLimit.preAuth,
        authHooks({ keys: rt.keys, operators: rt.operators }),
        rateLimit.postAuth,
        inspectionHooks({ flags: rt.flags, events, clock: rt.clock, logger }),
      ],
    });
    const bare = await createHttpApp(common);
    apps.push(defended, bare);
    const [withUrl, withoutUrl] = [`${await serve(defended)}/v1/things?location=Dartmouth`, `${await serve(bare)}/v1/things?location=Dartmouth`];
    const headers = { authorization: `Bearer ${secret}`, 'user-agent': 'clubos-bench/1', accept: 'application/json' };
    await load(withoutUrl, headers, 1000);
    await load(withUrl, headers, 1000);
    // Interleave the halves so drift on a shared machine hits both sides alike.
    let without = 0;
    let withDefense = 0;
    for (let i = 0; i < 2; i++) {
      without += await load(withoutUrl, headers, 2000);
      withDefense += await load(withUrl, headers, 2000);
    }
    return [
      figure({
        id: 'defense.route_rps',
        value: withDefense / 2,
        unit: 'requests/s',
        baseline: { label: 'the same route and handler with no defense hooks', value: without / 2 },
        better: 'higher',
        note: 'headers + guard admission (limits out of reach)/time budget + pre-auth limit + API-key auth + per-key limits + inspector; 16 keep-alive clients, 2 × 2 s each; target ratio ≥ 0.6',
      }),
    ];
  } finally {
    for (const app of apps) await app.close();
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
