import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/io.js';
import { keys } from '../../src/cli/keys.js';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import { buildRuntime } from '../../src/main.js';
import { TEST_SECRETS } from '../support/runtime.js';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive: false, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
interface KeyJson {
  key: string;
  record: { id: string; name: string; scopes: string[]; cidrs: string[]; state: string };
  keys: Array<{ id: string }>;
}
const lastJson = (io: { stdout: string[] }) => JSON.parse(io.stdout[io.stdout.length - 1]!) as KeyJson;

// Each command opens the file-backed database the way a shell user would: slow on a busy machine, not a timing assertion.
describe('clubos keys on the embedded database', { timeout: 300_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clubos-keys-cli-'));
    for (const [k, v] of Object.entries({ LOG_LEVEL: 'silent', DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dir, ...TEST_SECRETS })) vi.stubEnv(k, v);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists, rotates and revokes keys, printing each secret once and auditing every step', async () => {
    const io = capture();
    expect(await keys(['create', '--name', 'sms relay', '--scopes', 'events:write,events:read', '--cidrs', '10.0.0.0/8', '--json'], io)).toBe(0);
    const created = lastJson(io);
    expect(created.key).toMatch(/^clubos_live_/);
    expect(created.record).toMatchObject({ name: 'sms relay', scopes: ['events:write', 'events:read'], cidrs: ['10.0.0.0/8'], state: 'active' });

    const listed = capture();
    expect(await keys(['list', '--json'], listed)).toBe(0);
    expect(lastJson(listed).keys.map((k) => k.id)).toContain(created.record.id);
    expect(listed.stdout.join('\n')).not.toContain(created.key);

    const rotated = capture();
    expect(await keys(['rotate', created.record.id], rotated)).toBe(0);
    expect(rotated.stdout.join('\n')).toMatch(/the new secret, shown once:\n\s+clubos_live_/);

    const revoked = capture();
    expect(await keys(['revoke', created.record.id, '--json'], revoked)).toBe(0);
    expect(lastJson(revoked).record.state).toBe('revoked');

    const missing = capture();
    expect(await keys(['revoke', '00000000-0000-4000-8000-000000000000'], missing)).toBe(1);

    const rt = await buildRuntime(parseConfig(process.env), { logger: createLogger('silent') });
    try {
      const rows = await sql<{ action: string; actor_id: string }>`select action, actor_id from compliance_log order by seq`.execute(rt.database.db);
      expect(rows.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['key.created', 'key.rotated', 'key.revoked']));
      expect(rows.rows.every((r) => r.actor_id.startsWith('cli:'))).toBe(true);
    } finally {
      await rt.close();
    }
  });

  it('refuses unknown scopes, bad CIDRs and a missing name with a usage error', async () => {
    await expect(keys(['create', '--name', 'x', '--scopes', 'root:all'], capture())).rejects.toThrow(UsageError);
    await expect(keys(['create', '--name', 'x', '--scopes', 'events:write', '--cidrs', '10.0.0.0/99'], capture())).rejects.toThrow(/not a CIDR/);
    await expect(keys(['create', '--scopes', 'events:write'], capture())).rejects.toThrow(UsageError);
    await expect(keys(['explode'], capture())).rejects.toThrow(UsageError);
  });
});
