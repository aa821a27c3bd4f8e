import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type AuditLog, createAuditLog } from './audit/auditLog.js';
import { createEd25519Signer } from './audit/checkpoint.js';
import { createMinimizer } from './audit/minimize.js';
import { type Secrets, resolveSecrets } from './config/secrets.js';
import { createAuditStore } from './store/audit/auditStore.js';
import { Redis } from 'ioredis';
import { authHooks } from './http/auth.js';
import { inspectionHooks } from './http/inspection.js';
import { formBodies } from './http/formBody.js';
import { currentCorrelationId } from './http/requestContext.js';
import { rateLimitHooks } from './http/rateLimit.js';
import { sheddingHooks } from './http/shedding.js';
import { DEFAULT_LOOP_LIMITS } from './security/guard/loadShedding.js';
import { createPerformanceGuard } from './security/guard/performanceGuard.js';
import { processSampler } from './security/guard/sampler.js';
import { performanceMetricStore } from './store/performance/performanceMetrics.js';
import { memoryBanStore, redisBanStore } from './security/rateLimit/banStore.js';
import { createTrustRegistry } from './security/rateLimit/trustRegistry.js';
import { securityEventStore } from './store/security/securityEvents.js';
import { securityDashboardStore } from './store/security/dashboard.js';
import { securityRoutes } from './http/routes/security.js';
import { auditRoutes, verificationCache } from './http/routes/audit.js';
import { decisionRoutes } from './http/routes/decisions.js';
import { eventRoutes } from './http/routes/events.js';
import { checkpointTask, retentionTask } from './jobs/auditTasks.js';
import { flagRoutes } from './http/routes/flags.js';
import { thresholdRoutes } from './http/routes/thresholds.js';
import { integrationRoutes } from './http/routes/integrations.js';
import { createDecisionThresholds, type DecisionThresholds } from './pipeline/decisionThresholds.js';
import { thresholdStore } from './store/decisions/thresholds.js';
import { eventStore } from './store/events/events.js';
import { type DecisionPipeline, createDecisionPipeline } from './pipeline/decisionPipeline.js';
import { decisionStore } from './store/decisions/decisionStore.js';
import { engineSnapshotStore } from './store/decisions/snapshots.js';
import { metricRows } from './store/decisions/metricRows.js';
import { identityRoutes } from './http/routes/identity.js';
import { keyRoutes, leakReportRoutes } from './http/routes/keys.js';
import { createKeyCache } from './identity/keyCache.js';
import { type KeyManager, createKeyManager } from './identity/keyManager.js';
import { createLoginThrottle } from './identity/loginThrottle.js';
import { type OperatorService, createOperatorService } from './identity/operators.js';
import { redisRevocationBus } from './identity/redisBus.js';
import { type RevocationBus, localRevocationBus } from './identity/revocationBus.js';
import { type Scheduler, createScheduler } from './jobs/scheduler.js';
import { refreshPlannerStatistics } from './store/maintenance/plannerStatistics.js';
import { type Outbox, type Sink, createOutbox, logSink, slackSink, webhookSink } from './notifications/outbox.js';
import { parsePeppers } from './security/apiKeys/hash.js';
import { createLimiterFactory } from './security/limiters.js';
import { apiKeyStore } from './store/identity/apiKeys.js';
import { sessionStore } from './store/identity/sessions.js';
import { outboxStore } from './store/notifications/outbox.js';
import type { Config } from './config/config.js';
import { type RuntimeFlags, createRuntimeFlags } from './config/runtimeFlags.js';
import { type HttpApp, createHttpApp } from './http/app.js';
import { systemRoutes } from './http/routes/system.js';
import { type Clock, systemClock } from './kernel/clock.js';
import { type Logger, createLogger } from './logging.js';
import { SETUP_TOKEN_TTL_MS, hashSetupToken, newSetupToken } from './setup/firstRun.js';
import type { SetupTokenStore } from './setup/ports.js';
import { type Database, openDatabase } from './store/database.js';
import { flagOverrideStore } from './store/flags/flagOverrides.js';
import { migrateUp, migrationsCurrent } from './store/migrate.js';
import { setupTokenStore } from './store/setup/setupTokens.js';
// Operator console: the live feed, its SSE stream and the built web app.
import { consoleRoutes, loadConsoleBundle } from './http/routes/console.js';
import { streamRoutes } from './http/routes/stream.js';
import { catalogueRoutes } from './http/routes/catalogue.js';
import { fileURLToPath } from 'node:url';
// venue records (issue 5)
import { randomUUID } from 'node:crypto';
import type { VenueIntegrations } from './actions/ports.js';
import { bookingRoutes } from './http/routes/bookings.js';
import { type SendReply, threadRoutes } from './http/routes/threads.js';
import { bayFromText } from './intake/bayMention.js';
import { detectEmergency } from './intake/emergency.js';
import { type LiveFeed, createLiveFeed } from './live/feed.js';
import type { StoredEvent } from './store/events/events.js';
import { bookingDirectory, bookingStore } from './store/venue/bookings.js';
import { type ThreadAttachment, attachMessage, threadStore } from './store/venue/threads.js';
import type { BookingDirectory, ReplyTemplates, TicketDesk, ThreadDirectory, ThreadMessages } from './venue/ports.js';
import { locationRoutes } from './http/routes/locations.js';
import { openPhoneWebhookRoutes } from './http/routes/openPhoneWebhook.js';
import { templateRoutes } from './http/routes/templates.js';
import { ticketRoutes } from './http/routes/tickets.js';
import { Secret } from './integrations/secret.js';
import { createTicketDesk } from './pipeline/ticketDesk.js';
import { locationStore } from './store/venue/locations.js';
import { templateStore } from './store/venue/templates.js';
import { ticketStore } from './store/venue/tickets.js';
import { webhookReceipts } from './store/venue/webhookReceipts.js';
// execution (issue 5)
import { type Executor, DEFAULT_EXECUTOR_SETTINGS, createExecutor } from './execution/executor.js';
import { liveFigures } from './execution/liveFigures.js';
import type { ExecutionStore, KillSwitchStore } from './execution/ports.js';
import { executionRoutes } from './http/routes/executions.js';
import { loadVenueIntegrations } from './integrations/fromConfig.js';
import { type SimulatedVenue, createSimulatedVenue } from './integrations/simulator/simulatedVenue.js';
import { breakerStore } from './store/execution/breakers.js';
import { executionStore } from './store/execution/executions.js';
import { killSwitchStore } from './store/execution/killSwitches.js';

