import { createHmac } from 'node:crypto';
import { type FakeServer, startFakeHttp } from './fakeHttp.js';

const E164 = /^\+[1-9]\d{6,14}$/;

/** Speaks OpenPhone's `POST /v1/messages`: raw API key auth, `{content, from, to:[…]}`, 202 `{data}`. */
export async function startFakeOpenPhone(apiKey: string, from: string): Promise<FakeServer> {
  let n = 0;
  return startFakeHttp((req) => {
    if (req.headers.authorization !== apiKey) return { status: 401, body: { message: 'Unauthorized', code: '0100401' } };
    if (req.method !== 'POST' || req.path !== '/v1/messages') return { status: 404, body: { message: 'Not Found' } };
    let body: { content?: unknown; from?: unknown; to?: unknown };
    try {
      body = JSON.parse(req.body);
    } catch {
      return { status: 400, body: { message: 'Invalid JSON' } };
    }
    const to = body.to;
    const valid =
      typeof body.content === 'string' &&
      body.content.length > 0 &&
      body.from === from &&
      Array.isArray(to) &&
      to.length === 1 &&
      typeof to[0] === 'string' &&
      E164.test(to[0]);
    if (!valid) return { status: 400, body: { message: 'Bad Request' } };
    n += 1;
    return {
      status: 202,
      body: { data: { id: `AC${String(n).padStart(6, '0')}`, to, from, text: body.content, direction: 'outgoing', status: 'queued' } },
    };
  });
}

/** Signs a webhook delivery the way OpenPhone does. */
export function openPhoneSignature(rawBody: string, base64Key: string, timestampMs: number): string {
  const sig = createHmac('sha256', Buffer.from(base64Key, 'base64')).update(`${timestampMs}.${rawBody}`).digest('base64');
  return `hmac;1;${timestampMs};${sig}`;
}

export function messageReceived(eventId: string, text: string, version: 'v3' | 'v4' = 'v3'): string {
  const object = {
    id: 'AC9f2c',
    object: 'message',
    from: '+19025550123',
    to: version === 'v3' ? ['+19025550100'] : '+19025550100',
    direction: 'incoming',
    ...(version === 'v3' ? { body: text } : { text }),
    status: 'received',
    createdAt: '2026-03-01T02:14:00.000Z',
    userId: 'US1',
    phoneNumberId: 'PN1',
    conversationId: 'CN1',
  };
  return JSON.stringify({ id: eventId, object: 'event', apiVersion: version, createdAt: '2026-03-01T02:14:01.000Z', type: 'message.received', data: { object } });
}
