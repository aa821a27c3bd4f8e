import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { parseConfig } from '../config/config.js';
import { createHttpApp } from '../http/app.js';
import { authHooks } from '../http/auth.js';
import { createLogger } from '../logging.js';
import { buildRuntime } from '../main.js';
import { createHmac, randomBytes } from 'node:crypto';
import { load } from './httpLoad.js';
import { type Bench, type BenchFigure, figure } from './types.js';

const BODY = Type.Object({ ok: Type.Boolean() });
const NO_QUERY = Type.Object({}, { additionalProperties: false });


/**
 * Key verification cost (valid key, cached) against one HMAC-SHA-256 of the key (the irreducible part), and the
 * throughput of the same handler behind API-key auth against it without auth, in one run over real HTTP.
 */
export const bench: Bench = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clubos-bench-id-'));
  const secrets = {
    API_KEY_PEPPERS: `1:${randomBytes(32).toString('base64')}`,
    AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
    LEAK_REPORT_SECRET: randomBytes(32).toString('base64'),
  };
  const config = parseConfig({ LOG_LEVEL: 'silent', DATA_DIR: dir, ...secrets });
  const rt = await buildRuntime(config, { logger: createLogger('silent') });
  const figures: BenchFigure[] = [];
  try {
    const { secret } = await rt.keys.create({ name: 'bench', scopes: ['events:read'], ownerId: null }, { type: 'system', id: 'bench' });
    await rt.keys.verify(secret, '127.0.0.1', ['events:read']);

    const N = 50_000;
    let t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await rt.keys.verify(secret, '127.0.0.1', ['events:read']);
    const verifyNs = Number(process.hrtime.bigint() - t) / N;
    const pepper = Buffer.from(secrets.API_KEY_PEPPERS.slice(2), 'base64');
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) createHmac('sha256', pepper).update(secret).digest('hex');
    const hmacNs = Number(process.hrtime.bigint() - t) / N;
    figures.push(
      figure({
        id: 'identity.key_verify_us.cached',
        value: verifyNs / 1000,
        unit: 'µs/request',
        baseline: { label: 'one HMAC-SHA-256 of the key', value: hmacNs / 1000 },
        better: 'lower',
        note: `${N} verifications of a valid cached key (format + checksum + HMAC + cache + verdict)`,
      }),
    );

    const app = await createHttpApp({
      logger: createLogger('silent'),
      devErrors: false,
      setup: { isComplete: async () => true },
      hooks: [authHooks({ keys: rt.keys, operators: rt.operators })],
      routes: [
        (a) => {
          const handler = async () => ({ ok: true });
          a.get('/open', { config: { auth: { public: 'health' } }, schema: { querystring: NO_QUERY, response: { 200: BODY } } }, handler);
          a.get('/keyed', { config: { auth: { scopes: ['events:read'] } }, schema: { querystring: NO_QUERY, response: { 200: BODY } } }, handler);
        },
      ],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      await load(`${base}/open`, {}, 1000);
      await load(`${base}/keyed`, { authorization: `Bearer ${secret}` }, 1000);
      const open = await load(`${base}/open`, {}, 4000);
      const keyed = await load(`${base}/keyed`, { authorization: `Bearer ${secret}` }, 4000);
      figures.push(
        figure({
          id: 'identity.auth_route_rps',
          value: keyed,
          unit: 'requests/s',
          baseline: { label: 'the same route and handler without auth', value: open },
          better: 'higher',
          note: '16 keep-alive clients over loopback, 4 s each; usage accounting included',
        }),
      );
    } finally {
      await app.close();
    }
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
};
