import { type IncomingMessage, get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperatorSession, type CreatedKey, createKey, createOperator, sampleEvent, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

interface Frame {
  readonly id?: string;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** A real SSE client over a real socket: frames and heartbeat comments as they arrive. */
async function openStream(base: string, headers: Record<string, string>) {
  // node:http rather than fetch: undici opens a spare socket after an abort that holds the server's shutdown.
  const res = await new Promise<IncomingMessage>((resolve, reject) => get(`${base}/v1/stream`, { headers: { accept: 'text/event-stream', ...headers } }, resolve).on('error', reject));
  const frames: Frame[] = [];
  let heartbeats = 0;
  let closed = false;
  let buffer = '';
  const waiters = new Set<() => void>();
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (block.startsWith(':')) heartbeats++;
      const fields = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      if (fields.data !== undefined) frames.push({ ...(fields.id ? { id: fields.id } : {}), event: fields.event ?? 'message', data: JSON.parse(fields.data) });
    }
    for (const w of waiters) w();
  });
  res.on('close', () => {
    closed = true;
    for (const w of waiters) w();
  });
  const until = async (what: string, ok: () => boolean, ms = 10_000) => {
    const start = Date.now();
    while (!ok()) {
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(frames)}`);
      await new Promise<void>((resolve) => {
        const w = () => {
          waiters.delete(w);
          resolve();
        };
        waiters.add(w);
        setTimeout(w, 50);
      });
    }
  };
  return {
    status: res.statusCode,
    header: (name: string) => res.headers[name],
    frames,
    heartbeats: () => heartbeats,
    closed: () => closed,
    until,
    frame: async (event: string, match: (d: Record<string, unknown>) => boolean = () => true) => {
      await until(event, () => frames.some((f) => f.event === event && match(f.data)));
      return frames.find((f) => f.event === event && match(f.data))!;
    },
    close: () => res.destroy(),
  };
}

for (const engine of engines) {
  describe(`live stream /v1/stream on ${engine.name}`, () => {
    let rt: TestRuntime;
    let base: string;
    let admin: OperatorSession;
    let key: CreatedKey;
    beforeAll(async () => {
      rt = await startRuntime(engine, { LIVE_HEARTBEAT_MS: '150', PORT: '0', HOST: '127.0.0.1', SECURITY_RATE_LIMIT_MAX: '100000', FEATURE_PERFORMANCE_GUARD: 'false' });
      admin = await setupAdmin(rt);
      key = await createKey(rt, admin, ['events:write']);
      base = await rt.listen();
    });
    afterAll(async () => {
      await rt.dispose();
    });

    const post = (body: Record<string, unknown>) => fetch(`${base}/v1/events`, { method: 'POST', headers: { ...key.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('is for signed-in operators only', async () => {
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/stream' }), 401);
      const byKey = await rt.app.inject({ method: 'GET', url: '/v1/stream', headers: { ...key.headers, accept: 'text/event-stream' } });
      expect(expectProblem(byKey, 403).type).toBe('/problems/principal-not-accepted');
      // A client that does not ask for a stream (a scanner, curl) gets an answer at once instead of an endless body.
      for (const accept of [undefined, '*/*', 'application/json']) {
        const res = await rt.app.inject({ method: 'GET', url: '/v1/stream', headers: { ...admin.headers, ...(accept ? { accept } : {}) } });
        expect(expectProblem(res, 406).type).toBe('/problems/not-acceptable');
      }
    });

    it('pushes a message accepted through the API to a connected operator, ids and states only, without customer text', async () => {
      const s = await openStream(base, { cookie: admin.cookie });
      expect(s.status).toBe(200);
      expect(s.header('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(s.header('cache-control')).toBe('no-store');
      expect(s.header('x-content-type-options')).toBe('nosniff');
      expect((await s.frame('ready')).data.resync).toBe(false);

      const accepted = await post({ ...sampleEvent, text: 'trackman frozen in bay 3, secret-marker-123' });
      expect(accepted.status).toBe(202);
      const { id } = (await accepted.json()) as { id: string };
      const received = await s.frame('event.received', (d) => d.eventId === id);
      expect(received.data).toEqual({ eventId: id, kind: 'message', location: 'Dartmouth' });
      expect(Number(received.id)).toBeGreaterThan(0);
      const proposed = await s.frame('decision.proposed', (d) => d.eventId === id);
      expect(proposed.data.location).toBe('Dartmouth');
      expect(JSON.stringify(s.frames)).not.toContain('secret-marker-123');
      s.close();
    });

    it('gives each operator only the locations they may see', async () => {
      const bedford = await createOperator(rt, admin, 'operator', 'bedford_only', ['Bedford']);
      const s = await openStream(base, { cookie: bedford.cookie });
      await s.frame('ready');
      const dartmouth = (await (await post({ ...sampleEvent, location: 'Dartmouth' })).json()) as { id: string };
      const bedfordEvent = (await (await post({ ...sampleEvent, location: 'Bedford' })).json()) as { id: string };
      await s.frame('event.received', (d) => d.eventId === bedfordEvent.id);
      await s.frame('decision.proposed', (d) => d.eventId === bedfordEvent.id);
      await rt.decisions.handle.settled();
      expect(s.frames.some((f) => f.data.eventId === dartmouth.id)).toBe(false);
      expect(s.frames.every((f) => f.event === 'ready' || f.data.location === 'Bedford')).toBe(true);
      s.close();
    });

    it('sends heartbeats, and tells a client reconnecting with Last-Event-ID to resynchronise', async () => {
      const s = await openStream(base, { cookie: admin.cookie, 'last-event-id': '41' });
      expect((await s.frame('ready')).data.resync).toBe(true);
      await s.until('two heartbeats', () => s.heartbeats() >= 2);
      s.close();
    });

    it('ends the stream when its session is signed out', async () => {
      const op = await createOperator(rt, admin, 'viewer', 'leaving_viewer');
      const s = await openStream(base, { cookie: op.cookie });
      await s.frame('ready');
      const out = await rt.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: op.headers, payload: {} });
      expect(out.statusCode).toBe(204);
      expect((await s.frame('session-ended')).data.reason).toBe('revoked');
      await s.until('the server to close the stream', () => s.closed());
    });

    it('ends the stream when the session expires, and never extends an idle session itself', async () => {
      const op = await createOperator(rt, admin, 'viewer', 'idle_viewer');
      const s = await openStream(base, { cookie: op.cookie });
      await s.frame('ready');
      await s.until('heartbeats', () => s.heartbeats() >= 2);
      rt.clock.advance(12 * 3_600_000 + 1000);
      expect((await s.frame('session-ended')).data.reason).toBe('idle_expired');
      await s.until('the server to close the stream', () => s.closed());
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/auth/me', headers: op.headers }), 401);
    });

    it('lets the server shut down with streams open', async () => {
      const other = await startRuntime(engine, { LIVE_HEARTBEAT_MS: '60000', PORT: '0', HOST: '127.0.0.1', FEATURE_PERFORMANCE_GUARD: 'false' });
      const otherAdmin = await setupAdmin(other);
      const s = await openStream(await other.listen(), { cookie: otherAdmin.cookie });
      await s.frame('ready');
      await other.dispose();
      await s.until('the stream to end', () => s.closed());
    });
  });
}
