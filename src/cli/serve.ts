import { parseConfig } from '../config/config.js';
import { buildRuntime } from '../main.js';
import type { CliCommand } from './io.js';

/** `clubos serve`: migrate, listen, print the first-run setup token when no administrator exists. */
export const serve: CliCommand = async (_args, io) => {
  const config = parseConfig(process.env);
  const runtime = await buildRuntime(config, { scheduler: true });
  const { logger } = runtime;

  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception: shutting down');
    void runtime.close().finally(() => process.exit(1));
  });

  const address = await runtime.listen();
  io.out(`ClubOS listening on ${address} (${runtime.database.engine === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`);
  const token = await runtime.issueSetupTokenIfNeeded();
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
