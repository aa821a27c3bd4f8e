import http from 'node:http';
import https from 'node:https';
import type { CallContext } from '../actions/ports.js';

/**
 * One HTTP exchange over node:http(s), reporting *whether the request left* as well as what came
 * back. That distinction decides safety: a refused connection is a plain failure, but a connection
 * that drops after the request was written may have unlocked the door.
 */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** PEM of a private CA or self-signed certificate to trust (a UniFi console's own certificate). */
  readonly ca?: string;
}

export type HttpAttempt =
  | { readonly kind: 'response'; readonly status: number; readonly text: string }
  /** Nothing reached the server: connection refused, DNS failure, deadline passed before connecting. */
  | { readonly kind: 'not_sent'; readonly reason: 'unreachable' | 'deadline'; readonly detail: string }
  /** The request was written, then the connection failed before a full answer. */
  | { readonly kind: 'dropped'; readonly detail: string }
  /** The request was written and the deadline passed (or the caller aborted) before a full answer. */
  | { readonly kind: 'deadline'; readonly detail: string };

const MAX_BODY = 1 << 20;

// Error codes carry no URL, header or body: safe to put in a result.
const codeOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'connection error';

/**
 * @example
 * const attempt = await httpCall({ method: 'GET', url: 'http://127.0.0.1:8080/x' }, deadline, { clock, signal });
 * if (attempt.kind === 'response') console.log(attempt.status);
 */
export function httpCall(req: HttpRequest, deadline: Date, ctx: CallContext): Promise<HttpAttempt> {
  const remaining = deadline.getTime() - ctx.clock.now().getTime();
  if (ctx.signal.aborted) return Promise.resolve({ kind: 'not_sent', reason: 'deadline', detail: 'aborted before sending' });
  if (remaining <= 0) return Promise.resolve({ kind: 'not_sent', reason: 'deadline', detail: 'deadline passed before sending' });
  const url = new URL(req.url);
  const transport = url.protocol === 'https:' ? https : http;
  const body = req.body ?? '';
  return new Promise((resolve) => {
    let sent = false;
    let settled = false;
    const finish = (attempt: HttpAttempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(attempt);
    };
    const stop = (why: string) =>
      finish(sent ? { kind: 'deadline', detail: why } : { kind: 'not_sent', reason: 'deadline', detail: `${why} before the request was sent` });
    const onAbort = () => stop('aborted');
    const timer = setTimeout(() => stop('deadline passed'), remaining);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // A fresh connection per call: a stale keep-alive socket would turn a harmless retry into an
    // ambiguous "dropped after sending".
    const request = transport.request(
      url,
      {
        method: req.method,
        agent: false,
        headers: { ...req.headers, ...(req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
        ...(req.ca === undefined ? {} : { ca: req.ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) finish({ kind: 'response', status: res.statusCode ?? 0, text: '' });
          else chunks.push(chunk);
        });
        res.on('end', () => finish({ kind: 'response', status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => finish({ kind: 'dropped', detail: codeOf(e) }));
        res.on('aborted', () => finish({ kind: 'dropped', detail: 'response aborted' }));
      },
    );
    request.on('finish', () => {
      sent = true;
    });
    request.on('error', (e) =>
      finish(sent ? { kind: 'dropped', detail: codeOf(e) } : { kind: 'not_sent', reason: 'unreachable', detail: codeOf(e) }),
    );
    request.end(body);
  });
}

/** Parses a JSON body; `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