/** The composition root: the only module that knows every other. The CLI and the tests build through it. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: Database;
  readonly flags: RuntimeFlags;
  readonly setupTokens: SetupTokenStore;
  readonly secrets: Secrets;
  /** The only way anything writes an audit entry. */
  readonly audit: AuditLog;
  readonly keys: KeyManager;
  readonly operators: OperatorService;
  readonly outbox: Outbox;
  readonly scheduler: Scheduler;
  readonly redis: Redis | null;
  readonly app: HttpApp;
  /** The decision stage (shadow mode): intake's handler and sweeper, operator answers, patterns. */
  readonly decisions: DecisionPipeline;
  /** What changed, pushed to connected operators (thread, ticket and event updates). */
  readonly feed: LiveFeed;
  /** The venue's own records, through the ports decisions and execution read. */
  readonly venue: {
    readonly bookings: BookingDirectory;
    readonly threads: ThreadDirectory & ThreadMessages;
    readonly templates: ReplyTemplates;
    readonly tickets: TicketDesk & { checkSla(): Promise<number> };
    /** Resolves when the audits intake started after its responses are written. */
    settled(): Promise<void>;
  };
  /** Execution (issue 5): durable executions, the runner, kill switches, the integrations (simulator by default). */
  readonly executor: Executor;
  readonly executions: ExecutionStore;
  readonly killSwitches: KillSwitchStore;
  /** PATTERN_CONFIDENCE_* at run time: the configured values or an admin's override, applied to the engine. */
  readonly thresholds: DecisionThresholds;
  readonly integrations: VenueIntegrations;
  /** The deterministic venue simulator (the fallback integration; its outbox shows what was "sent"). */
  readonly simulator: SimulatedVenue;
  /** On an instance without an administrator: a fresh one-time setup token (printed by `serve`), else null. */
  issueSetupTokenIfNeeded(): Promise<string | null>;
  listen(): Promise<string>;
  /** Stops accepting, finishes in-flight requests, then closes the database. Idempotent. */
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  readonly database?: Database;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Apply pending migrations while building (serve does; tests that manage the schema pass false). */
  readonly migrate?: boolean;
  /** Start the periodic tasks (serve does; tests drive them through runtime.scheduler.runAll or the task functions). */
  readonly scheduler?: boolean;
  /** Where the built console is (default: dist/console of this package). */
  readonly consoleDir?: string;
  /** Vendor integrations (reply senders, devices); tests pass clients pointed at fake vendor servers. */
  readonly integrations?: VenueIntegrations;
}

