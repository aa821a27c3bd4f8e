import { type Server, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { verifyOpenPhoneSignature } from '../../src/integrations/openPhone/webhook.js';
import { Secret } from '../../src/integrations/secret.js';
import { ADMIN, login, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { captureIO } from './io.js';
import { type SignedScanReport, runScan, standInServers, withEnv } from './signedScan.js';

const SECRET = Buffer.alloc(32, 7).toString('base64');
const OTHER_SECRET = Buffer.alloc(32, 8).toString('base64');
const WEBHOOK = 'POST /v1/webhooks/openphone';

const LEAK_REPORTS = 'POST /v1/security/leaked-keys';
const entry = (r: SignedScanReport, route = WEBHOOK) => r.signed_webhooks.find((w) => w.route === route);

const run = runScan;

/**
 * `clubos scan` on the signature-authenticated OpenPhone webhook, against a real listening ClubOS that has a signing
 * secret: refusals of unsigned, malformed, foreign and stale signatures; with the secret, the corpus inside signed
 * deliveries; without it, an explicit "not scanned" line. Nothing is stored either way.
 */
for (const engine of engines) {
  describe(`clubos scan on the signed OpenPhone webhook on ${engine.name}`, () => {
    let rt: TestRuntime;
    let base: string;
    const auth = () => ['--login', `${ADMIN.username}:${ADMIN.password}`];
    const rows = async () => {
      const count = async (table: 'events' | 'webhook_receipts' | 'threads') => Number((await rt.database.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      return { events: await count('events'), receipts: await count('webhook_receipts'), threads: await count('threads') };
    };

    beforeAll(async () => {
      rt = await startRuntime(engine, { PORT: '0', SECURITY_RATE_LIMIT_MAX: '1000000', FEATURE_PERFORMANCE_GUARD: 'false', OPENPHONE_WEBHOOK_SECRET: SECRET });
      // Signatures carry the sender's real time; the server's (test) clock must agree within its 5-minute tolerance.
      rt.clock.set(new Date());
      base = await rt.listen();
      await setupAdmin(rt);
      await login(rt, ADMIN.username, ADMIN.password);
    });
    afterAll(async () => rt.dispose());

    it('with the signing secret: signed deliveries carry the corpus, bad signatures are refused, nothing is stored (exit 0)', async () => {
      const before = await rows();
      const { code, report } = await run([base, '--json', ...auth(), '--openphone-secret', SECRET, '--max-records', '400', '--concurrency', '4']);
      expect(report.failures).toEqual([]);
      expect(code).toBe(0);
      const webhook = entry(report);
      expect(webhook).toMatchObject({ route: WEBHOOK, scheme: 'openphone', status: 'scanned', secret: 'accepted' });
      expect(webhook!.signature_checks).toEqual({ unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401, stale_signature: 401 });
      // Attacks went inside signed deliveries and were flagged there (the webhook flags customer texts, never blocks them).
      expect(webhook!.deliveries.attack.n).toBeGreaterThan(20);
      expect(webhook!.deliveries.attack.rate).toBeGreaterThanOrEqual(0.9);
      expect(webhook!.deliveries.benign.n).toBeGreaterThan(5);
      expect(webhook!.deliveries.benign.flagged).toBe(0);
      expect(report.routes.flag_only).toContain(WEBHOOK);
      expect(report.routes.unauthenticated_open).toBe(0);
      expect(report.errors_5xx).toEqual([]);
      expect(report.leaks).toEqual([]);
      expect(await rows()).toEqual(before);
    });

    it('without the secret: says "not scanned: needs signing secret", still checks that unsigned deliveries are refused', async () => {
      const { code, report, io } = await run([base, '--json', ...auth(), '--max-records', '60']);
      expect(code).toBe(0);
      expect(entry(report)).toEqual(
        {
          route: WEBHOOK,
          scheme: 'openphone',
          status: 'not scanned: needs signing secret (--openphone-secret or CLUBOS_SCAN_OPENPHONE_SECRET)',
          secret: 'not given',
          signature_checks: { unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401 },
          deliveries: { attack: { n: 0, detected: 0, rate: 0 }, benign: { n: 0, flagged: 0 } },
        },
      );
      // The other signed route (leak reports, its own scheme) is named too, never passed over in silence.
      expect(entry(report, LEAK_REPORTS)).toMatchObject({ scheme: 'leak_report', status: 'not scanned: needs signing secret (--leak-report-secret or CLUBOS_SCAN_LEAK_REPORT_SECRET)', secret: 'not given' });
      const human = captureIO();
      expect(await scan([base, ...auth(), '--max-records', '60'], human)).toBe(0);
      expect(human.lines).toContain(
        `signed webhook ${WEBHOOK} (openphone): not scanned: needs signing secret (--openphone-secret or CLUBOS_SCAN_OPENPHONE_SECRET); unsigned delivery -> 401, malformed signature -> 401, wrong key signature -> 401`,
      );
      expect(io.errors).toEqual([]);
    });

    it('takes the secret from CLUBOS_SCAN_OPENPHONE_SECRET too', async () => {
      const { code, report } = await withEnv('CLUBOS_SCAN_OPENPHONE_SECRET', SECRET, () => run([base, '--json', ...auth(), '--max-records', '60']));
      expect(code).toBe(0);
      expect(entry(report)).toMatchObject({ status: 'scanned', secret: 'accepted' });
    });

    it('says when signed deliveries could not be scored (no credential reads the flagged counter), not "scanned"', async () => {
      const { code, report } = await run([base, '--json', '--openphone-secret', SECRET, '--max-records', '40']);
      expect(code).toBe(0);
      expect(entry(report)).toMatchObject({
        status: 'signature checked; signed deliveries not scored (no credential reads GET /v1/security/timeseries (sign in with --login, or a key with security:read))',
        secret: 'accepted',
        signature_checks: { unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401, stale_signature: 401 },
        deliveries: { attack: { n: 0, detected: 0, rate: 0 }, benign: { n: 0, flagged: 0 } },
      });
    });

    it('fails (exit 1) when the server refuses the secret it was given: the webhook was not covered', async () => {
      const { code, report } = await run([base, '--json', ...auth(), '--openphone-secret', OTHER_SECRET, '--max-records', '60']);
      expect(code).toBe(1);
      expect(entry(report)).toMatchObject({ secret: 'refused', status: 'not scanned: the server refused the signing secret (a correctly signed delivery answered 401)' });
      // No stale check: signed with a key the server does not hold, its 401 would show nothing.
      expect(entry(report)!.signature_checks).toEqual({ unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401 });
      expect(report.failures).toContain(`signed webhook ${WEBHOOK} not scanned: the server refused the signing secret (a correctly signed delivery answered 401)`);
    });

    it('refuses a secret that is not a signing key (exit 2), without echoing it', async () => {
      const io = captureIO();
      expect(await scan([base, '--openphone-secret', 'not base64 at all!'], io)).toBe(2);
      expect(io.errors.join('\n')).toContain('--openphone-secret takes the webhook signing key');
      expect(io.errors.join('\n')).not.toContain('not base64 at all!');
    });
  });
}

describe('clubos scan given a signing secret for a server without the webhook', () => {
  let rt: TestRuntime;
  let base: string;
  beforeAll(async () => {
    rt = await startRuntime(engines[0]!, { PORT: '0', SECURITY_RATE_LIMIT_MAX: '1000000', FEATURE_PERFORMANCE_GUARD: 'false' });
    base = await rt.listen();
    await setupAdmin(rt);
  });
  afterAll(async () => rt.dispose());

  it('fails (exit 1): the secret was meant for a route the server does not document', async () => {
    const { code, report } = await run([base, '--json', '--login', `${ADMIN.username}:${ADMIN.password}`, '--openphone-secret', SECRET, '--max-records', '40']);
    expect(code).toBe(1);
    expect(entry(report)).toBeUndefined();
    expect(report.unused_signing_secrets).toEqual(['--openphone-secret was given, but the server documents no webhook signed that way: nothing was signed']);
    expect(report.failures).toContain('--openphone-secret was given, but the server documents no webhook signed that way: nothing was signed');
  });
});

/**
 * A webhook that checks signatures badly (plain node:http, not ClubOS): with `lax: 'unsigned'` it takes any delivery,
 * with `lax: 'stale'` it checks the HMAC but not its age. Probes with the scan marker stop at validation, as ClubOS's do.
 */
function laxWebhook(lax: 'unsigned' | 'stale'): Server {
  const doc = {
    openapi: '3.1.0',
    info: { title: 'lax', version: '0' },
    paths: { '/v1/webhooks/openphone': { post: { security: [], 'x-clubos-public': 'signed_webhook', 'x-clubos-inspect': 'flag', requestBody: { content: { 'application/json': {} } } } } },
  };
  const headers = { 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'strict-transport-security': 'max-age=63072000', 'cache-control': 'no-store' };
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/openapi.json') return res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(doc));
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (url.search !== '') return res.writeHead(400, { ...headers, 'content-type': 'application/problem+json' }).end('{"type":"/problems/validation-failed","title":"bad","status":400}');
      const header = req.headers['openphone-signature'];
      const verdict = verifyOpenPhoneSignature(typeof header === 'string' ? header : undefined, body, new Secret(SECRET), new Date(), Number.MAX_SAFE_INTEGER);
      if (lax === 'stale' && verdict !== 'valid') return res.writeHead(401, { ...headers, 'content-type': 'application/problem+json' }).end('{"type":"/problems/signature-invalid","title":"no","status":401}');
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end('{"status":"ignored","type":"message.delivered"}');
    });
  });
}

