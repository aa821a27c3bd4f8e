#!/usr/bin/env node
import { ConfigError } from '../config/config.js';
import type { CliCommand } from './io.js';
import { UsageError, processIO } from './io.js';

/** Commands load lazily so `clubos inspect` does not pay for the server's imports. */
const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  serve: async () => (await import('./serve.js')).serve,
  migrate: async () => (await import('./migrate.js')).migrate,
  audit: async () => (await import('./audit.js')).audit,
  keys: async () => (await import('./keys.js')).keys,
  replay: async () => (await import('./replay.js')).replay,
  inspect: async () => (await import('./inspect.js')).inspect,
  scan: async () => (await import('./scan.js')).scan,
  simulate: async () => (await import('./simulate.js')).simulate,
};

const USAGE = `usage: clubos <command> [options]
commands: ${Object.keys(COMMANDS).join(', ')}`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load || !Object.hasOwn(COMMANDS, name as string)) {
    processIO.err(USAGE);
    return 2;
  }
  try {
    return await (await load())(args, processIO);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      processIO.err(`clubos ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

// A command that has returned has nothing left to do: if a library still holds the event loop open (a connection
// that did not close within serve's release deadline, a keep-alive socket), exit anyway instead of hanging.
const EXIT_GRACE_MS = 2_000;
const exitSoon = () => setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    exitSoon();
  },
  (err: unknown) => {
    process.stderr.write(`clubos: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    exitSoon();
  },
);
