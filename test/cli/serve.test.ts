import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Served {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function serve(dataDir: string, port: number): Served {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitForHealth(port: number, served: Served): Promise<Response> {
  // Generous: a fresh embedded database takes seconds, more on a busy 2-core machine. Not a timing assertion.
  for (let i = 0; i < 480; i++) {
    try {
      return await fetch(`http://127.0.0.1:${port}/health`);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`server did not come up: ${served.stderr().slice(0, 2000)}`);
}

describe('clubos serve on the embedded database', { timeout: 240_000 }, () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('starts with no other service, prints a setup token once, stops cleanly on SIGTERM and reopens its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clubos-serve-'));
    dirs.push(dir);
    const port = 39_000 + Math.floor(Math.random() * 1000);

    const first = serve(dir, port);
    expect((await waitForHealth(port, first)).status).toBe(200);
    const openapi = await fetch(`http://127.0.0.1:${port}/openapi.json`);
    expect(openapi.status).toBe(200);
    for (let i = 0; i < 40 && !first.stdout().includes('setup_'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(first.stdout()).toMatch(/one-time setup token[^\n]*\n\s+setup_[A-Za-z0-9_-]{32}\n/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = serve(dir, port);
    const ready = await (async () => {
      await waitForHealth(port, second);
      return fetch(`http://127.0.0.1:${port}/ready`);
    })();
    expect(ready.status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
