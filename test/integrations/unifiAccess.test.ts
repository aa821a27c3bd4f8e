import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceCommand } from '../../src/actions/ports.js';
import { Secret } from '../../src/integrations/secret.js';
import { createUnifiDoorUnlock } from '../../src/integrations/unifiAccess/doorUnlock.js';
import { ctx, within } from './context.js';
import { closedPort, type FakeServer } from './fakes/fakeHttp.js';
import { startFakeUnifi } from './fakes/fakeUnifi.js';

const TOKEN = 'uat_Kk2LOCALconsoleTOKEN';
let hub: FakeServer;
beforeEach(async () => {
  hub = await startFakeUnifi(TOKEN, { 'door-front': 'online', 'door-side': 'offline' });
});
afterEach(() => hub.close());

const unifi = (doorId = 'door-front', token = TOKEN, baseUrl = hub.url) =>
  createUnifiDoorUnlock({ id: 'unifi:Dartmouth', baseUrl, token: new Secret(token), doorId });
const unlock = (ms = 2000): DeviceCommand => ({
  decision: 'unlock_door',
  params: { location: 'Dartmouth', bookingId: 'bk-283b41' },
  idempotencyKey: 'ex-42',
  deadline: within(ms),
});

describe('UniFi Access door unlock', () => {
  it('unlocks with a Bearer token and names ClubOS as the actor', async () => {
    expect(await unifi().execute(unlock(), ctx())).toEqual({ outcome: 'succeeded', detail: 'door door-front unlocked' });
    const req = hub.requests[0]!;
    expect(req.method).toBe('PUT');
    expect(req.path).toBe('/api/v1/developer/doors/door-front/unlock');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(req.body)).toEqual({ actor_id: 'clubos', actor_name: 'ClubOS', extra: { execution: 'ex-42', booking: 'bk-283b41' } });
  });

  it('maps the console codes: bad token, unknown door, offline door, system error', async () => {
    expect(await unifi('door-front', 'bad').execute(unlock(), ctx())).toMatchObject({ outcome: 'failed', reason: 'auth' });
    expect(await unifi('door-back').execute(unlock(), ctx())).toMatchObject({ outcome: 'failed', reason: 'not_found' });
    expect(await unifi('door-side').execute(unlock(), ctx())).toMatchObject({ outcome: 'failed', reason: 'device_offline' });
    hub.inject({ status: 200, body: { code: 'CODE_SYSTEM_ERROR', msg: 'x', data: null } }, { status: 502, body: 'bad gateway' });
    expect(await unifi().execute(unlock(), ctx())).toMatchObject({ outcome: 'failed', reason: 'server_error' });
    expect(await unifi().execute(unlock(), ctx())).toMatchObject({ outcome: 'failed', reason: 'server_error' });
  });

  it('never reports an unanswered unlock as retryable: malformed, dropped and timed-out unlocks are unconfirmed', async () => {
    hub.inject({ status: 200, body: '<html>' }, 'drop', 'hang');
    expect(await unifi().execute(unlock(), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'malformed_response' });
    expect(await unifi().execute(unlock(), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'connection_dropped' });
    expect(await unifi().execute(unlock(200), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'deadline' });
  });

  it('fails plainly when the console is unreachable, and refuses other actions', async () => {
    expect(await unifi('door-front', TOKEN, `http://127.0.0.1:${await closedPort()}`).execute(unlock(), ctx())).toMatchObject({
      outcome: 'failed',
      reason: 'unreachable',
    });
    expect(await unifi().execute({ ...unlock(), decision: 'reset_trackman' }, ctx())).toMatchObject({ outcome: 'failed', reason: 'not_configured' });
    expect(hub.requests).toHaveLength(0);
  });

  it('never puts the token into a result', async () => {
    hub.inject({ status: 200, body: { code: TOKEN } }, 'drop');
    const results = [await unifi().execute(unlock(), ctx()), await unifi().execute(unlock(), ctx()), await unifi('door-front', 'x').execute(unlock(), ctx())];
    for (const r of results) expect(JSON.stringify(r)).not.toContain(TOKEN);
  });
});
