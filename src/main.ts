import { readFileSync } from 'node:fs';
import { type AuditLog, createAuditLog } from './audit/auditLog.js';
import { createEd25519Signer } from './audit/checkpoint.js';
import { createMinimizer } from './audit/minimize.js';
import { type Secrets, resolveSecrets } from './config/secrets.js';
import { createAuditStore } from './store/audit/auditStore.js';
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
  readonly app: HttpApp;
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
}

export const VERSION: string = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
})();

export async function buildRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const database =
    overrides.database ??
    (await openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dir: config.dataDir }));
  const ownsDatabase = overrides.database === undefined;
  if (overrides.migrate !== false) {
    const applied = await migrateUp(database);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }

  const secrets = resolveSecrets(config);
  if (secrets.generated.length > 0) {
    logger.warn({ generated: secrets.generated, dir: config.dataDir }, 'secrets generated locally: configure them to share across instances');
  }
  const audit = createAuditLog({
    store: createAuditStore(database),
    clock,
    signer: createEd25519Signer(secrets.auditSigningKey),
    minimizer: createMinimizer({ key: Buffer.from(secrets.auditHmacKey, 'base64'), keyId: 'hmac1' }),
    retentionDays: config.complianceRetentionDays,
  });

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

  const app = await createHttpApp({
    logger,
    devErrors: config.devErrors,
    setup,
    routes: [systemRoutes({ readiness, version: VERSION })],
  });

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
    app,
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
        if (ownsDatabase) await database.close();
      })();
      return closing;
    },
  };
}
