import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { audit } from '../../src/cli/audit.js';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/io.js';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';
import { TEST_SECRETS } from '../support/runtime.js';

function capture(interactive = false): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
const lastJson = (io: { stdout: string[] }) => JSON.parse(io.stdout.at(-1)!) as Record<string, unknown>;
const PERIOD = ['--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z'];

const targets: Array<{ name: string; open: () => Promise<{ env: Record<string, string>; dispose: () => Promise<void> }> }> = [
  {
    name: 'the embedded database',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clubos-audit-inproc-'));
      return { env: { DATABASE_URL: '', DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(postgresUrl
    ? [
        {
          name: 'PostgreSQL',
          open: async () => {
            const scratch = await createScratchPostgres(postgresUrl!);
            return { env: { DATABASE_URL: scratch.url, DATA_DIR: '/nonexistent-clubos-test' }, dispose: scratch.drop };
          },
        },
      ]
    : []),
];

// A brand-new installation's audit log, from the shell: nothing to sign yet, then exports that are themselves audited.
describe.each(targets)('clubos audit in-process on a fresh log ($name)', { timeout: 300_000 }, ({ open }) => {
  let target: Awaited<ReturnType<(typeof targets)[number]['open']>>;
  let out: string;
  beforeAll(async () => {
    target = await open();
    out = mkdtempSync(join(tmpdir(), 'clubos-audit-inproc-out-'));
    for (const [k, v] of Object.entries({ LOG_LEVEL: 'silent', REDIS_URL: '', ...TEST_SECRETS, ...target.env })) vi.stubEnv(k, v);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await target.dispose();
    rmSync(out, { recursive: true, force: true });
  });

  it('verifies an empty log (saying so on a terminal) and has nothing to checkpoint', async () => {
    const io = capture(true);
    expect(await audit(['verify'], io)).toBe(0);
    expect(io.stderr).toEqual(['verifying an empty audit log…']);
    expect(io.stdout[0]).toMatch(/^verified up to 0 \(signed through 0\) at /);

    const human = capture();
    expect(await audit(['checkpoint'], human)).toBe(0);
    expect(human.stdout).toEqual(['nothing to checkpoint: no entries since the last checkpoint']);
    const json = capture();
    expect(await audit(['checkpoint', '--json'], json)).toBe(0);
    expect(lastJson(json)).toEqual({ outcome: 'nothing_new' });
  });

  it('exports an empty list of checkpoints (the export itself is audited)', async () => {
    const file = join(out, 'checkpoints.json');
    const io = capture();
    expect(await audit(['checkpoints', '--out', file], io)).toBe(0);
    expect(io.stdout[0]).toBe(`exported 0 signed checkpoints (through seq 0) to ${file}`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'clubos.audit.checkpoints.v1', algorithm: 'Ed25519', checkpoints: [] });
  });

  it('exports entries as CSV to stdout without a trailing blank line, and as JSON or the compliance report to a file', async () => {
    const csv = capture();
    expect(await audit(['export', ...PERIOD, '--format', 'csv'], csv)).toBe(0);
    expect(csv.stdout).toHaveLength(1);
    const lines = csv.stdout[0]!.split('\r\n');
    expect(lines[0]).toMatch(/^seq,/);
    expect(lines.slice(1).every((l) => l !== '')).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(2);

    const entries = join(out, 'entries.json');
    const json = capture();
    expect(await audit(['export', ...PERIOD, '--out', entries, '--json'], json)).toBe(0);
    const summary = lastJson(json) as { ok: boolean; kind: string; format: string; count: number; out: string };
    expect(summary).toMatchObject({ ok: true, kind: 'entries', format: 'json', out: entries });
    const written = readFileSync(entries, 'utf8');
    expect(written.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(written) as { format: string; count: number; entries: Array<{ action: string }> };
    expect(doc).toMatchObject({ format: 'clubos.audit.entries.v1', count: summary.count });
    expect(doc.entries.map((e) => e.action)).toContain('data.exported');

    const reportFile = join(out, 'report.json');
    const report = capture();
    expect(await audit(['export', ...PERIOD, '--report', '--out', reportFile], report)).toBe(0);
    expect(report.stdout).toEqual([expect.stringMatching(new RegExp(`^exported the compliance report over \\d+ entries for 2000-01-01T00:00:00.000Z \\.\\. 2100-01-01T00:00:00.000Z as json to ${reportFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`))]);
    expect(readFileSync(reportFile, 'utf8').endsWith('\n')).toBe(true);
  });

  it('names the range it verifies once the log has entries', async () => {
    const io = capture(true);
    expect(await audit(['verify', '--json'], io)).toBe(0);
    expect(io.stderr[0]).toMatch(/^verifying audit entries 1\.\.\d+ and their checkpoints…$/);
    expect(lastJson(io)).toMatchObject({ ok: true });
  });

  it('refuses CSV as the JSON last line without a file, a reversed period and an unknown format', async () => {
    await expect(audit(['export', ...PERIOD, '--format', 'csv', '--json'], capture())).rejects.toThrow('--json with --format csv needs --out FILE');
    await expect(audit(['export', '--from', '2026-01-02T00:00:00Z', '--to', '2026-01-01T00:00:00Z'], capture())).rejects.toThrow('--from must be before --to');
    await expect(audit(['export', ...PERIOD, '--format', 'xml'], capture())).rejects.toThrow(UsageError);
    await expect(audit(['checkpoints'], capture())).rejects.toThrow(/--out FILE is required/);
  });
});
