import { readFileSync } from 'node:fs';
import { type Server, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCall } from '../../src/integrations/httpCall.js';
import { Secret } from '../../src/integrations/secret.js';
import { createUnifiDoorUnlock } from '../../src/integrations/unifiAccess/doorUnlock.js';
import { ctx, within } from './context.js';

const CERT = readFileSync(new URL('../fixtures/tls/localhost.crt', import.meta.url), 'utf8');
const KEY = readFileSync(new URL('../fixtures/tls/localhost.key', import.meta.url), 'utf8');
const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
};

describe('UniFi Access over HTTPS with the controller’s own CA', () => {
  const unlocks: { door: string; body: unknown }[] = [];
  let url: string;
  let server: Server;
  let answer: Record<string, unknown> = { code: 'SUCCESS', msg: 'success' };
  beforeAll(async () => {
    server = createHttpsServer({ cert: CERT, key: KEY }, (req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += String(c);
      });
      req.on('end', () => {
        unlocks.push({ door: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    url = `https://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const door = (ca?: string) => createUnifiDoorUnlock({ id: 'unifi:Dartmouth', baseUrl: url, token: new Secret('uat-1'), doorId: 'front door', ...(ca === undefined ? {} : { ca }) });
  const unlock = (bookingId?: string) => ({ decision: 'unlock_door' as const, params: { location: 'Dartmouth', ...(bookingId === undefined ? {} : { bookingId }) }, idempotencyKey: 'ex-1', deadline: within(3000) });

  it('unlocks through a controller whose certificate the configured CA signed, naming the booking for reconciliation', async () => {
    expect(await door(CERT).execute(unlock('bk-42'), ctx())).toEqual({ outcome: 'succeeded', detail: 'door front door unlocked' });
    expect(unlocks.at(-1)).toEqual({ door: '/api/v1/developer/doors/front%20door/unlock', body: { actor_id: 'clubos', actor_name: 'ClubOS', extra: { execution: 'ex-1', booking: 'bk-42' } } });
  });

  it('without the CA the controller is not trusted: nothing is sent, and the result names only the TLS error code', async () => {
    const before = unlocks.length;
    expect(await door().execute(unlock(), ctx())).toEqual({ outcome: 'failed', reason: 'unreachable', detail: 'UniFi Access not reached (DEPTH_ZERO_SELF_SIGNED_CERT)' });
    expect(unlocks).toHaveLength(before);
  });

  it('a code it does not know is reported as unknown rather than echoed', async () => {
    answer = { code: 'door<script>alert(1)</script>' };
    expect(await door(CERT).execute(unlock(), ctx())).toEqual({ outcome: 'failed', reason: 'rejected', detail: 'UniFi Access answered an unknown code' });
    answer = { code: 'CODE_DOOR_JAMMED' };
    expect(await door(CERT).execute(unlock(), ctx())).toEqual({ outcome: 'failed', reason: 'rejected', detail: 'UniFi Access answered CODE_DOOR_JAMMED' });
  });
});

describe('vendor HTTP calls at the edges', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let i = 0; i < 40; i++) res.write(chunk);
        res.end();
        return;
      }
      // /stall: accept the connection, never read the request body.
      req.socket.pause();
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('keeps the status of an answer larger than 1 MiB but not its body', async () => {
    expect(await httpCall({ method: 'GET', url: `${base}/huge` }, within(5000), ctx())).toEqual({ kind: 'response', status: 200, text: '' });
  });

  it('a vendor that stops reading while the request is still being sent: the deadline passes before it was sent (safe to retry)', async () => {
    const body = 'x'.repeat(16 * 1024 * 1024);
    expect(await httpCall({ method: 'POST', url: `${base}/stall`, body }, within(300), ctx())).toEqual({ kind: 'not_sent', reason: 'deadline', detail: 'deadline passed before the request was sent' });
  });
});
