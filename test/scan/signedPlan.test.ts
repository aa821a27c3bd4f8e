import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENCODINGS, encodeValue } from '../../src/scan/encodings.js';
import type { ScanRoute } from '../../src/scan/openapi.js';
import { PROBE_MARKER, planPayloadProbes } from '../../src/scan/probes.js';
import { DEFAULT_THRESHOLDS, humanReport, tallyScan, tallySignedWebhooks, thresholdFailures } from '../../src/scan/score.js';
import { Secret } from '../../src/integrations/secret.js';
import {
  LEAK_REPORT_SCHEME,
  OPENPHONE_SCHEME,
  SCAN_LEAK_TOKEN,
  controlDelivery,
  isSignedWebhook,
  placeSignedPayload,
  planSignatureProbes,
  schemeOf,
  schemeOfUrl,
  signLeakReport,
} from '../../src/scan/signedWebhooks.js';
import type { CorpusRecord } from '../../src/security/inspector/corpus.js';

const webhook: ScanRoute = { method: 'POST', path: '/v1/webhooks/openphone', pathParams: [], queryParams: [], bodyTypes: ['application/json'], access: { kind: 'public', purpose: 'signed_webhook' }, inspect: 'flag' };
const leakReports: ScanRoute = { ...webhook, path: '/v1/security/leaked-keys', inspect: 'block' };
const unknownSigned: ScanRoute = { ...webhook, path: '/v1/webhooks/elsewhere' };
const events: ScanRoute = { ...webhook, path: '/v1/events', access: { kind: 'protected', scopes: ['events:write'], role: null } };
const record = (payload: string, over: Partial<CorpusRecord> = {}): CorpusRecord => ({ id: 'r1', payload, kind: 'sqli', expected: 'attack', location: 'any', tier: 'core', source: 's', ...over });

interface Delivery {
  id: string;
  type: string;
  data: { object: Record<string, unknown> & { body: unknown } };
}

