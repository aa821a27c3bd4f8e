import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The CI gate `scripts/audit-gate.mjs` against a local fake registry that speaks npm's bulk advisory API
 * (`POST /-/npm/v1/security/advisories/bulk`: a gzipped `{ name: [versions] }` in, `{ name: [advisory] }` out) and
 * serves packuments, which npm reads to work out fixes. The real npm client runs, with a throwaway cache and user
 * config, against 127.0.0.1 only.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GATE = join(ROOT, 'scripts/audit-gate.mjs');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
const FASTIFY = lock.packages['node_modules/fastify']?.version as string;
const FIXED = '99.0.0';

type Mode = { kind: 'advisories'; body: Record<string, unknown[]> } | { kind: 'status'; status: number };

interface Fake {
  mode: Mode;
  bulkBodies: Record<string, string[]>[];
  packuments: string[];
}

const advisory = (severity: string, id: number) => ({
  id,
  url: `https://github.com/advisories/GHSA-test-${id}`,
  title: `Test advisory ${id}`,
  severity,
  vulnerable_versions: `<=${FASTIFY}`,
  cwe: ['CWE-400'],
  cvss: { score: 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

function fakeRegistry(fake: Fake): Server {
  return createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/-/npm/v1/security/advisories/bulk') {
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      fake.bulkBodies.push(JSON.parse(body.toString('utf8')));
      if (fake.mode.kind === 'status') return void res.writeHead(fake.mode.status, { allow: 'GET,HEAD', 'content-length': '0' }).end();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fake.mode.body));
    }
    // Packuments: the package with an advisory has the version in our lockfile and a later, fixed one.
    const name = decodeURIComponent(url.pathname.slice(1));
    fake.packuments.push(name);
    if (req.method === 'GET' && name === 'fastify') {
      const versions = Object.fromEntries([FASTIFY, FIXED].map((v) => [v, { name, version: v, dist: { tarball: `http://127.0.0.1/fastify-${v}.tgz` } }]));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, 'dist-tags': { latest: FIXED }, versions }));
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
}

describe('CI dependency advisory gate (scripts/audit-gate.mjs) against a fake advisory registry', { timeout: 60_000 }, () => {
  const fake: Fake = { mode: { kind: 'status', status: 500 }, bulkBodies: [], packuments: [] };
  const server = fakeRegistry(fake);
  let registry = '';
  let scratch = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    registry = `http://127.0.0.1:${address.port}/`;
    scratch = mkdtempSync(join(tmpdir(), 'clubos-audit-gate-'));
    writeFileSync(join(scratch, 'npmrc'), '');
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(scratch, { recursive: true, force: true });
  });

  function gate(mode: Mode, env: Record<string, string> = {}, at = registry): Promise<{ code: number | null; out: string }> {
    fake.mode = mode;
    fake.bulkBodies.length = 0;
    fake.packuments.length = 0;
    // Hermetic: no proxy, no user config, a throwaway cache (advisories are cached there), no update check.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/proxy|^npm_/i.test(k)));
    const child = spawn(process.execPath, [GATE, '--registry', at, '--cache', join(scratch, 'cache'), '--fetch-retries=0'], {
      cwd: ROOT,
      env: { ...base, npm_config_userconfig: join(scratch, 'npmrc'), npm_config_update_notifier: 'false', npm_config_fund: 'false', NO_PROXY: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
  }

  it('fails on a high advisory for a production dependency in our lockfile, naming it', async () => {
    const r = await gate({ kind: 'advisories', body: { fastify: [advisory('high', 1_001)] } });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`  HIGH fastify ${FASTIFY}: Test advisory 1001 (https://github.com/advisories/GHSA-test-1001)`);
    expect(r.out).toMatch(/^dependency advisory gate failed: 0 critical, [1-9]\d* high, /m);
    // npm sent our production dependencies only (--omit=dev), with the locked versions.
    expect(fake.bulkBodies).toHaveLength(1);
    expect(fake.bulkBodies[0]?.fastify).toEqual([FASTIFY]);
    expect(fake.bulkBodies[0]).not.toHaveProperty('vitest');
    expect(fake.packuments).toContain('fastify');
  });

  it('fails on a critical advisory', async () => {
    const r = await gate({ kind: 'advisories', body: { fastify: [advisory('critical', 1_002)] } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^dependency advisory gate failed: [1-9]\d* critical, /m);
  });

  it('passes with no advisories', async () => {
    const r = await gate({ kind: 'advisories', body: {} });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dependency advisories: 0 critical, 0 high, 0 moderate, 0 low among \d+ production dependencies; none high or critical$/m);
    expect(fake.bulkBodies).toHaveLength(1);
  });

  it('passes a moderate advisory (below the gate), listing it', async () => {
    const r = await gate({ kind: 'advisories', body: { fastify: [advisory('moderate', 1_003)] } });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`  MODERATE fastify ${FASTIFY}: Test advisory 1003`);
    expect(r.out).toMatch(/^dependency advisories: 0 critical, 0 high, [1-9]\d* moderate, /m);
  });

  it('an endpoint answering 405 passes with the loud WARNING: nothing was checked', async () => {
    const r = await gate({ kind: 'status', status: 405 });
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `WARNING: npm audit could not reach the advisory endpoint (HTTP 405 from ${registry}-/npm/v1/security/advisories/bulk); dependency advisories were NOT checked in this run`,
    );
    expect(fake.bulkBodies).toHaveLength(1);
  });

  it('an unreachable endpoint passes with the WARNING naming the reason', async () => {
    const r = await gate({ kind: 'status', status: 500 }, {}, 'http://127.0.0.1:1/');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'WARNING: npm audit could not reach the advisory endpoint (request to http://127.0.0.1:1/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:1); dependency advisories were NOT checked in this run',
    );
  });

  it('with AUDIT_GATE_STRICT=1 an unusable endpoint fails the gate', async () => {
    const r = await gate({ kind: 'status', status: 405 }, { AUDIT_GATE_STRICT: '1' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^dependency advisory gate failed: the advisory endpoint could not be used \(HTTP 405 /m);
  });
});