export const VERSION: string = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
})();

/** Building the runtime failed: which step, and the error underneath (`clubos serve` prints it as one line). */
export class StartupError extends Error {
  constructor(
    readonly step: StartupStep,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StartupError';
  }
}

export type StartupStep = 'opening the database' | 'applying migrations' | 'reading secrets' | 'loading state' | 'building the HTTP app';

/**
 * Builds every component. A failure part-way (database unreachable, a migration, a bad secrets file, a route
 * declaration) releases what was already opened and rejects with a StartupError: an open PGlite (its WASM timer),
 * pg pool or Redis connection would otherwise keep the process alive after the error was reported.
 */
export async function buildRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const progress: { step: StartupStep; readonly opened: Array<() => unknown> } = { step: 'opening the database', opened: [] };
  try {
    return await assembleRuntime(config, overrides, progress);
  } catch (err) {
    for (const release of progress.opened.reverse()) await Promise.resolve().then(release).catch(() => {});
    throw new StartupError(progress.step, err);
  }
}

async function assembleRuntime(
  config: Config,
  overrides: RuntimeOverrides,
  progress: { step: StartupStep; readonly opened: Array<() => unknown> },
): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const database =
    overrides.database ??
    (await openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dir: config.dataDir }));
  const ownsDatabase = overrides.database === undefined;
  if (ownsDatabase) progress.opened.push(() => database.close());
  if (overrides.migrate !== false) {
    progress.step = 'applying migrations';
    const applied = await migrateUp(database);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }

  progress.step = 'reading secrets';
  const secrets = resolveSecrets(config);
  const peppers = parsePeppers(secrets.apiKeyPeppers);
  if (secrets.createdFile) {
    logger.warn({ generated: secrets.generated, dir: config.dataDir }, 'secrets generated locally: configure them to share across instances');
  }
  const auditStore = createAuditStore(database);
  const audit = createAuditLog({
    store: auditStore,
    clock,
    signer: createEd25519Signer(secrets.auditSigningKey),
    minimizer: createMinimizer({ key: Buffer.from(secrets.auditHmacKey, 'base64'), keyId: 'hmac1' }),
    retentionDays: config.complianceRetentionDays,
    // Entries written while serving a request (or work it started) carry that request's X-Request-Id.
    correlationId: currentCorrelationId,
  });

  progress.step = 'loading state';
  const flags = await createRuntimeFlags(config.flags, flagOverrideStore(database.db));
  const setupTokens = setupTokenStore(database.db);

  // Once setup is done it stays done: cache the positive answer so the gate costs nothing afterwards.
  let setupDone = false;
  const setup = {
    async isComplete() {
      if (!setupDone) setupDone = await setupTokens.isSetupComplete();
      return setupDone;
    },
  };

  let readyCache: { at: number; value: { database: boolean; migrations: boolean } } | null = null;
  const readiness = {
    async check() {
      const now = Date.now();
      if (readyCache && now - readyCache.at < 1000) return readyCache.value;
      const db = await database.ping();
      const migrations = db ? await migrationsCurrent(database).catch(() => false) : false;
      readyCache = { at: now, value: { database: db, migrations } };
      return readyCache.value;
    },
  };

  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : null;
  // The subscriber queues its SUBSCRIBE until connected (and ioredis re-subscribes after a reconnect).
  const redisSub = redis ? redis.duplicate({ enableOfflineQueue: true }) : null;
  progress.opened.push(() => {
    redisSub?.disconnect();
    redis?.disconnect();
  });
  for (const r of [redis, redisSub]) r?.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis unavailable'));
  const bus: RevocationBus = redis && redisSub ? redisRevocationBus(redis, redisSub) : localRevocationBus();
  const makeLimiter = createLimiterFactory(redis);

  const sinks: Sink[] = [logSink(logger)];
  if (config.notify.webhookUrl) sinks.push(webhookSink(config.notify.webhookUrl, config.notify.webhookSecret, clock));
  if (config.notify.slackWebhookUrl) sinks.push(slackSink(config.notify.slackWebhookUrl));
  const outbox = createOutbox({ store: outboxStore(database.db), sinks, clock });

  const keyStore = apiKeyStore(database.db);
  const keys = createKeyManager({
    keys: keyStore,
    audit,
    outbox,
    clock,
    logger,
    peppers,
    policy: { rotationDays: config.apiKeyRotationDays, graceDays: config.keys.graceDays, maxLifetimeDays: config.keys.maxLifetimeDays },
    env: config.keys.env,
    // Revocation must reach every instance within 1 s: cache longer only while Redis broadcasts invalidations.
    cache: createKeyCache(() => (bus.shared ? 10_000 : 1_000)),
    bus,
  });
  const operators = createOperatorService({ db: database.db, sessions: sessionStore(database.db), audit, clock, throttle: createLoginThrottle(makeLimiter) });

  const securityEvents = securityEventStore(database.db);
  const rateLimit = rateLimitHooks({
    makeLimiter,
    bans: redis ? redisBanStore(redis, (err) => logger.warn({ err }, 'ban store: redis unavailable, using local bans')) : memoryBanStore(),
    trust: createTrustRegistry(),
    events: securityEvents,
    clock,
    logger,
    window: { points: config.rateLimit.max, windowMs: config.rateLimit.windowMs },
  });

  const guard = createPerformanceGuard({
    limits: { cpuPercent: config.performance.cpuLimitPercent, memoryMb: config.performance.memoryLimitMb, ...DEFAULT_LOOP_LIMITS },
    clock,
    logger,
    metrics: performanceMetricStore(database.db),
    events: securityEvents,
    sampler: processSampler(),
    instance: `${hostname()}:${process.pid}`,
    enabled: () => flags.get('performanceGuard'),
  });

  // Venue records: a customer message is attached to its thread in the transaction that stores the event.
  const feed = createLiveFeed((err) => logger.warn({ err }, 'live feed listener failed'));
  const threads = threadStore(database.db);
  const bookings = bookingStore(database.db);
  const events = eventStore<ThreadAttachment>(database.db, (tx, e) =>
    e.kind === 'message' ? attachMessage(tx, e, { emergency: detectEmergency(e.text).emergency, bay: bayFromText(e.text) }, randomUUID) : Promise.resolve(null),
  );
  // Execution (issue 5): configured vendors, the simulator for everything else (everything, unconfigured).
  const simulator = createSimulatedVenue({ locations: config.execution.simulatorLocations, seed: 20_251, start: clock.now() });
  const integrations = overrides.integrations ?? loadVenueIntegrations(config.execution.integrations, simulator);
  const sendReply: SendReply = (r) => {
    const sender = integrations?.replies(r.location, r.channel);
    return sender ? sender.send(r, { clock, signal: AbortSignal.timeout(Math.max(1, r.deadline.getTime() - clock.now().getTime())) }) : null;
  };
  // Work started after a response (audits of intake's side effects): shutdown and tests wait for it.
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const accepted = (e: StoredEvent, thread: ThreadAttachment | null) => {
    decisions.handle.accepted(e);
    feed.publish({ topic: 'event.received', location: e.location, data: { eventId: e.id, kind: e.kind } });
    if (thread === null) return;
    feed.publish({ topic: 'thread.updated', location: thread.location, data: { threadId: thread.threadId, state: thread.state, automationPaused: thread.automationPaused } });
    if (thread.escalated) {
      const body = { eventId: e.id, reason: 'emergency', automationPaused: true };
      const entry = audit.record({ action: 'thread.escalated', actor: { type: 'system', id: 'emergency_fast_path' }, resource: { type: 'thread', id: thread.threadId }, location: thread.location, body });
      track(entry.catch((err: unknown) => logger.error({ err, threadId: thread.threadId }, 'auditing an emergency escalation failed')));
    }
  };
  // The port execution uses: every change reaches the console, and an escalation or resolution is audited.
  const publishThread = async (id: string) => {
    const t = await threads.byId(id);
    if (t) feed.publish({ topic: 'thread.updated', location: t.location, data: { threadId: t.id, state: t.state, automationPaused: t.automationPaused } });
    return t;
  };
  const threadPort: ThreadDirectory & ThreadMessages = {
    ofEvent: (eventId) => threads.ofEvent(eventId),
    async recordOutgoing(threadId, message) {
      await threads.recordOutgoing(threadId, message);
      await publishThread(threadId);
    },
    async transition(threadId, to, at) {
      const out = await threads.move(threadId, to, at);
      if (out.kind !== 'moved') return false;
      await publishThread(threadId);
      if (to === 'escalated' || to === 'resolved') {
        const action = to === 'escalated' ? 'thread.escalated' : 'thread.resolved';
        await audit.record({ action, actor: { type: 'system', id: 'execution' }, resource: { type: 'thread', id: threadId }, location: out.thread.location, body: { from: out.from, to, automationPaused: out.thread.automationPaused } });
      }
      return true;
    },
  };
  const locations = locationStore(database.db);
  const templates = templateStore(database.db, { bookingUrl: config.venue.bookingUrl });
  const tickets = ticketStore(database.db, randomUUID);
  const ticketDesk = createTicketDesk({ tickets, audit, feed, outbox, clock });
  const openPhoneReceipts = webhookReceipts(database.db, 'openphone');
  const venueTimeouts = async () => {
    const timedOut = await threads.timeOutInactive(clock.now());
    for (const t of timedOut) feed.publish({ topic: 'thread.updated', location: t.location, data: { threadId: t.id, state: t.state, automationPaused: t.automationPaused } });
    return timedOut.length;
  };
  // Execution (issue 5): bound after the pipeline, which it feeds back into.
  let executor: Executor | null = null;
  const instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const engineStarted = performance.now();
  const decisions = await createDecisionPipeline({
    store: decisionStore(database.db),
    thresholds: config.pattern,
    suggestErrorBudget: config.suggestErrorBudget,
    accessFamiliarity: config.accessFamiliarity,
    audit,
    clock,
    autoExecution: () => flags.get('autoExecution'),
    eventLocation: (id) => events.byId(id),
    alarm: (r) =>
      outbox.notify({ topic: 'decision.emergency', severity: 'critical', subject: 'Emergency reported: a human must act now', body: { eventId: r.eventId, location: r.location, params: r.params } }),
    onError: (err, eventId) => logger.error({ err, eventId }, 'deciding an event failed'),
    onProposed: (r) =>
      feed.publish({ topic: 'decision.proposed', location: r.location, data: { eventId: r.eventId, tier: r.tier, emergency: r.emergency, decision: r.decision } }),
    execution: () => executor,
    snapshots: { store: engineSnapshotStore(database.db), everySteps: config.engineSnapshotSteps, instance, warn: (details, message) => logger.warn(details, message) },
  });
  // (`from` is a redacted log key: it carries phone numbers elsewhere.)
  const { from: source, ...start } = decisions.started;
  logger.info({ source, ...start, ms: Math.round(performance.now() - engineStarted) }, 'decision engine ready');
  const writeSnapshot = async (): Promise<unknown> => {
    if (config.engineSnapshotSteps === 0) return 0;
    const out = await decisions.snapshots.write();
    if (out.kind === 'written') logger.info(out, 'engine snapshot written');
    return out.kind === 'not_due' ? 0 : out;
  };

  const thresholds = await createDecisionThresholds({ store: thresholdStore(database.db), engine: decisions.engine, configured: config.pattern, audit, clock });

  // The console hears of operator answers and pattern holds as the API records them.
  const livePipeline: DecisionPipeline = {
    ...decisions,
    decide: async (input) => {
      const out = await decisions.decide(input);
      if (out.kind === 'recorded') {
        const location = (await events.byId(out.record.eventId))?.location ?? null;
        feed.publish({ topic: 'decision.answered', location, data: { eventId: out.record.eventId, kind: out.record.kind, outcome: out.record.outcome } });
      }
      return out;
    },
    hold: async (key, kind, actor, reason) => {
      const out = await decisions.hold(key, kind, actor, reason);
      if (out.kind !== 'not_found') feed.publish({ topic: 'pattern.updated', location: null, data: { key, hold: kind } });
      return out;
    },
  };

  // Execution (issue 5)
  const executions = executionStore(database.db);
  const killSwitches = killSwitchStore(database.db);
  const autoExecution = () => flags.get('autoExecution');
  const breakers = breakerStore(database.db);
  executor = createExecutor({
    store: executions,
    breakers,
    killSwitches,
    integrations,
    venue: { bookings: bookingDirectory(database.db), threads: threadPort, messages: threadPort, templates, tickets: ticketDesk },
    events: { byId: (id) => events.byId(id) },
    learn: (step) => decisions.executed(step),
    audit,
    feed,
    clock,
    logger,
    autoExecution,
    notifyTeam: async (n) => {
      await outbox.notify({ topic: 'decision.handoff', severity: 'warning', subject: n.subject, body: n.body });
    },
    settings: {
      ...DEFAULT_EXECUTOR_SETTINGS,
      suggestionTimeoutMs: config.execution.suggestionTimeoutMs,
      deadlineMs: config.execution.deadlineMs,
      leaseMs: 2 * config.execution.deadlineMs,
      bookingLink: config.execution.bookingLink,
      instance,
    },
  });
  const runner = executor;

  const verification = verificationCache(audit);
  const scheduler = createScheduler(
    [
      { name: 'keys.flush-usage', everyMs: 5_000, run: () => keys.flushUsage() },
      { name: 'keys.rotate-due', everyMs: 60_000, run: () => (flags.get('apiKeyRotation') ? keys.rotateDue() : Promise.resolve(0)) },
      { name: 'keys.end-grace', everyMs: 30_000, run: () => keys.endGrace() },
      { name: 'keys.expire', everyMs: 60_000, run: () => keys.expire() },
      { name: 'keys.expiry-reminders', everyMs: 3_600_000, run: () => keys.remind() },
      { name: 'keys.usage-retention', everyMs: 24 * 3_600_000, run: () => keys.pruneUsage(config.complianceRetentionDays) },
      { name: 'notifications.deliver', everyMs: 5_000, run: () => outbox.deliverDue() },
      { name: 'audit.checkpoint', everyMs: 10 * 60_000, run: () => (flags.get('complianceLogging') ? checkpointTask(audit, auditStore) : Promise.resolve(0)) },
      { name: 'audit.verify', everyMs: 10 * 60_000, run: () => verification.refresh() },
      { name: 'ratelimit.absorb-security-events', everyMs: 5_000, run: () => rateLimit.absorbSecurityEvents() },
      { name: 'performance.record-metrics', everyMs: 10_000, run: () => (flags.get('performanceGuard') ? guard.record() : Promise.resolve(false)) },
      { name: 'audit.retention', everyMs: 24 * 3_600_000, run: () => retentionTask(audit) },
      { name: 'decisions.sweep', everyMs: 5_000, run: () => decisions.handle.sweep() },
      // Several instances: learn what the others decided (and their operators' locks) within seconds.
      { name: 'decisions.catch-up', everyMs: 2_000, run: () => decisions.catchUp.run() },
      // An admin's threshold change through another instance applies here within seconds.
      { name: 'decisions.thresholds', everyMs: 5_000, run: () => thresholds.refresh() },
      // Every ENGINE_SNAPSHOT_STEPS new steps, one instance saves its engine so restarts replay only what follows.
      { name: 'decisions.snapshot', everyMs: 10_000, run: writeSnapshot },
      { name: 'threads.timeout', everyMs: 60_000, run: venueTimeouts },
      { name: 'executions.run-due', everyMs: 1_000, run: () => runner.runDue() },
      { name: 'tickets.sla', everyMs: 30_000, run: () => ticketDesk.checkSla() },
      // Past the signature tolerance (5 min) a replay is stale anyway: a day of receipts is plenty.
      // The embedded database has no autovacuum: keep its planner's statistics current (PostgreSQL: a no-op).
      { name: 'database.analyze', everyMs: 3_600_000, run: () => refreshPlannerStatistics(database) },
      { name: 'webhooks.prune-receipts', everyMs: 3_600_000, run: () => openPhoneReceipts.prune(new Date(clock.now().getTime() - 24 * 3_600_000)) },
    ],
    logger,
  );

  progress.step = 'building the HTTP app';
  const app = await createHttpApp({
    logger,
    devErrors: config.devErrors,
    setup,
    trustProxy: config.trustedProxies,
    hooks: [formBodies(), sheddingHooks({ guard, enabled: () => flags.get('performanceGuard') }), rateLimit.preAuth, authHooks({ keys, operators }), rateLimit.postAuth, inspectionHooks({ flags, events: securityEvents, clock, logger })],
    routes: [
      systemRoutes({ readiness, version: VERSION }),
      identityRoutes({ operators, setupRequired: async () => !(await setup.isComplete()) }),
      keyRoutes({ keys, store: keyStore, clock }),
      leakReportRoutes({ keys, clock, leakSecret: secrets.leakReportSecret }),
      flagRoutes({ flags, audit, clock }),
      thresholdRoutes({ thresholds }),
      eventRoutes({ events, clock, onAccepted: accepted }),
      decisionRoutes({
        pipeline: livePipeline,
        executions: {
          forEvents: (ids) => executions.forEvents(ids),
          live: async (locations) => {
            const summary = await executions.summary(locations);
            return { on: autoExecution(), figures: liveFigures(summary.rows, summary.proposals) };
          },
        },
        series: { reader: metricRows(database.db), autoExecution, clock },
      }),
      auditRoutes({ audit, verification, clock }),
      securityRoutes({ reader: securityDashboardStore(database.db), verification, clock }),
      // venue records
      bookingRoutes({ bookings, audit, clock }),
      threadRoutes({ threads, events, audit, feed, clock, sendReply }),
      // execution
      executionRoutes({ store: executions, killSwitches, audit, clock }),
      locationRoutes({ locations, audit, clock }),
      integrationRoutes({ integrations, breakers, locations, simulated: config.execution.simulatorLocations }),
      templateRoutes({ templates, locationExists: async (name) => (await locations.byName(name))?.name ?? null, audit, clock }),
      ticketRoutes({ tickets, desk: ticketDesk, clock }),
      // operator console
      catalogueRoutes(),
      streamRoutes({ feed, sessionState: (token) => operators.sessionState(token), heartbeatMs: config.liveHeartbeatMs }),
      consoleRoutes({ bundle: loadConsoleBundle(overrides.consoleDir ?? fileURLToPath(new URL('../dist/console/', import.meta.url))) }),
      ...(config.secrets.openPhoneWebhookSecret === null
        ? []
        : [
            openPhoneWebhookRoutes({
              events,
              onAccepted: accepted,
              signingKey: new Secret(config.secrets.openPhoneWebhookSecret),
              seen: openPhoneReceipts,
              forget: (id) => openPhoneReceipts.forget(id),
              clock,
              locationOfLine: async (to) => (await locations.byOpenPhoneNumber(to))?.name ?? null,
              activeBooking: (customer, location, at) => bookingDirectory(database.db).activeFor(customer, location, at),
              onUnknownLine: () => logger.warn('openphone: a message arrived on a line no location carries; stored without a location'),
            }),
          ]),
    ],
  });
  if (overrides.scheduler === true) scheduler.start();

  let closing: Promise<void> | null = null;
  return {
    config,
    logger,
    clock,
    database,
    flags,
    setupTokens,
    secrets,
    audit,
    keys,
    operators,
    outbox,
    scheduler,
    redis,
    app,
    decisions,
    feed,
    venue: { bookings: bookingDirectory(database.db), threads: threadPort, templates, tickets: ticketDesk, settled: () => Promise.all([...inFlight]).then(() => undefined) },
    executor: runner,
    executions,
    killSwitches,
    thresholds,
    integrations,
    simulator,
    async issueSetupTokenIfNeeded() {
      if (await setup.isComplete()) return null;
      const token = newSetupToken();
      const now = clock.now();
      await setupTokens.save(hashSetupToken(token), now, new Date(now.getTime() + SETUP_TOKEN_TTL_MS));
      return token;
    },
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    close() {
      closing ??= (async () => {
        await app.close();
        await scheduler.stop();
        await decisions.handle.settled();
        await runner.settled();
        await Promise.all([...inFlight]);
        await keys.idle();
        await keys.flushUsage().catch((err: unknown) => logger.warn({ err }, 'usage flush at shutdown failed'));
        await bus.close();
        redisSub?.disconnect();
        redis?.disconnect();
        if (ownsDatabase) await database.close();
      })();
      return closing;
    },
  };
}
