import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { ADMIN, createKey, login, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { TEST_SECRETS, type TestRuntime, startRuntime } from '../support/runtime.js';
import { captureIO } from './io.js';
import { type SignedScanReport, runScan, standInServers, withEnv } from './signedScan.js';

/** The served instance's LEAK_REPORT_SECRET (the test runtime's, base64 text like a generated one). */
const SECRET = TEST_SECRETS.LEAK_REPORT_SECRET;
/** Another secret, of a form the server accepts too (any text): not the one it has. */
const OTHER_SECRET = 'a leak-report passphrase, not base64 and not the served one';
const WEBHOOK = 'POST /v1/security/leaked-keys';
const NEEDS_SECRET = 'not scanned: needs signing secret (--leak-report-secret or CLUBOS_SCAN_LEAK_REPORT_SECRET)';

const entry = (r: SignedScanReport) => r.signed_webhooks.find((w) => w.route === WEBHOOK);

const run = runScan;

/**
 * `clubos scan` on the signed leak-report webhook (`POST /v1/security/leaked-keys`, its own signature scheme), against
 * a real listening ClubOS: refusals of unsigned, malformed, foreign and stale signatures; with the secret, the corpus
 * inside signed leak reports; without it, an explicit "not scanned" line. No key is touched either way.
 */
for (const engine of engines) {
  describe(`clubos scan on the signed leak-report webhook on ${engine.name}`, () => {
    let rt: TestRuntime;
    let base: string;
    const auth = () => ['--login', `${ADMIN.username}:${ADMIN.password}`];
    /** Every key's state and risk: a leak report acted on would revoke or suspend one, or raise its score. */
    const keys = () => rt.database.db.selectFrom('api_keys').select(['id', 'state', 'risk_score', 'suspended_reason', 'revoked_reason']).orderBy('id').execute();

    beforeAll(async () => {
      rt = await startRuntime(engine, { PORT: '0', SECURITY_RATE_LIMIT_MAX: '1000000', FEATURE_PERFORMANCE_GUARD: 'false' });
      // Signatures carry the sender's real time; the server's (test) clock must agree within its 5-minute tolerance.
      rt.clock.set(new Date());
      base = await rt.listen();
      const admin = await setupAdmin(rt);
      await createKey(rt, admin, ['events:write']);
      await login(rt, ADMIN.username, ADMIN.password);
    });
    afterAll(async () => rt.dispose());

    it('with the signing secret: signed leak reports carry the corpus and are blocked, bad signatures are refused, no key is touched (exit 0)', async () => {
      const before = await keys();
      expect(before).toHaveLength(1);
      const { code, report } = await run([base, '--json', ...auth(), '--leak-report-secret', SECRET, '--max-records', '400', '--concurrency', '4']);
      expect(report.failures).toEqual([]);
      expect(code).toBe(0);
      const webhook = entry(report);
      expect(webhook).toMatchObject({ route: WEBHOOK, scheme: 'leak_report', status: 'scanned', secret: 'accepted' });
      expect(webhook!.signature_checks).toEqual({ unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401, stale_signature: 401 });
      // Attacks went inside signed reports and were detected there (the route blocks: a block-mode route).
      expect(webhook!.deliveries.attack.n).toBeGreaterThan(20);
      expect(webhook!.deliveries.attack.rate).toBeGreaterThanOrEqual(0.9);
      expect(webhook!.deliveries.benign.n).toBeGreaterThan(5);
      expect(webhook!.deliveries.benign.flagged).toBe(0);
      expect(report.routes.attack_targets).toContain(`${WEBHOOK} (signature)`);
      expect(report.routes.flag_only).not.toContain(WEBHOOK);
      // Records of locations a signed report cannot carry went to the other routes: not counted as skipped.
      expect(Object.keys(report.skipped).filter((why) => why.startsWith('signed webhooks: no route'))).toEqual([]);
      expect(report.routes.unauthenticated_open).toBe(0);
      expect(report.errors_5xx).toEqual([]);
      expect(report.leaks).toEqual([]);
      expect(await keys()).toEqual(before);
    });

    it('without the secret: says "not scanned: needs signing secret", still checks that unsigned reports are refused', async () => {
      const { code, report, io } = await run([base, '--json', ...auth(), '--max-records', '60']);
      expect(code).toBe(0);
      expect(entry(report)).toEqual({
        route: WEBHOOK,
        scheme: 'leak_report',
        status: NEEDS_SECRET,
        secret: 'not given',
        signature_checks: { unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401 },
        deliveries: { attack: { n: 0, detected: 0, rate: 0 }, benign: { n: 0, flagged: 0 } },
      });
      expect(report.routes.attack_targets).not.toContain(`${WEBHOOK} (signature)`);
      expect(Object.keys(report.skipped).filter((why) => why.startsWith('signed webhooks'))).toEqual([]);
      const human = captureIO();
      expect(await scan([base, ...auth(), '--max-records', '60'], human)).toBe(0);
      expect(human.lines).toContain(`signed webhook ${WEBHOOK} (leak_report): ${NEEDS_SECRET}; unsigned delivery -> 401, malformed signature -> 401, wrong key signature -> 401`);
      expect(io.errors).toEqual([]);
    });

    it('takes the secret from CLUBOS_SCAN_LEAK_REPORT_SECRET too', async () => {
      const { code, report } = await withEnv('CLUBOS_SCAN_LEAK_REPORT_SECRET', SECRET, () => run([base, '--json', ...auth(), '--max-records', '60']));
      expect(code).toBe(0);
      expect(entry(report)).toMatchObject({ status: 'scanned', secret: 'accepted' });
    });

    it('scores signed leak reports without a login: the route blocks, so the answer says what was detected (no flagged counter needed)', async () => {
      const { code, report } = await run([base, '--json', '--leak-report-secret', SECRET, '--max-records', '200']);
      expect(code).toBe(0);
      const webhook = entry(report);
      expect(webhook).toMatchObject({ status: 'scanned', secret: 'accepted', signature_checks: { unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401, stale_signature: 401 } });
      expect(webhook!.deliveries.attack.n).toBeGreaterThan(20);
      expect(webhook!.deliveries.attack.rate).toBeGreaterThanOrEqual(0.9);
    });

    it('fails (exit 1) when the server refuses the secret it was given: the webhook was not covered', async () => {
      const { code, report } = await run([base, '--json', ...auth(), '--leak-report-secret', OTHER_SECRET, '--max-records', '60']);
      expect(code).toBe(1);
      const refused = 'not scanned: the server refused the signing secret (a correctly signed delivery answered 401)';
      // No stale check: signed with a key the server does not hold, its 401 would show nothing.
      expect(entry(report)).toMatchObject({ secret: 'refused', status: refused, signature_checks: { unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401 } });
      expect(entry(report)!.signature_checks).not.toHaveProperty('stale_signature');
      expect(report.failures).toContain(`signed webhook ${WEBHOOK} ${refused}`);
      // Refused by the route it was meant for: not a route left open.
      expect(report.routes.unauthenticated_open).toBe(0);
      // The other signed webhook is untouched by this secret.
      expect(report.unused_signing_secrets).toEqual([]);
    });

    it('refuses an empty secret (exit 2)', async () => {
      for (const value of ['', '   ']) {
        const io = captureIO();
        expect(await scan([base, '--leak-report-secret', value], io)).toBe(2);
        expect(io.errors.join('\n')).toContain("clubos scan: --leak-report-secret takes the leak-report signing secret (the server's LEAK_REPORT_SECRET): it is empty");
      }
    });
  });
}

/**
 * A leak-report endpoint that checks signatures badly (plain node:http, not ClubOS), verifying the documented
 * scheme itself: with `lax: 'unsigned'` it takes any report, with `lax: 'stale'` it checks the HMAC but not its age.
 * Probes with the scan marker stop at validation, as ClubOS's do. It documents the one route at `path`.
 */
function laxLeakReports(lax: 'unsigned' | 'stale', path: string): Server {
  const doc = {
    openapi: '3.1.0',
    info: { title: 'lax', version: '0' },
    paths: { [path]: { post: { security: [], 'x-clubos-public': 'signed_webhook', 'x-clubos-inspect': 'block', requestBody: { content: { 'application/json': {} } } } } },
  };
  const headers = { 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'strict-transport-security': 'max-age=63072000', 'cache-control': 'no-store' };
  const hmacValid = (header: unknown, body: string): boolean => {
    const m = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
    return m !== null && timingSafeEqual(createHmac('sha256', SECRET).update(`${m[1]}.${body}`).digest(), Buffer.from(m[2]!, 'hex'));
  };
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/openapi.json') return res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(doc));
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (url.search !== '') return res.writeHead(400, { ...headers, 'content-type': 'application/problem+json' }).end('{"type":"/problems/validation-failed","title":"bad","status":400}');
      if (lax === 'stale' && !hmacValid(req.headers['x-clubos-signature'], body)) return res.writeHead(401, { ...headers, 'content-type': 'application/problem+json' }).end('{"type":"/problems/signature-invalid","title":"no","status":401}');
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end('[]');
    });
  });
}

