import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import { canAccessLocation } from '../../identity/operator.js';
import { SESSION_COOKIE } from '../../identity/sessions.js';
import type { SessionOutcome } from '../../identity/sessions.js';
import type { LiveFeed, LiveMessage } from '../../live/feed.js';
import { SSE_HEARTBEAT, sseFrame, sseRetry } from '../../live/sse.js';
import type { HttpApp } from '../app.js';
import { principalOf } from '../auth.js';
import { SECURITY_HEADERS } from '../securityHeaders.js';
import { NoQuery } from '../schemas.js';
import { sendProblem } from '../problem.js';
import { problems } from '../../kernel/problems.js';

export interface StreamDeps {
  readonly feed: LiveFeed;
  /** The session's state, read without extending it (an open tab must not keep an idle session alive). */
  readonly sessionState: (token: string) => Promise<SessionOutcome>;
  /** Heartbeat interval; the session is re-checked at each one, so a stream ends within one after logout. */
  readonly heartbeatMs: number;
  /** A slow client whose unsent frames exceed this is disconnected (it reconnects and re-reads state). */
  readonly maxBufferedBytes?: number;
}

/**
 * `GET /v1/stream`: the live feed as server-sent events, for operators signed in with a session. Each operator
 * receives only messages for locations they may see. The feed keeps no history: a reconnecting client
 * (`Last-Event-ID`) is told to resynchronise (`ready` with `resync: true`) and re-reads state through the API.
 */
export function streamRoutes(deps: StreamDeps) {
  const maxBuffered = deps.maxBufferedBytes ?? 1024 * 1024;
  let seq = 0;
  const open = new Set<(shutdown: boolean) => void>();

  return (app: HttpApp) => {
    // Streams never go idle: end them before the server waits for connections to drain, and drop their sockets
    // (a client that stopped reading would otherwise hold the shutdown; EventSource reconnects elsewhere).
    app.addHook('preClose', async () => {
      for (const end of [...open]) end(true);
    });

    app.get(
      '/v1/stream',
      {
        config: { auth: { operator: 'viewer' } },
        schema: {
          tags: ['live'],
          summary: 'Live updates for the console (text/event-stream; session only); events carry ids and states, never customer text',
          querystring: NoQuery,
          response: { 200: Type.String({ description: 'text/event-stream' }) },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const token = request.cookies[SESSION_COOKIE];
        if (principal.kind !== 'operator' || token === undefined) throw new Error('stream reached without a session');
        // Only a client that asks for a stream gets one (EventSource does): others would wait on it forever.
        if (!/\btext\/event-stream\b/.test(String(request.headers.accept ?? ''))) {
          return sendProblem(request, reply, problems['not-acceptable'], 'Send Accept: text/event-stream.');
        }
        const lastEventId = request.headers['last-event-id'];

        reply.hijack();
        const raw: ServerResponse = reply.raw;
        raw.writeHead(200, {
          ...SECURITY_HEADERS,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
          'x-request-id': String(request.id),
        });

        let ended = false;
        const send = (chunk: string) => {
          if (ended) return;
          raw.write(chunk);
          if (raw.writableLength > maxBuffered) end(true);
        };
        const onMessage = (m: LiveMessage) => {
          if (m.location !== null && !canAccessLocation(principal, m.location)) return;
          seq += 1;
          send(sseFrame({ id: String(seq), event: m.topic, data: { ...m.data, location: m.location } }));
        };
        const unsubscribe = deps.feed.subscribe(onMessage);
        const heartbeat = setInterval(() => {
          void deps.sessionState(token).then(
            (state) => {
              if (state === 'valid') return send(SSE_HEARTBEAT);
              send(sseFrame({ event: 'session-ended', data: { reason: state } }));
              end();
            },
            (err: unknown) => request.log.warn({ err }, 'stream: session check failed'),
          );
        }, deps.heartbeatMs);
        heartbeat.unref();

        function end(shutdown = false) {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          unsubscribe();
          open.delete(end);
          raw.end();
          if (shutdown) raw.socket?.destroy();
        }
        open.add(end);
        raw.on('close', () => end(true));

        send(sseRetry(3000));
        send(sseFrame({ event: 'ready', data: { resync: typeof lastEventId === 'string', heartbeatMs: deps.heartbeatMs } }));
      },
    );
  };
}
