import { type Config, parseConfig } from '../config/config.js';
import { type Runtime, StartupError, buildRuntime } from '../main.js';
import type { CliCommand } from './io.js';

/** How long a failed start may spend releasing what it opened before `serve` reports and exits anyway. */
const RELEASE_DEADLINE_MS = 5_000;

/**
 * `clubos serve`: migrate, listen, print the first-run setup token when no administrator exists.
 * Every startup failure (database unreachable, a migration, secrets, the port) is one line on stderr and exit 1,
 * after releasing what was opened.
 */
export const serve: CliCommand = async (_args, io) => {
  const config = parseConfig(process.env);
  let runtime: Runtime;
  try {
    runtime = await buildRuntime(config, { scheduler: true });
  } catch (err) {
    // buildRuntime has released what it opened.
    io.err(`clubos serve: ${startupFailureLine(err, config)}`);
    return 1;
  }
  const { logger } = runtime;
  const failStartup = async (err: unknown) => {
    io.err(`clubos serve: ${startupFailureLine(err, config)}`);
    await closeWithin(runtime, RELEASE_DEADLINE_MS).catch(() => {});
    return 1;
  };

  let address: string;
  try {
    address = await runtime.listen();
  } catch (err) {
    return failStartup(err);
  }

  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception: shutting down');
    void closeWithin(runtime, RELEASE_DEADLINE_MS).finally(() => process.exit(1));
  });

  io.out(`ClubOS listening on ${address} (${runtime.database.engine === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`);
  let token: string | null;
  try {
    token = await runtime.issueSetupTokenIfNeeded();
  } catch (err) {
    return failStartup(err);
  }
  if (token) {
    io.out('First run: no administrator exists yet. Create one with this one-time setup token (valid 24 h):');
    io.out(`  ${token}`);
    io.out(`  open ${address}/setup or POST ${address}/v1/setup {"token": "...", "username": "...", "password": "..."}`);
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      runtime.close().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
};

function closeWithin(runtime: Runtime, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([runtime.close(), deadline]).finally(() => clearTimeout(timer));
}

const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use (set PORT to a free one)',
  EACCES: 'permission denied (ports below 1024 need privileges; set PORT)',
  EADDRNOTAVAIL: 'the address is not one of this machine’s (set HOST)',
};

// Errors of the pg driver and the socket underneath it that mean "no usable database at that URL".
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', '3D000', '28P01', '28000', '57P03']);

/**
 * The one stderr line for a failed start: what failed, in the operator's terms (the port, the database URL without
 * its password, the secrets file), and the underlying message.
 */
export function startupFailureLine(err: unknown, config: Pick<Config, 'host' | 'port' | 'databaseUrl' | 'dataDir'>): string {
  const code = errorCode(err);
  const listenReason = code === undefined ? undefined : LISTEN_FAILURES[code];
  if (!(err instanceof StartupError) && listenReason !== undefined) {
    return `cannot listen on ${config.host}:${config.port}: ${listenReason}`;
  }
  if (!(err instanceof StartupError)) return `startup failed: ${messageOf(err)}`;
  const cause = messageOf(err.cause);
  const where = config.databaseUrl ? `PostgreSQL at ${redactUrl(config.databaseUrl)}` : `the embedded database in ${config.dataDir}`;
  if ((err.step === 'opening the database' || err.step === 'applying migrations') && UNREACHABLE_CODES.has(errorCode(err.cause) ?? '')) {
    return `database unreachable: ${where}: ${cause}`;
  }
  if (err.step === 'reading secrets') {
    return `bad secrets (configured in the environment, else generated into ${config.dataDir}/secrets.json): ${cause}`;
  }
  return `startup failed while ${err.step} (${where}): ${cause}`;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node reports a refused connection to a name with several addresses as an AggregateError.
  return err instanceof AggregateError ? errorCode(err.errors[0]) : undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.message === '' && err.errors.length > 0) return messageOf(err.errors[0]);
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim() || (errorCode(err) ?? 'unknown error');
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
