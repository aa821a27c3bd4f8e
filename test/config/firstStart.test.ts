import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { createLogger } from '../../src/logging.js';
import { buildRuntime } from '../../src/main.js';
import { webhookSignature } from '../../src/notifications/outbox.js';
import { TEST_SECRETS } from '../support/runtime.js';

const SECRET_NAMES = ['apiKeyPeppers', 'auditSigningKey', 'auditHmacKey', 'leakReportSecret'];

describe('secrets: configured values win, the rest is generated once into DATA_DIR/secrets.json', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const d = mkdtempSync(join(tmpdir(), 'clubos-secrets-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('with every secret configured, nothing is written', () => {
    const dir = scratch();
    const s = resolveSecrets(parseConfig({ DATA_DIR: dir, ...TEST_SECRETS }));
    expect(s).toMatchObject({ apiKeyPeppers: TEST_SECRETS.API_KEY_PEPPERS, auditSigningKey: TEST_SECRETS.AUDIT_SIGNING_KEY, generated: [], createdFile: false });
    expect(() => statSync(join(dir, 'secrets.json'))).toThrow(/ENOENT/);
  });

  it('generates what is missing into a 0600 file, reads the same values back, and keeps configured values out of use from the file', () => {
    const dir = scratch();
    const first = resolveSecrets(parseConfig({ DATA_DIR: dir }));
    expect(first.generated).toEqual(SECRET_NAMES);
    expect(first.createdFile).toBe(true);
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(stored).toEqual({ apiKeyPeppers: first.apiKeyPeppers, auditSigningKey: first.auditSigningKey, auditHmacKey: first.auditHmacKey, leakReportSecret: first.leakReportSecret });
    expect(first.apiKeyPeppers).toMatch(/^1:[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(first.auditHmacKey, 'base64')).toHaveLength(32);

    const again = resolveSecrets(parseConfig({ DATA_DIR: dir }));
    expect(again).toEqual({ ...first, createdFile: false });

    // A configured pepper wins over the file; the other three still come from it, and the file is not rewritten.
    const mixed = resolveSecrets(parseConfig({ DATA_DIR: dir, API_KEY_PEPPERS: TEST_SECRETS.API_KEY_PEPPERS }));
    expect(mixed).toEqual({ ...first, apiKeyPeppers: TEST_SECRETS.API_KEY_PEPPERS, generated: SECRET_NAMES.slice(1), createdFile: false });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(stored);
  });

  it('completes a file that lacks a value, keeping the values it has', () => {
    const dir = scratch();
    const first = resolveSecrets(parseConfig({ DATA_DIR: dir }));
    const file = join(dir, 'secrets.json');
    const { leakReportSecret: _dropped, ...partial } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    rmSync(file);
    writeFileSync(file, JSON.stringify(partial), { mode: 0o600 });
    const completed = resolveSecrets(parseConfig({ DATA_DIR: dir }));
    expect(completed.createdFile).toBe(true);
    expect(completed).toMatchObject({ apiKeyPeppers: first.apiKeyPeppers, auditSigningKey: first.auditSigningKey, auditHmacKey: first.auditHmacKey });
    expect(completed.leakReportSecret).not.toBe(first.leakReportSecret);
    expect(JSON.parse(readFileSync(file, 'utf8')).leakReportSecret).toBe(completed.leakReportSecret);
  });
});

interface Received {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

describe('a first start with nothing configured, and the restart after it', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'clubos-first-start-'));
  const received: Received[] = [];
  let receiver: Server;
  let url: string;
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += String(c);
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => receiver.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates its secrets, delivers notifications to the configured webhook and Slack on its own schedule, and keeps working after a restart', async () => {
    const logs: Array<{ level: number; msg: string; generated?: string[] }> = [];
    const logger = createLogger('warn', { write: (line: string) => void logs.push(JSON.parse(line)) });
    const env = { LOG_LEVEL: 'silent', DATA_DIR: dir, FEATURE_PERFORMANCE_GUARD: 'off' };
    const notify = { NOTIFY_WEBHOOK_URL: `${url}/hook`, NOTIFY_WEBHOOK_SECRET: 'hook-secret', NOTIFY_SLACK_WEBHOOK_URL: `${url}/slack` };
    const rt = await buildRuntime(parseConfig({ ...env, ...notify }), { logger, scheduler: true });
    let secret: string;
    try {
      expect(rt.secrets).toMatchObject({ generated: SECRET_NAMES, createdFile: true });
      expect(logs).toContainEqual(expect.objectContaining({ msg: 'secrets generated locally: configure them to share across instances', generated: SECRET_NAMES }));

      // First-run setup and an API key, through the API.
      const token = await rt.issueSetupTokenIfNeeded();
      const setup = await rt.app.inject({ method: 'POST', url: '/v1/setup', remoteAddress: '203.0.113.10', payload: { token, username: 'ada', password: 'correct horse battery staple' } });
      expect(setup.statusCode, setup.body).toBe(201);
      const cookie = ([] as string[]).concat(setup.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
      const created = await rt.app.inject({ method: 'POST', url: '/v1/keys', remoteAddress: '203.0.113.10', headers: { cookie, 'x-csrf-token': (setup.json() as { csrfToken: string }).csrfToken }, payload: { name: 'relay', scopes: ['events:write'] } });
      expect(created.statusCode, created.body).toBe(201);
      secret = (created.json() as { key: string }).key;

      await rt.outbox.notify({ topic: 'ops.disk', severity: 'warning', subject: 'Disk almost full', body: { free: '2 GB' } });
      await rt.outbox.notify({ topic: 'ops.backup', severity: 'info', subject: 'Backup done', body: { size: '4 GB' } });
      // notifications.deliver runs every 5 s once the scheduler is started: nobody calls it here.
      const until = Date.now() + 30_000;
      while (received.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    } finally {
      await rt.close();
    }
    const hooks = received.filter((r) => r.path === '/hook');
    expect(hooks.map((h) => (JSON.parse(h.body) as { subject: string }).subject).sort()).toEqual(['Backup done', 'Disk almost full']);
    for (const h of hooks) {
      const t = Number(/^t=(\d+),/.exec(String(h.headers['x-clubos-signature']))![1]);
      expect(h.headers['x-clubos-signature']).toBe(webhookSignature('hook-secret', t, h.body));
    }
    expect(received.filter((r) => r.path === '/slack').map((r) => (JSON.parse(r.body) as { text: string }).text).sort()).toEqual([
      ':information_source: *Backup done*\n• size: 4 GB',
      ':warning: *Disk almost full*\n• free: 2 GB',
    ]);
    // The log sink reports every notification too.
    expect(logs.filter((l) => l.msg === 'Disk almost full' || l.msg === 'Backup done')).toHaveLength(2);

    // The restart: configuration alone (its own logger and database), the same generated secrets from the file.
    const again = await buildRuntime(parseConfig(env));
    try {
      expect(again.secrets).toEqual({ ...rt.secrets, createdFile: false });
      const res = await again.app.inject({ method: 'POST', url: '/v1/events', remoteAddress: '203.0.113.11', headers: { authorization: `Bearer ${secret}` }, payload: { kind: 'message', channel: 'sms', from: 'c-1', location: 'Dartmouth', text: 'trackman frozen bay 3' } });
      expect(res.statusCode, res.body).toBe(202);
    } finally {
      await again.close();
    }
  });
});
