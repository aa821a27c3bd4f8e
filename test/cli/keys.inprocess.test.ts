import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/io.js';
import { keys } from '../../src/cli/keys.js';
import { TEST_SECRETS } from '../support/runtime.js';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive: false, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
interface KeyView {
  id: string;
  scopes: string[];
  cidrs: string[];
  locations: string[] | null;
  expiresAt: string;
  state: string;
}
const lastJson = (io: { stdout: string[] }) => JSON.parse(io.stdout.at(-1)!) as { key: string; record: KeyView; expiryCapped?: boolean };

// Each command opens the file-backed database the way a shell user would: slow on a busy machine, not a timing assertion.
describe('clubos keys in-process: location grants, expiry and what cannot be done', { timeout: 300_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clubos-keys-inproc-'));
    for (const [k, v] of Object.entries({ LOG_LEVEL: 'silent', DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dir, ...TEST_SECRETS })) vi.stubEnv(k, v);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a key limited to locations with a chosen expiry and no network limit', async () => {
    const io = capture();
    const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000).toISOString();
    expect(await keys(['create', '--name', 'bedford kiosk', '--scopes', 'events:write', '--locations', 'Bedford, Truro', '--expires', expires, '--json'], io)).toBe(0);
    expect(lastJson(io).record).toMatchObject({ scopes: ['events:write'], cidrs: [], locations: ['Bedford', 'Truro'], expiresAt: expires, state: 'active' });
  });

  it('says so when an expiry beyond the maximum key lifetime (365 days) is capped', async () => {
    const io = capture();
    const asked = new Date(Date.now() + 3 * 365 * 86_400_000).toISOString();
    expect(await keys(['create', '--name', 'forever', '--scopes', 'events:write', '--expires', asked], io)).toBe(0);
    expect(io.stdout[0]).toContain(`(capped at the maximum key lifetime; ${asked} was asked)`);
    const json = capture();
    expect(await keys(['create', '--name', 'forever too', '--scopes', 'events:write', '--expires', asked, '--json'], json)).toBe(0);
    expect(lastJson(json).expiryCapped).toBe(true);
    expect(Date.parse(lastJson(json).record.expiresAt)).toBeLessThanOrEqual(Date.now() + 366 * 86_400_000);
  });

  it('a revoked key cannot be rotated, and an unknown key is named (exit 1 both)', async () => {
    const created = capture();
    expect(await keys(['create', '--name', 'old relay', '--scopes', 'events:read', '--json'], created)).toBe(0);
    const { id } = lastJson(created).record;
    expect(await keys(['revoke', id], capture())).toBe(0);
    const rotated = capture();
    expect(await keys(['rotate', id], rotated)).toBe(1);
    expect(rotated.stderr).toEqual([`clubos keys: key ${id} cannot be rotated in state revoked`]);
    expect(rotated.stdout).toEqual([]);
    const unknown = capture();
    expect(await keys(['rotate', '00000000-0000-4000-8000-000000000000'], unknown)).toBe(1);
    expect(unknown.stderr).toEqual(['clubos keys: no key 00000000-0000-4000-8000-000000000000']);
  });

  it('refuses an expiry that is not a time, a missing scope list and a rotate or revoke without an id, before opening anything', async () => {
    await expect(keys(['create', '--name', 'x', '--scopes', 'events:write', '--expires', 'next tuesday'], capture())).rejects.toThrow('--expires must be an ISO-8601 time (got "next tuesday")');
    await expect(keys(['create', '--name', 'x'], capture())).rejects.toThrow(UsageError);
    await expect(keys(['rotate'], capture())).rejects.toThrow(UsageError);
    await expect(keys(['revoke', '--json'], capture())).rejects.toThrow(UsageError);
  });
});
