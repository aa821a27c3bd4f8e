import { type FakeServer, startFakeHttp } from './fakeHttp.js';

/** Speaks Slack's incoming-webhook contract for one webhook path. */
export async function startFakeSlack(hookPath: string): Promise<FakeServer> {
  return startFakeHttp((req) => {
    if (req.method !== 'POST' || req.path !== hookPath) return { status: 404, body: 'no_service' };
    if (req.headers['content-type'] !== 'application/json') return { status: 400, body: 'invalid_payload' };
    let payload: unknown;
    try {
      payload = JSON.parse(req.body);
    } catch {
      return { status: 400, body: 'invalid_payload' };
    }
    const text = (payload as { text?: unknown }).text;
    if (typeof text !== 'string' || text.length === 0) return { status: 400, body: 'no_text' };
    return { status: 200, body: 'ok' };
  });
}
