import sjson from 'secure-json-parse';
import type { HttpApp } from './app.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for routes that verify a signature over it. */
    rawBody?: string;
  }
}

/**
 * In this plugin scope, keep the raw JSON text next to the parsed body: signatures are computed over the bytes
 * that were sent, never over a re-serialisation. Parsing keeps the app-wide rules (__proto__ and constructor
 * keys refused).
 */
export function keepRawJsonBody(app: HttpApp): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    try {
      done(null, text === '' ? null : sjson.parse(text, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      const err = Object.assign(new Error('Body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
      done(err, undefined);
    }
  });
}
