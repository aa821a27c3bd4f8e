import { userInfo } from 'node:os';
import type { Actor } from '../audit/entry.js';
import { parseConfig } from '../config/config.js';
import { createLogger } from '../logging.js';
import { type Runtime, buildRuntime } from '../main.js';

/** Builds the runtime for one CLI command; logs go to stderr so stdout carries only the command's output. */
export async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = parseConfig(process.env);
  const runtime = await buildRuntime(config, { logger: createLogger(config.logLevel, process.stderr) });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** Who ran the command: the audit names the shell user, the only identity a CLI has. */
export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {}
  return { type: 'system', id: `cli:${name}` };
}
