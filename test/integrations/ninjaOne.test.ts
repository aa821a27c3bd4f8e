import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext, DeviceAction, DeviceCommand } from '../../src/actions/ports.js';
import type { Clock } from '../../src/kernel/clock.js';
import { createNinjaOneScripts, type NinjaOneConfig } from '../../src/integrations/ninjaOne/runScript.js';
import { Secret } from '../../src/integrations/secret.js';
import { closedPort } from './fakes/fakeHttp.js';
import { type FakeNinjaOne, startFakeNinjaOne } from './fakes/fakeNinjaOne.js';

const CLIENT = { id: 'clubos-client', secret: 'ninja-client-secret-9QzX' };
const RESET = 11;
const REBOOT = 12;
let ninja: FakeNinjaOne;
let offset = 0;
// Real time (sockets and timers are real) that a test can push forward to expire tokens.
const clock: Clock = { now: () => new Date(Date.now() + offset) };
const ctx: CallContext = { clock, signal: new AbortController().signal };

const start = async (resetResult: 'SUCCESS' | 'FAILURE' = 'SUCCESS', pollsUntilDone = 2) => {
  ninja = await startFakeNinjaOne(CLIENT, [7001, 7002], {
    [RESET]: { name: 'Restart TrackMan', result: resetResult, pollsUntilDone },
    [REBOOT]: { name: 'Reboot bay PC', result: 'SUCCESS', pollsUntilDone },
  });
};
beforeEach(() => {
  offset = 0;
});
afterEach(() => ninja.close());

const config = (over: Partial<NinjaOneConfig> = {}): NinjaOneConfig => ({
  id: 'ninjaone:Dartmouth',
  baseUrl: ninja.url,
  clientId: CLIENT.id,
  clientSecret: new Secret(CLIENT.secret),
  bayDevices: { '3': 7001, '4': 7002 },
  scripts: { reset_trackman: { id: RESET, name: 'Restart TrackMan' }, reboot_bay_pc: { id: REBOOT, name: 'Reboot bay PC' } },
  pollIntervalMs: 20,
  ...over,
});
const command = (decision: DeviceAction, ms = 3000, bay = 3): DeviceCommand => ({
  decision,
  params: { location: 'Dartmouth', bay },
  idempotencyKey: `ex-${decision}`,
  deadline: new Date(clock.now().getTime() + ms),
});

