import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { simulate } from '../../src/cli/simulate.js';
import { AUTO_ON } from '../execution/helpers.js';
import { createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

function capture(interactive = false): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
const lastJson = (io: { stdout: string[] }) => JSON.parse(io.stdout.at(-1)!) as Record<string, unknown>;

const dir = mkdtempSync(join(tmpdir(), 'clubos-simulate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A venue stream file (the shared/data/venue line format) with the given lines. */
function stream(lines: readonly (Record<string, unknown> | string)[]): string {
  const file = join(dir, `stream-${++n}.jsonl`);
  writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  return file;
}
const trackman = (i: number, bay: number, label: Record<string, unknown> | null = { decision: 'reset_trackman', params: { location: 'Dartmouth', bay } }) => ({
  id: `vd-${String(i).padStart(5, '0')}`,
  t: new Date(Date.UTC(2025, 8, 1, 12, i)).toISOString(),
  kind: 'message',
  channel: 'sms',
  from: `c-${String(i).padStart(4, '0')}`,
  location: 'Dartmouth',
  bay: null,
  text: `trackman frozen bay ${bay}`,
  ...(label === null ? {} : { expected: label }),
});

/** Runs with exactly these credentials in the environment (the CLI reads them there, never from arguments). */
async function withEnv<T>(env: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const keys = ['CLUBOS_API_KEY', 'CLUBOS_OPERATOR_USERNAME', 'CLUBOS_OPERATOR_PASSWORD'] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  for (const k of keys) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  try {
    return await run();
  } finally {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

describe('clubos simulate refuses a bad command line (exit 2) before sending anything', () => {
  const file = stream([trackman(1, 3)]);
  it.each([
    ['no URL', ['--stream', file], /^usage: clubos simulate URL --stream FILE/],
    ['two URLs', ['http://127.0.0.1:1', 'http://127.0.0.1:2', '--stream', file], /^usage: clubos simulate URL/],
    ['no stream', ['http://127.0.0.1:1'], /^usage: clubos simulate URL/],
    ['a URL that is not http(s)', ['ftp://127.0.0.1:1', '--stream', file], /^URL must be http\(s\):\/\/host:port$/],
    ['a zero speed', ['http://127.0.0.1:1', '--stream', file, '--speed', '0'], /^--speed must be a positive number or max$/],
    ['a speed that is not a number', ['http://127.0.0.1:1', '--stream', file, '--speed', 'fast'], /^--speed must be/],
    ['an unknown operator mode', ['http://127.0.0.1:1', '--stream', file, '--operator', 'human'], /^--operator must be auto or none$/],
    ['a non-positive limit', ['http://127.0.0.1:1', '--stream', file, '--limit', '0'], /^--limit must be a positive integer$/],
    ['an unknown option', ['http://127.0.0.1:1', '--stream', file, '--fast'], /^unknown option --fast$/],
  ])('%s', async (_what, args, message) => {
    const io = capture();
    expect(await withEnv({ CLUBOS_API_KEY: 'clubos_test_unused' }, () => simulate(args, io))).toBe(2);
    expect(io.stderr).toEqual([expect.stringMatching(message)]);
    expect(io.stdout).toEqual([]);
  });

  it('--operator auto without the operator credentials in the environment', async () => {
    const io = capture();
    expect(await withEnv({ CLUBOS_API_KEY: 'clubos_test_unused', CLUBOS_OPERATOR_USERNAME: 'demo' }, () => simulate(['http://127.0.0.1:1', '--stream', file, '--operator', 'auto'], io))).toBe(2);
    expect(io.stderr).toEqual(['--operator auto needs CLUBOS_OPERATOR_USERNAME and CLUBOS_OPERATOR_PASSWORD']);
  });

  it('a stream file that cannot be read fails with exit 1, naming the cause', async () => {
    const io = capture();
    expect(await withEnv({ CLUBOS_API_KEY: 'clubos_test_unused' }, () => simulate(['http://127.0.0.1:1', '--stream', join(dir, 'missing.jsonl')], io))).toBe(1);
    expect(io.stderr).toEqual([expect.stringMatching(/^simulate failed: ENOENT/)]);
  });
});

/**
 * What sits in front of ClubOS in a deployment (a load balancer): it passes every request to the real server,
 * except that it can answer the next event submissions itself — 503 while the backend restarts, 429 when busy.
 */
interface Front {
  readonly url: string;
  /** Answers for the next submissions of a stream line (by its idempotency key), in order, instead of passing them on. */
  readonly faults: Map<string, Array<{ status: number; headers?: Record<string, string>; body: string }>>;
  readonly passed: string[];
  close(): Promise<void>;
}

async function front(rt: TestRuntime): Promise<Front> {
  const faults: Front['faults'] = new Map();
  const passed: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fault = req.method === 'POST' && req.url === '/v1/events' ? faults.get(String(req.headers['idempotency-key']))?.shift() : undefined;
    if (fault !== undefined) {
      res.writeHead(fault.status, fault.headers ?? {}).end(fault.body);
      return;
    }
    passed.push(`${req.method} ${req.url}`);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
    const upstream = await rt.app.inject({ method: req.method as 'GET', url: req.url!, headers, remoteAddress: '198.51.100.7', ...(chunks.length > 0 ? { payload: Buffer.concat(chunks) } : {}) });
    const out = Object.fromEntries(Object.entries(upstream.headers).filter(([k]) => !['connection', 'transfer-encoding', 'content-length'].includes(k)));
    res.writeHead(upstream.statusCode, out as Record<string, string | string[]>).end(upstream.rawPayload);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    faults,
    passed,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

for (const engine of engines) {
  describe(`clubos simulate in-process against ClubOS on ${engine.name}`, () => {
    let rt: TestRuntime;
    let edge: Front;
    let writer: string;
    let reader: string;

    beforeAll(async () => {
      rt = await startRuntime(engine, { ...AUTO_ON, SECURITY_RATE_LIMIT_MAX: '10000' });
      edge = await front(rt);
      const admin = await setupAdmin(rt);
      writer = (await createKey(rt, admin, ['events:write'])).secret;
      reader = (await createKey(rt, admin, ['events:read'])).secret;
      await createOperator(rt, admin, 'operator', 'sim_operator');
    });
    afterAll(async () => {
      await edge.close();
      await rt.dispose();
    });

    const operator = { CLUBOS_OPERATOR_USERNAME: 'sim_operator', CLUBOS_OPERATOR_PASSWORD: 'a long enough password 42' };

    it('a wrong operator password stops the run before any event is sent (exit 1)', async () => {
      const io = capture();
      const code = await withEnv({ CLUBOS_API_KEY: writer, CLUBOS_OPERATOR_USERNAME: 'sim_operator', CLUBOS_OPERATOR_PASSWORD: 'not the password at all' }, () =>
        simulate([edge.url, '--stream', stream([trackman(1, 3)]), '--operator', 'auto'], io),
      );
      expect(code).toBe(1);
      expect(io.stderr).toEqual(['simulate failed: operator login refused (401)']);
      expect(edge.passed.filter((r) => r === 'POST /v1/events')).toEqual([]);
    });

    it('a key without events:write: every event is refused with its problem type, and the run exits 1', async () => {
      const io = capture();
      const code = await withEnv({ CLUBOS_API_KEY: reader }, () => simulate([edge.url, '--stream', stream([trackman(2, 3), trackman(3, 3)]), '--speed', 'max', '--json'], io));
      expect(code).toBe(1);
      expect(lastJson(io)).toMatchObject({ sent: 2, accepted: 0, refused: 2 });
      expect(io.stderr).toEqual([expect.stringMatching(/^vd-00002: refused \(403 \/problems\/[a-z-]+/), expect.stringMatching(/^vd-00003: refused \(403 /)]);
    });

    it('skips invalid lines with their line number, shows progress on a terminal, and reports in human lines', async () => {
      const io = capture(true);
      const file = stream([trackman(4, 3, null), '{"id":"vd-x","kind":"message"', { ...trackman(5, 3, null), kind: 'call' }, '', trackman(6, 2, null)]);
      const code = await withEnv({ CLUBOS_API_KEY: writer }, () => simulate([edge.url, '--stream', file, '--speed', '1000'], io));
      expect(code).toBe(0);
      expect(io.stderr).toEqual(['line 2: not JSON (skipped)', 'line 3: kind: expected message or device_event (skipped)', 'simulate: 1/2']);
      expect(io.stdout).toEqual([
        `simulate ${file} → ${edge.url} (2 events, speed 1000, operator none)`,
        '  accepted 2, refused 0, invalid lines 2',
        expect.stringMatching(/^ {2}took [\d.]+ s$/),
      ]);
    });

    it('waits out 503 and 429 with their Retry-After, and gives up on an event after five refusals (exit 1)', async () => {
      edge.faults.set('simulate-vd-00007', [
        { status: 503, body: 'backend restarting' },
        { status: 429, headers: { 'retry-after': '1', 'content-type': 'application/problem+json' }, body: '{"type":"/problems/rate-limited","detail":"slow down"}' },
      ]);
      edge.faults.set(
        'simulate-vd-00008',
        ['0', 'soon', '0', '0', '0'].map((after) => ({ status: 503, headers: { 'retry-after': after }, body: 'backend restarting' })),
      );
      const io = capture();
      const before = edge.passed.length;
      const started = Date.now();
      const code = await withEnv({ CLUBOS_API_KEY: writer }, () => simulate([edge.url, '--stream', stream([trackman(7, 1, null), trackman(8, 2, null)]), '--speed', 'max', '--json'], io));
      // Each wait is at least a second: 1 (no header), 1 (Retry-After: 1), then 1 + 1 + 1 + 1 (0 and "soon" are not waits).
      expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
      expect(code).toBe(1);
      expect(lastJson(io)).toMatchObject({ sent: 2, accepted: 1, refused: 1 });
      expect(io.stderr).toEqual(['vd-00008: refused (503 )']);
      expect([...edge.faults.values()]).toEqual([[], []]);
      expect(edge.passed.slice(before)).toEqual(['POST /v1/events']);
    });

    it('answers from the labels until the system handles the repeats itself; an answer the server refuses (a malformed decision name) is counted and exits 1', async () => {
      const lines = Array.from({ length: 14 }, (_, i) => trackman(20 + i, 3));
      const io = capture();
      const code = await withEnv({ CLUBOS_API_KEY: writer, ...operator }, () =>
        simulate([edge.url, '--stream', stream([...lines, trackman(40, 3, { decision: 'Fix-Everything', params: { location: 'Dartmouth' } })]), '--speed', 'max', '--operator', 'auto', '--json'], io),
      );
      expect(code).toBe(1);
      const report = lastJson(io) as { sent: number; accepted: number; decided: number; handled_by_system: number; answers: Record<string, number>; answer_refusals: number; undecided: number };
      expect(report).toMatchObject({ sent: 15, accepted: 15, decided: 15, answer_refusals: 1, undecided: 0 });
      const answered = Object.values(report.answers).reduce((a, b) => a + b, 0);
      expect(report.handled_by_system).toBeGreaterThanOrEqual(1);
      expect(answered + report.handled_by_system + report.answer_refusals).toBe(15);
      expect(io.stderr).toEqual([expect.stringMatching(/^vd-00040: answer (decide|veto|reject) refused \(4\d\d \/problems\//)]);
    });
  });
}
