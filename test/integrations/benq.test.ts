import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceCommand } from '../../src/actions/ports.js';
import { createBenqProjectors } from '../../src/integrations/benq/projectorPower.js';
import { parseBenqReply } from '../../src/integrations/benq/protocol.js';
import { ctx, within } from './context.js';
import { type FakeBenq, startFakeBenq } from './fakes/fakeBenq.js';
import { closedPort } from './fakes/fakeHttp.js';

let projector: FakeBenq;
afterEach(() => projector.close());

const client = (port = projector.port) => createBenqProjectors({ id: 'benq:Dartmouth', bayProjectors: { '3': { host: '127.0.0.1', port } }, pollIntervalMs: 20, exchangeTimeoutMs: 100 });
const powerOn = (ms = 2000, bay = 3): DeviceCommand => ({ decision: 'projector_power_on', params: { location: 'Dartmouth', bay }, idempotencyKey: 'ex-p', deadline: within(ms) });

describe('BenQ projector power on', () => {
  it('sends pow=on and succeeds only once the projector reports POW=ON after warming up', async () => {
    projector = await startFakeBenq(2);
    expect(await client().execute(powerOn(), ctx())).toEqual({ outcome: 'succeeded', detail: 'projector of bay 3 is on' });
    expect(projector.commands).toEqual(['pow=on', 'pow=?', 'pow=?', 'pow=?']);
    expect(projector.power()).toBe('on');
  });

  it('verifies by state after a dropped connection instead of guessing', async () => {
    projector = await startFakeBenq(0);
    projector.inject('drop');
    expect(await client().execute(powerOn(), ctx())).toMatchObject({ outcome: 'succeeded' });
    expect(projector.commands).toEqual(['pow=on', 'pow=?']);
  });

  it('re-sends pow=on while the projector still says it is off', async () => {
    projector = await startFakeBenq(0);
    projector.inject('hang');
    expect(await client().execute(powerOn(), ctx())).toMatchObject({ outcome: 'succeeded' });
    expect(projector.commands).toEqual(['pow=on', 'pow=?', 'pow=on', 'pow=?']);
  });

  it('fails on an illegal-format answer, and for bays without a projector or other actions', async () => {
    projector = await startFakeBenq();
    projector.inject('illegal');
    expect(await client().execute(powerOn(), ctx())).toMatchObject({ outcome: 'failed', reason: 'rejected' });
    expect(await client().execute(powerOn(2000, 5), ctx())).toMatchObject({ outcome: 'failed', reason: 'not_configured' });
    expect(await client().execute({ ...powerOn(), decision: 'power_cycle_tv' }, ctx())).toMatchObject({ reason: 'not_configured' });
    expect(await client().execute({ ...powerOn(), params: { location: 'Dartmouth' } }, ctx())).toEqual({ outcome: 'failed', reason: 'not_configured', detail: 'no BenQ projector for bay (none)' });
  });

  it('times out retryably when the projector never answers, and fails when it is unreachable', async () => {
    projector = await startFakeBenq();
    projector.inject(...Array.from({ length: 40 }, () => 'hang' as const));
    expect(await client().execute(powerOn(400), ctx())).toMatchObject({ outcome: 'timed_out', reason: 'deadline' });
    expect(await client(await closedPort()).execute(powerOn(150), ctx())).toMatchObject({ outcome: 'failed', reason: 'unreachable' });
  });

  it('never reads its own echo as the answer (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('pow=on', 'pow=?', 'pow=off'), fc.string({ maxLength: 3 }), (cmd, noise) => {
        expect(parseBenqReply(`${noise}>*${cmd}#\r\n`)).toBeNull();
      }),
    );
    expect(parseBenqReply('>*pow=?#\r\n*POW=OFF#\r\n')).toEqual({ kind: 'power', on: false });
    expect(parseBenqReply('*Block item#')).toEqual({ kind: 'blocked' });
  });
});