describe('NinjaOne run script', () => {
  it('runs the bay PC script and succeeds when its activity reports SUCCESS', async () => {
    await start();
    const result = await createNinjaOneScripts(config()).execute(command('reset_trackman'), ctx);
    expect(result).toEqual({ outcome: 'succeeded', detail: 'NinjaOne ran Restart TrackMan on device 7001', vendorRef: 'activity:501' });
    const run = ninja.requests.find((r) => r.path === '/v2/device/7001/script/run')!;
    expect(run.headers.authorization).toBe('Bearer ninja-token-1');
    expect(JSON.parse(run.body)).toEqual({ type: 'SCRIPT', id: RESET, parameters: '', runAs: 'system' });
  });

  it('caches the token until shortly before it expires', async () => {
    await start();
    const scripts = createNinjaOneScripts(config());
    await scripts.execute(command('reset_trackman'), ctx);
    await scripts.execute(command('reset_trackman', 3000, 4), ctx);
    expect(ninja.tokensIssued()).toBe(1);
    offset = 3600_000 - 30_000;
    expect(await scripts.execute(command('reset_trackman'), ctx)).toMatchObject({ outcome: 'succeeded' });
    expect(ninja.tokensIssued()).toBe(2);
  });

  it('fetches a new token once when the cached one is refused', async () => {
    await start();
    const scripts = createNinjaOneScripts(config());
    await scripts.execute(command('reset_trackman'), ctx);
    ninja.revokeTokens();
    expect(await scripts.execute(command('reset_trackman'), ctx)).toMatchObject({ outcome: 'succeeded' });
    expect(ninja.tokensIssued()).toBe(2);
  });

  it('fails on wrong client credentials without running anything', async () => {
    await start();
    const result = await createNinjaOneScripts(config({ clientSecret: new Secret('wrong') })).execute(command('reset_trackman'), ctx);
    expect(result).toMatchObject({ outcome: 'failed', reason: 'auth' });
    expect(ninja.requests.filter((r) => r.path.includes('script/run'))).toHaveLength(0);
  });

  it('fails when the script reports FAILURE, and for unmapped bays or actions', async () => {
    await start('FAILURE');
    expect(await createNinjaOneScripts(config()).execute(command('reset_trackman'), ctx)).toMatchObject({
      outcome: 'failed',
      reason: 'rejected',
      detail: 'NinjaOne script Restart TrackMan ended FAILURE',
    });
    expect(await createNinjaOneScripts(config()).execute(command('reset_trackman', 3000, 9), ctx)).toMatchObject({ reason: 'not_configured' });
    expect(await createNinjaOneScripts(config()).execute(command('unlock_door'), ctx)).toMatchObject({ reason: 'not_configured' });
  });

  it('times out a reset retryably but leaves a reboot without a result unconfirmed', async () => {
    await start('SUCCESS', 10_000);
    expect(await createNinjaOneScripts(config()).execute(command('reset_trackman', 200), ctx)).toMatchObject({ outcome: 'timed_out', reason: 'deadline' });
    expect(await createNinjaOneScripts(config()).execute(command('reboot_bay_pc', 200), ctx)).toMatchObject({ outcome: 'unconfirmed', reason: 'deadline' });
  });

  it('classifies a hung, dropped or failing script run request', async () => {
    await start();
    const scripts = createNinjaOneScripts(config());
    await scripts.execute(command('reset_trackman'), ctx); // caches the token
    const faulted = (fault: Parameters<FakeNinjaOne['inject']>[0], decision: DeviceAction, ms = 3000) => {
      // the baseline read passes, the run request gets the fault
      ninja.inject({ status: 200, body: { activities: [] } }, fault);
      return scripts.execute(command(decision, ms), ctx);
    };
    expect(await faulted('hang', 'reboot_bay_pc', 200)).toMatchObject({ outcome: 'unconfirmed', reason: 'deadline' });
    expect(await faulted('hang', 'reset_trackman', 200)).toMatchObject({ outcome: 'timed_out' });
    expect(await faulted('drop', 'reset_trackman')).toMatchObject({ outcome: 'unconfirmed', reason: 'connection_dropped' });
    expect(await faulted({ status: 500, body: 'oops' }, 'reset_trackman')).toMatchObject({ outcome: 'failed', reason: 'server_error' });
  });

  it('fails plainly when NinjaOne is unreachable and keeps the client secret out of results', async () => {
    await start();
    const results = [
      await createNinjaOneScripts(config({ baseUrl: `http://127.0.0.1:${await closedPort()}` })).execute(command('reset_trackman'), ctx),
      await createNinjaOneScripts(config({ clientSecret: new Secret('wrong') })).execute(command('reset_trackman'), ctx),
    ];
    expect(results[0]).toMatchObject({ outcome: 'failed', reason: 'unreachable' });
    for (const r of results) expect(JSON.stringify(r)).not.toContain(CLIENT.secret);
  });

  it('a token endpoint that does not answer, fails or answers without a token: the command fails plainly and nothing runs', async () => {
    await start();
    const run = async (fault: Parameters<FakeNinjaOne['inject']>[0], ms = 3000) => {
      ninja.inject(fault);
      return createNinjaOneScripts(config()).execute(command('reboot_bay_pc', ms), ctx);
    };
    expect(await run('hang', 300)).toEqual({ outcome: 'failed', reason: 'deadline', detail: 'NinjaOne token request got no answer' });
    expect(await run({ status: 503, body: 'maintenance' })).toEqual({ outcome: 'failed', reason: 'server_error', detail: 'NinjaOne token endpoint answered 503' });
    expect(await run({ status: 200, body: { token: 'not-the-field' } })).toEqual({ outcome: 'failed', reason: 'malformed_response', detail: 'NinjaOne token answer without access_token/expires_in' });
    expect(ninja.requests.filter((r) => r.path.includes('script/run'))).toHaveLength(0);
  });

  it('before running, an activity log it cannot read or cannot get stops the command (nothing was started); a command without a bay has no device', async () => {
    await start();
    const scripts = createNinjaOneScripts(config());
    await scripts.execute(command('reset_trackman'), ctx); // caches the token
    const runs = () => ninja.requests.filter((r) => r.path.includes('script/run')).length;
    const before = runs();
    ninja.inject({ status: 200, body: { items: [] } });
    expect(await scripts.execute(command('reboot_bay_pc'), ctx)).toEqual({ outcome: 'failed', reason: 'malformed_response', detail: 'NinjaOne activities answer without activities' });
    ninja.inject({ status: 503, body: 'maintenance' });
    expect(await scripts.execute(command('reboot_bay_pc'), ctx)).toMatchObject({ outcome: 'failed', reason: 'server_error' });
    expect(runs()).toBe(before);
    const noBay = { ...command('reset_trackman'), params: { location: 'Dartmouth' } };
    expect(await scripts.execute(noBay, ctx)).toEqual({ outcome: 'failed', reason: 'not_configured', detail: 'no NinjaOne device for bay (none)' });
  });
});
