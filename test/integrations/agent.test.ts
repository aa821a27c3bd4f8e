import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceAction, DeviceCommand } from '../../src/actions/ports.js';
import { createAgentWebhook } from '../../src/integrations/agent/agentWebhook.js';
import { agentSignatureHeaders, verifyAgentSignature } from '../../src/integrations/agent/signature.js';
import { Secret } from '../../src/integrations/secret.js';
import { ctx, within } from './context.js';
import { closedPort, type FakeServer } from './fakes/fakeHttp.js';
import { type AgentBehaviour, startFakeAgent } from './fakes/fakeAgent.js';

const SECRET = 'agent-shared-secret-Dartmouth-7f3a';
let agent: FakeServer;
afterEach(() => agent.close());

const start = async (behaviour: Record<string, AgentBehaviour>) => {
  agent = await startFakeAgent(SECRET, behaviour);
};
const client = (secret = SECRET, baseUrl = agent.url) => createAgentWebhook({ id: 'agent:Dartmouth', baseUrl, secret: new Secret(secret), pollIntervalMs: 20 });
const command = (decision: DeviceAction, ms = 2000): DeviceCommand => ({
  decision,
  params: { location: 'Dartmouth', bay: 3 },
  idempotencyKey: `ex-${decision}`,
  deadline: within(ms),
});

describe('signed agent webhook', () => {
  it('signs the command and returns the final status the agent reports at once', async () => {
    await start({ power_cycle_tv: { status: 'succeeded' }, reboot_bay_pc: { status: 'failed', detail: 'PC refused shutdown' } });
    expect(await client().execute(command('power_cycle_tv'), ctx())).toEqual({ outcome: 'succeeded', detail: 'power_cycle_tv succeeded', vendorRef: 'job-ex-power_cycle_tv' });
    expect(await client().execute(command('reboot_bay_pc'), ctx())).toMatchObject({ outcome: 'failed', reason: 'rejected', detail: 'PC refused shutdown' });
    const body = JSON.parse(agent.requests[0]!.body);
    expect(body).toMatchObject({ id: 'ex-power_cycle_tv', action: 'power_cycle_tv', params: { location: 'Dartmouth', bay: 3 } });
  });

  it('polls an accepted command until the agent confirms it', async () => {
    await start({ reset_trackman: { status: 'succeeded', pollsUntilDone: 3 } });
    expect(await client().execute(command('reset_trackman'), ctx())).toMatchObject({ outcome: 'succeeded', detail: 'done: succeeded' });
    expect(agent.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /commands',
      'GET /commands/ex-reset_trackman',
      'GET /commands/ex-reset_trackman',
      'GET /commands/ex-reset_trackman',
    ]);
  });

  it('leaves an acceptance never confirmed before the deadline unconfirmed', async () => {
    await start({ reset_trackman: { status: 'succeeded', pollsUntilDone: 1000 } });
    expect(await client().execute(command('reset_trackman', 150), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'deadline', vendorRef: 'job-ex-reset_trackman' });
  });

  it('rejects a wrong signature as an auth failure', async () => {
    await start({ reset_trackman: { status: 'succeeded' } });
    expect(await client('not-the-secret').execute(command('reset_trackman'), ctx())).toMatchObject({ outcome: 'failed', reason: 'auth' });
  });

  it('reports an idempotent timeout as retryable and a non-idempotent one as unconfirmed', async () => {
    await start({});
    agent.inject('hang', 'hang', 'drop', { status: 200, body: '{"status":"maybe"}' });
    expect(await client().execute(command('reset_trackman', 150), ctx())).toMatchObject({ outcome: 'timed_out' });
    expect(await client().execute(command('unlock_door', 150), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'deadline' });
    expect(await client().execute(command('reset_trackman'), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'connection_dropped' });
    expect(await client().execute(command('reset_trackman'), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'malformed_response' });
  });

  it('fails plainly when the agent is unreachable, and keeps the secret out of results', async () => {
    await start({});
    agent.inject({ status: 500, body: SECRET });
    const results = [
      await client().execute(command('reset_trackman'), ctx()),
      await client(SECRET, `http://127.0.0.1:${await closedPort()}`).execute(command('reset_trackman'), ctx()),
    ];
    expect(results.map((r) => r.outcome === 'succeeded' || r.reason)).toEqual(['server_error', 'unreachable']);
    for (const r of results) expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('verifies callbacks signed by the agent and rejects tampered or stale ones (property)', () => {
    const secret = new Secret(SECRET);
    const now = new Date('2026-03-01T02:00:00Z');
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (body, extra) => {
        const h = agentSignatureHeaders(secret, now, body);
        expect(verifyAgentSignature(h['x-clubos-timestamp'], h['x-clubos-signature'], body, secret, now, 300_000)).toBe('valid');
        expect(verifyAgentSignature(h['x-clubos-timestamp'], h['x-clubos-signature'], body + extra, secret, now, 300_000)).toBe('bad_signature');
        expect(verifyAgentSignature(h['x-clubos-timestamp'], h['x-clubos-signature'], body, secret, new Date(now.getTime() + 301_000), 300_000)).toBe('stale');
      }),
    );
    expect(verifyAgentSignature(undefined, 'v1=00', '', secret, now, 1)).toBe('missing');
    expect(verifyAgentSignature('123', 'sha256=abc', '', secret, now, 1)).toBe('malformed');
  });

  it('an answer without a status is unconfirmed (the agent may have acted); a final status without a detail (or only blanks) gets a plain one', async () => {
    await start({});
    agent.inject({ status: 200, body: ['done'] }, { status: 202, body: 'ok' });
    expect(await client().execute(command('reboot_bay_pc'), ctx())).toEqual({ outcome: 'unconfirmed', reason: 'malformed_response', detail: 'agent answered 200 without a status' });
    expect(await client().execute(command('reboot_bay_pc'), ctx())).toEqual({ outcome: 'unconfirmed', reason: 'malformed_response', detail: 'agent answered 202 without a status' });
    agent.inject({ status: 200, body: { status: 'succeeded' } }, { status: 200, body: { status: 'failed', detail: '   ' } });
    expect(await client().execute(command('power_cycle_tv'), ctx())).toEqual({ outcome: 'succeeded', detail: 'agent reports success' });
    expect(await client().execute(command('power_cycle_tv'), ctx())).toEqual({ outcome: 'failed', reason: 'rejected', detail: 'agent reports failure' });
    // Free text is one trimmed line.
    agent.inject({ status: 200, body: { status: 'failed', detail: '\n  PC refused\n\tshutdown  ' } });
    expect(await client().execute(command('power_cycle_tv'), ctx())).toEqual({ outcome: 'failed', reason: 'rejected', detail: 'PC refused shutdown' });
  });
});

