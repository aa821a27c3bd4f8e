import { type FakeServer, startFakeHttp } from './fakeHttp.js';

/**
 * Speaks the NinjaOne parts ClubOS uses: client-credentials tokens, `POST /v2/device/{id}/script/run`
 * and `GET /v2/device/{id}/activities?type=ACTION[&pageSize][&newerThan]`. A script run adds an
 * activity that reports its result after `pollsUntilDone` activity reads.
 */
export interface ScriptBehaviour {
  readonly name: string;
  readonly result: 'SUCCESS' | 'FAILURE';
  readonly pollsUntilDone: number;
}

export interface FakeNinjaOne extends FakeServer {
  readonly tokensIssued: () => number;
  /** Makes every issued token invalid (as if revoked). */
  readonly revokeTokens: () => void;
}

export async function startFakeNinjaOne(
  client: { id: string; secret: string },
  devices: readonly number[],
  scripts: Record<number, ScriptBehaviour>,
  expiresIn = 3600,
): Promise<FakeNinjaOne> {
  const valid = new Set<string>();
  let issued = 0;
  let nextActivity = 500;
  const activities = new Map<number, { id: number; sourceName: string; activityType: string; final: string; pollsLeft: number }[]>(
    devices.map((d) => [d, [{ id: 400, sourceName: 'Patch scan', activityType: 'ACTION', final: 'SUCCESS', pollsLeft: 0 }]]),
  );
  const server = await startFakeHttp((req) => {
    if (req.method === 'POST' && req.path === '/ws/oauth/token') {
      const form = new URLSearchParams(req.body);
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('grant_type') !== 'client_credentials') {
        return { status: 400, body: { error: 'unsupported_grant_type' } };
      }
      if (form.get('client_id') !== client.id || form.get('client_secret') !== client.secret) return { status: 401, body: { error: 'invalid_client' } };
      if (!(form.get('scope') ?? '').split(' ').includes('control')) return { status: 400, body: { error: 'invalid_scope' } };
      issued += 1;
      const token = `ninja-token-${issued}`;
      valid.add(token);
      return { status: 200, body: { access_token: token, expires_in: expiresIn, scope: form.get('scope'), token_type: 'Bearer' } };
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !valid.has(auth.slice(7))) return { status: 401, body: { error: 'invalid_token' } };
    const url = new URL(req.path, 'http://x');
    const run = /^\/v2\/device\/(\d+)\/script\/run$/.exec(url.pathname);
    if (req.method === 'POST' && run !== null) {
      const list = activities.get(Number(run[1]));
      if (list === undefined) return { status: 404, body: { error: 'device not found' } };
      const body = JSON.parse(req.body) as { type?: unknown; id?: unknown; runAs?: unknown };
      const script = typeof body.id === 'number' ? scripts[body.id] : undefined;
      if (body.type !== 'SCRIPT' || script === undefined || typeof body.runAs !== 'string') return { status: 400, body: { error: 'invalid script' } };
      nextActivity += 1;
      list.push({ id: nextActivity, sourceName: script.name, activityType: 'ACTION', final: script.result, pollsLeft: script.pollsUntilDone });
      return { status: 204 };
    }
    const acts = /^\/v2\/device\/(\d+)\/activities$/.exec(url.pathname);
    if (req.method === 'GET' && acts !== null) {
      const list = activities.get(Number(acts[1]));
      if (list === undefined) return { status: 404, body: { error: 'device not found' } };
      if (url.searchParams.get('type') !== 'ACTION') return { status: 400, body: { error: 'type expected' } };
      const newerThan = Number(url.searchParams.get('newerThan') ?? 0);
      const pageSize = Number(url.searchParams.get('pageSize') ?? 100);
      const shown = list
        .filter((a) => a.id > newerThan)
        .sort((a, b) => b.id - a.id)
        .slice(0, pageSize)
        .map((a) => {
          if (newerThan > 0 && a.pollsLeft > 0) a.pollsLeft -= 1;
          return { id: a.id, deviceId: Number(acts[1]), activityType: a.activityType, sourceName: a.sourceName, activityResult: a.pollsLeft > 0 ? 'STARTED' : a.final };
        });
      return { status: 200, body: { lastActivityId: shown[0]?.id ?? newerThan, activities: shown } };
    }
    return { status: 404, body: { error: 'not found' } };
  });
  return Object.assign(server, { tokensIssued: () => issued, revokeTokens: () => valid.clear() });
}