describe('clubos scan against webhooks that check signatures badly', () => {
  const standIns = standInServers();
  const start = async (lax: 'unsigned' | 'stale') => {
    return standIns.listen(laxWebhook(lax));
  };
  afterAll(() => standIns.closeAll());

  it('names a webhook that takes unsigned or wrongly signed deliveries as open (exit 1), even without the secret', async () => {
    const { code, report } = await run([await start('unsigned'), '--json', '--max-records', '20']);
    expect(code).toBe(1);
    expect(report.routes.open).toEqual([
      { method: 'POST', path: '/v1/webhooks/openphone', probe: 'unsigned_delivery', status: 200 },
      { method: 'POST', path: '/v1/webhooks/openphone', probe: 'malformed_signature', status: 200 },
      { method: 'POST', path: '/v1/webhooks/openphone', probe: 'wrong_key_signature', status: 200 },
    ]);
    expect(report.failures).toContain('1 route(s) answer without the credentials they require (max 0)');
  });

  it('names a webhook that takes a stale signature (a replayed capture) as open, once it has the secret', async () => {
    const base = await start('stale');
    const { code, report } = await run([base, '--json', '--openphone-secret', SECRET, '--max-records', '20']);
    expect(code).toBe(1);
    expect(entry(report)?.signature_checks).toEqual({ unsigned_delivery: 401, malformed_signature: 401, wrong_key_signature: 401, stale_signature: 200 });
    expect(report.routes.open).toEqual([{ method: 'POST', path: '/v1/webhooks/openphone', probe: 'stale_signature', status: 200 }]);
  });
});
