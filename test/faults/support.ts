import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRETS } from '../support/runtime.js';

/**
 * Processes for fault tests: a real `dist/cli/main.js serve` child that can be killed, and a private PostgreSQL
 * cluster (never the machine's shared one) that can be stopped and started again.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly base: string;
  readonly proc: ChildProcess;
  readonly output: () => string;
  /** The first-run setup token, when the server printed one. */
  readonly setupToken: string | null;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const SERVE = new URL('../../dist/cli/main.js', import.meta.url).pathname;

export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [SERVE, 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...TEST_SECRETS, LOG_LEVEL: 'warn', PORT: String(port), SECURITY_RATE_LIMIT_MAX: '1000000', FEATURE_PERFORMANCE_GUARD: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (!/listening on/.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 200));
  return {
    base: `http://127.0.0.1:${port}`,
    proc,
    output: () => out,
    setupToken: /setup_[A-Za-z0-9_-]+/.exec(out)?.[0] ?? null,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

export interface Credentials {
  readonly key: string;
  readonly admin: { cookie: string; csrf: string };
}

/** First-run setup and one API key, through HTTP as an installer would. */
export async function setUp(base: string, token: string, scopes: string[]): Promise<Credentials> {
  const setup = await fetch(`${base}/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, username: 'ada', password: 'correct horse battery staple' }) });
  if (setup.status !== 201) throw new Error(`setup answered ${setup.status}: ${await setup.text()}`);
  const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = ((await setup.json()) as { csrfToken: string }).csrfToken;
  const res = await fetch(`${base}/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify({ name: 'fault test', scopes }) });
  if (res.status !== 201) throw new Error(`key creation answered ${res.status}`);
  return { key: ((await res.json()) as { key: string }).key, admin: { cookie, csrf } };
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** PostgreSQL binaries of this machine (Debian layout), or null when the machine has none. */
export function postgresBin(): string | null {
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort();
    return versions.length > 0 ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : null;
  } catch {
    return null;
  }
}

export interface PrivatePostgres {
  readonly url: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

/** A throwaway cluster in a temp dir on a free port, run as the postgres user (initdb refuses root). */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  if (bin === null) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'clubos-pg-'));
  const data = join(dir, 'data');
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () => {
    asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop: () => {
      asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']);
    },
    destroy: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
