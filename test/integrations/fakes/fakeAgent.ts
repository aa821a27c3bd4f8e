import { createHmac, timingSafeEqual } from 'node:crypto';
import { type FakeServer, type Reply, startFakeHttp } from './fakeHttp.js';

/**
 * An on-site agent: verifies `X-ClubOS-Timestamp` / `X-ClubOS-Signature: v1=<hex>` on every request,
 * and answers per action from `behaviour`: final at once, or
 * `accepted` and final after `pollsUntilDone` status polls.
 */
export type AgentBehaviour = { status: 'succeeded' | 'failed'; pollsUntilDone?: number; detail?: string };

export async function startFakeAgent(secret: string, behaviour: Record<string, AgentBehaviour>): Promise<FakeServer> {
  const pending = new Map<string, { polls: number; final: AgentBehaviour }>();
  return startFakeHttp((req): Reply => {
    const ts = req.headers['x-clubos-timestamp'];
    const sig = req.headers['x-clubos-signature'];
    if (typeof ts !== 'string' || typeof sig !== 'string') return { status: 401, body: { error: 'unsigned' } };
    const expected = `v1=${createHmac('sha256', secret).update(`${ts}.${req.body}`).digest('hex')}`;
    if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return { status: 401, body: { error: 'bad signature' } };
    if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return { status: 401, body: { error: 'stale' } };
    if (req.method === 'POST' && req.path === '/commands') {
      const cmd = JSON.parse(req.body) as { id: string; action: string; params: { location?: string }; deadline: string };
      if (typeof cmd.id !== 'string' || typeof cmd.params?.location !== 'string' || Number.isNaN(Date.parse(cmd.deadline))) {
        return { status: 400, body: { error: 'bad command' } };
      }
      const b = behaviour[cmd.action];
      if (b === undefined) return { status: 200, body: { status: 'failed', detail: `no handler for ${cmd.action}` } };
      if (b.pollsUntilDone === undefined) return { status: 200, body: { status: b.status, detail: b.detail ?? `${cmd.action} ${b.status}`, ref: `job-${cmd.id}` } };
      pending.set(cmd.id, { polls: b.pollsUntilDone, final: b });
      return { status: 202, body: { status: 'accepted', ref: `job-${cmd.id}` } };
    }
    const m = /^\/commands\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && m !== null) {
      const p = pending.get(decodeURIComponent(m[1]!));
      if (p === undefined) return { status: 404, body: { error: 'unknown command' } };
      p.polls -= 1;
      if (p.polls > 0) return { status: 200, body: { status: 'accepted' } };
      return { status: 200, body: { status: p.final.status, detail: p.final.detail ?? `done: ${p.final.status}` } };
    }
    return { status: 404, body: { error: 'not found' } };
  });
}
