import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local HTTP server on 127.0.0.1:0 that records every request and answers through a vendor's
 * handler, unless a fault was injected for the next request: a raw status/body (5xx, 401, malformed
 * JSON), `hang` (never answer) or `drop` (read the whole request, then cut the connection).
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  /** Objects are sent as JSON; strings as they are. */
  readonly body?: unknown;
}

export type Fault = 'hang' | 'drop' | Reply;

export interface FakeServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Faults for the next requests, in order; requests after them go to the handler again. */
  inject(...faults: Fault[]): void;
  close(): Promise<void>;
}

export async function startFakeHttp(handler: (req: RecordedRequest) => Reply): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const fault = faults.shift();
      if (fault === 'hang') return;
      if (fault === 'drop') {
        req.socket.destroy();
        return;
      }
      send(res, fault ?? handler(recorded));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    inject: (...f) => {
      faults.push(...f);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
  const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(reply.status, { 'content-type': type });
  res.end(text);
}

/** A port nothing listens on: bind one, note it, close it. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