describe('signed webhook probes (pure)', () => {
  it('knows the OpenPhone and leak-report webhooks by their paths, and no scheme for another signed route', () => {
    expect(isSignedWebhook(webhook)).toBe(true);
    expect(isSignedWebhook(events)).toBe(false);
    expect(schemeOf(webhook)?.name).toBe('openphone');
    expect(schemeOf(leakReports)?.name).toBe('leak_report');
    expect(schemeOf(unknownSigned)).toBeNull();
    expect(schemeOf(events)).toBeNull();
    expect(schemeOfUrl('/v1/webhooks/openphone?scan_probe=1')?.header).toBe('openphone-signature');
    expect(schemeOfUrl('/v1/security/leaked-keys')?.header).toBe('x-clubos-signature');
    expect(schemeOfUrl('/v1/events')).toBeNull();
    expect(placeSignedPayload(unknownSigned, record('x'), 'json_value', 'plain')).toBeNull();
  });

  it('puts a payload inside a delivery the webhook ignores: as the message text, or as a field name (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom(...ENCODINGS), (payload, encoding) => {
        const value = placeSignedPayload(webhook, record(payload), 'json_value', encoding);
        const key = placeSignedPayload(webhook, record(payload), 'json_key', encoding);
        const expected = encodeValue(payload, encoding, true);
        if (expected === null) {
          expect([value, key]).toEqual([null, null]);
          return;
        }
        // No probe marker: the delivery must pass validation to be verified (and is then acknowledged, not stored).
        for (const probe of [value!, key!]) {
          expect(probe.url).toBe('/v1/webhooks/openphone');
          expect(probe.headers).toEqual({ 'content-type': 'application/json' });
        }
        const asText = JSON.parse(value!.body!) as Delivery;
        expect(asText.type).toBe('message.delivered');
        expect(asText.data.object.body).toBe(expected);
        const asKey = JSON.parse(key!.body!) as Delivery;
        expect(asKey.type).toBe('message.delivered');
        expect(Object.hasOwn(asKey.data.object, expected)).toBe(true);
      }),
    );
  });

  it('checks unsigned, malformed and foreign signatures always, stale ones only with the secret', () => {
    const without = planSignatureProbes([webhook, leakReports, unknownSigned, events], () => false);
    expect(without.map((p) => [p.probe, p.credential, p.route.path])).toEqual([
      ['unsigned_delivery', 'none', '/v1/webhooks/openphone'],
      ['malformed_signature', 'malformed_signature', '/v1/webhooks/openphone'],
      ['wrong_key_signature', 'wrong_signature', '/v1/webhooks/openphone'],
      ['unsigned_delivery', 'none', '/v1/security/leaked-keys'],
      ['malformed_signature', 'malformed_signature', '/v1/security/leaked-keys'],
      ['wrong_key_signature', 'wrong_signature', '/v1/security/leaked-keys'],
    ]);
    const withSecret = planSignatureProbes([webhook, leakReports], (s) => s.name === 'openphone');
    expect(withSecret.map((p) => `${p.route.path} ${p.probe}`)).toEqual([
      '/v1/webhooks/openphone unsigned_delivery',
      '/v1/webhooks/openphone malformed_signature',
      '/v1/webhooks/openphone wrong_key_signature',
      '/v1/webhooks/openphone stale_signature',
      '/v1/security/leaked-keys unsigned_delivery',
      '/v1/security/leaked-keys malformed_signature',
      '/v1/security/leaked-keys wrong_key_signature',
    ]);
    for (const p of withSecret) expect(p.url).not.toContain(PROBE_MARKER);
    // Each webhook is checked with a delivery of its own kind: a leak report where leak reports go.
    expect(JSON.parse(withSecret.at(-1)!.body!)).toEqual([{ token: SCAN_LEAK_TOKEN, type: 'clubos_scan', url: 'scan', source: 'clubos scan' }]);
    expect(controlDelivery(webhook, OPENPHONE_SCHEME)).toMatchObject({ url: '/v1/webhooks/openphone', credential: 'signature' });
    expect(controlDelivery(leakReports, LEAK_REPORT_SCHEME)).toMatchObject({ url: '/v1/security/leaked-keys', credential: 'signature', body: withSecret.at(-1)!.body });
  });

  it('puts a payload inside a leak report naming a token that is no API key: as the URL it was found at, or as a field name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom(...ENCODINGS), (payload, encoding) => {
        const value = placeSignedPayload(leakReports, record(payload), 'json_value', encoding);
        const key = placeSignedPayload(leakReports, record(payload), 'json_key', encoding);
        const expected = encodeValue(payload, encoding, true);
        if (expected === null) {
          expect([value, key]).toEqual([null, null]);
          return;
        }
        for (const probe of [value!, key!]) {
          expect(probe.url).toBe('/v1/security/leaked-keys');
          expect(probe.headers).toEqual({ 'content-type': 'application/json' });
        }
        const [asUrl] = JSON.parse(value!.body!) as Record<string, unknown>[];
        expect(asUrl).toEqual({ token: SCAN_LEAK_TOKEN, type: 'clubos_scan', url: expected, source: 'clubos scan' });
        const [asKey] = JSON.parse(key!.body!) as Record<string, unknown>[];
        expect(asKey!.token).toBe(SCAN_LEAK_TOKEN);
        expect(Object.hasOwn(asKey!, expected)).toBe(true);
      }),
    );
  });

  it('signs a leak report as the route verifies it: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> keyed by the secret text', () => {
    const body = '[{"token":"x"}]';
    const secret = 'AAECAwQFBgcICQoLDA0ODw==';
    const at = new Date('2026-03-02T12:00:00.999Z');
    const t = Math.floor(at.getTime() / 1000);
    expect(signLeakReport(body, new Secret(secret), at)).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
    // The text is the key, not its base64 decoding; a different body, time or key is a different signature.
    expect(signLeakReport(body, new Secret(secret), at)).not.toBe(`t=${t},v1=${createHmac('sha256', Buffer.from(secret, 'base64')).update(`${t}.${body}`).digest('hex')}`);
    expect(signLeakReport(`${body} `, new Secret(secret), at)).not.toBe(signLeakReport(body, new Secret(secret), at));
    expect(signLeakReport(body, new Secret(secret), new Date(at.getTime() + 1000))).not.toBe(signLeakReport(body, new Secret(secret), at));
    expect(signLeakReport(body, new Secret(`${secret}x`), at)).not.toBe(signLeakReport(body, new Secret(secret), at));
    // The malformed probe is a header of the right name that is no signature of the scheme.
    expect(LEAK_REPORT_SCHEME.malformed).not.toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(signLeakReport(body, new Secret(secret), at)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('sends JSON values and names to the signed target inside deliveries, everything else as before', () => {
    const records = Array.from({ length: 200 }, (_, i) => record(`' or ${i}=${i} --`, { id: `r${i}`, location: i % 2 === 0 ? 'param_name' : 'any' }));
    const unsigned = planPayloadProbes(records, [{ route: events, credential: 'key' }, { route: webhook, credential: 'none' }], { extraEncodings: 1 });
    const signed = planPayloadProbes(records, [{ route: events, credential: 'key' }, { route: webhook, credential: 'none' }, { route: webhook, credential: 'signature', signed: true }], { extraEncodings: 1 });
    const toSigned = signed.probes.filter((p) => p.credential === 'signature');
    expect(toSigned.length).toBeGreaterThan(0);
    expect(new Set(toSigned.map((p) => p.placement))).toEqual(new Set(['signed_value', 'signed_key']));
    for (const p of toSigned) expect(p.url).not.toContain(PROBE_MARKER);
    for (const p of signed.probes.filter((q) => q.credential !== 'signature')) expect(p.url).toContain(PROBE_MARKER);
    // Placements other than JSON values and names are planned exactly as without a signed target.
    const nonJson = (ps: typeof signed.probes) => ps.filter((p) => !p.placement.startsWith('json') && !p.placement.startsWith('signed')).map((p) => `${p.record.id}:${p.placement}:${p.encoding}`);
    expect(nonJson(signed.probes)).toEqual(nonJson(unsigned.probes));
  });

  it('tallies each signed webhook: its signature checks and what its signed deliveries showed; a refused or unused secret fails', () => {
    const report = tallyScan('http://x', { n: 1, public: 1, protected: 0, unauthenticated_open: 0, open: [], unexpected_public: [], flag_only: [], attack_targets: [], raw_text_bodies: [] }, { auth: [], payloads: [], errors: [] }, {});
    const [check] = planSignatureProbes([webhook], () => true);
    const attack = planPayloadProbes([record("1' or '1'='1")], [{ route: webhook, credential: 'signature', signed: true }], { extraEncodings: 0 }).probes[0]!;
    const benign = planPayloadProbes([record('see you at 7', { expected: 'benign', kind: 'benign_text', tier: 'normal', id: 'b1' })], [{ route: webhook, credential: 'signature', signed: true }], { extraEncodings: 0 }).probes[0]!;
    const ok = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ignored"}' };
    tallySignedWebhooks(
      report,
      [{ route: 'POST /v1/webhooks/openphone', scheme: 'openphone', status: 'scanned', secret: 'accepted' }],
      [{ probe: check!, response: { status: 401, headers: {}, body: '' } }],
      [
        { probe: attack, response: ok, flagged: true },
        { probe: benign, response: ok, flagged: false },
      ],
    );
    expect(report.signed_webhooks).toEqual([
      {
        route: 'POST /v1/webhooks/openphone',
        scheme: 'openphone',
        status: 'scanned',
        secret: 'accepted',
        signature_checks: { unsigned_delivery: 401 },
        deliveries: { attack: { n: 1, detected: 1, rate: 1 }, benign: { n: 1, flagged: 0 } },
      },
    ]);
    expect(humanReport(report, [])).toContain(
      'signed webhook POST /v1/webhooks/openphone (openphone): scanned; unsigned delivery -> 401; signed deliveries: attacks 1/1 detected (100.0 %), benign 0/1 flagged',
    );
    expect(thresholdFailures(report, DEFAULT_THRESHOLDS)).not.toContainEqual(expect.stringMatching(/signed webhook|secret/));
    report.signed_webhooks[0]!.secret = 'refused';
    report.signed_webhooks[0]!.status = 'not scanned: the server refused the signing secret';
    report.unused_signing_secrets.push('--x-secret was given, but nothing was signed');
    expect(thresholdFailures(report, DEFAULT_THRESHOLDS)).toEqual(
      expect.arrayContaining(['signed webhook POST /v1/webhooks/openphone not scanned: the server refused the signing secret', '--x-secret was given, but nothing was signed']),
    );
    expect(humanReport(report, [])).toContain('  UNUSED SECRET --x-secret was given, but nothing was signed');
  });
});
