import { type FakeServer, startFakeHttp } from './fakeHttp.js';

/**
 * Speaks the UniFi Access developer API's door unlock: Bearer token, `PUT
 * /api/v1/developer/doors/{id}/unlock`, HTTP 200 with `{code, msg, data}` for answers, as the console does.
 */
export async function startFakeUnifi(token: string, doors: Record<string, 'online' | 'offline'>): Promise<FakeServer> {
  return startFakeHttp((req) => {
    if (req.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { code: 'CODE_UNAUTHORIZED', msg: 'unauthorized', data: null } };
    const m = /^\/api\/v1\/developer\/doors\/([^/]+)\/unlock$/.exec(req.path);
    if (req.method !== 'PUT' || m === null) return { status: 404, body: { code: 'CODE_NOT_EXISTS', msg: 'not found', data: null } };
    let body: { actor_id?: unknown; actor_name?: unknown };
    try {
      body = JSON.parse(req.body);
    } catch {
      return { status: 200, body: { code: 'CODE_PARAMS_INVALID', msg: 'invalid body', data: null } };
    }
    if (typeof body.actor_id === 'string' && typeof body.actor_name !== 'string') {
      return { status: 200, body: { code: 'CODE_PARAMS_INVALID', msg: 'actor_name required with actor_id', data: null } };
    }
    const door = doors[decodeURIComponent(m[1]!)];
    if (door === undefined) return { status: 200, body: { code: 'CODE_NOT_EXISTS', msg: 'door not found', data: null } };
    if (door === 'offline') return { status: 200, body: { code: 'CODE_DEVICE_DEVICE_OFFLINE', msg: 'device offline', data: null } };
    return { status: 200, body: { code: 'SUCCESS', msg: 'success', data: null } };
  });
}