describe('clubos scan against leak-report endpoints that check signatures badly, or a server without one', () => {
  const standIns = standInServers();
  const start = async (lax: 'unsigned' | 'stale', path = '/v1/security/leaked-keys') => {
    return standIns.listen(laxLeakReports(lax, path));
  };
  afterAll(() => standIns.closeAll());

  it('names an endpoint that takes unsigned or wrongly signed reports as open (exit 1), even without the secret', async () => {
    const { code, report } = await run([await start('unsigned'), '--json', '--max-records', '20']);
    expect(code).toBe(1);
    expect(report.routes.open).toEqual([
      { method: 'POST', path: '/v1/security/leaked-keys', probe: 'unsigned_delivery', status: 200 },
      { method: 'POST', path: '/v1/security/leaked-keys', probe: 'malformed_signature', status: 200 },
      { method: 'POST', path: '/v1/security/leaked-keys', probe: 'wrong_key_signature', status: 200 },
    ]);
    expect(report.failures).toContain('1 route(s) answer without the credentials they require (max 0)');
  });

  it('names an endpoint that takes a stale signature (a replayed capture) as open, once it has the secret', async () => {
    const { code, report } = await run([await start('stale'), '--json', '--leak-report-secret', SECRET, '--max-records', '20']);
    expect(code).toBe(1);
    expect(entry(report)).toMatchObject({ scheme: 'leak_report', status: 'scanned', secret: 'accepted' });
    expect(entry(report)?.signature_checks).toEqual({ unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401, stale_signature: 200 });
    expect(report.routes.open).toEqual([{ method: 'POST', path: '/v1/security/leaked-keys', probe: 'stale_signature', status: 200 }]);
  });

  it('fails (exit 1) given the leak-report secret for a server that documents no leak-report webhook: nothing was signed with it', async () => {
    const { code, report } = await run([await start('stale', '/v1/webhooks/openphone'), '--json', '--leak-report-secret', SECRET, '--max-records', '20']);
    expect(code).toBe(1);
    expect(entry(report)).toBeUndefined();
    expect(report.unused_signing_secrets).toEqual(['--leak-report-secret was given, but the server documents no webhook signed that way: nothing was signed']);
    expect(report.failures).toContain('--leak-report-secret was given, but the server documents no webhook signed that way: nothing was signed');
  });
});
