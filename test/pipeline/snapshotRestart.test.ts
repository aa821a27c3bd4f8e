import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan } from '../../src/simulate/operator.js';
import type { StreamLine } from '../../src/simulate/stream.js';
import { type Credentials, type ServerProcess, setUp, startServer, waitFor } from '../faults/support.js';
import { createScratchPostgres, postgresUrl } from '../support/databases.js';
import { venueLines } from './snapshotHelpers.js';

/**
 * Kill and restart, end to end: a `clubos serve` process is taught through the HTTP API, writes an engine snapshot
 * by itself, is killed (SIGKILL), and a new process on the same database restores the snapshot and proposes for the
 * same message exactly what the first one proposed. Needs `npm run build` (it runs dist/cli/main.js).
 */

interface Proposal {
  readonly decision: string | null;
  readonly confidence: number;
  readonly tier: string;
  readonly params: Record<string, unknown>;
}

const STREAM = venueLines('decisions/venue.head300.jsonl', new Date(Date.now() - 7 * 86_400_000)).slice(0, 60);
const PROBE = { kind: 'message', channel: 'sms', location: 'Dartmouth', text: 'the trackman in bay 2 is frozen again, can you reset it' } as const;

const backends: { name: string; env: () => Promise<{ env: Record<string, string>; dispose: () => Promise<void> }> }[] = [
  {
    name: 'pglite',
    env: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clubos-snapshot-restart-'));
      return { env: { DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(postgresUrl
    ? [
        {
          name: 'postgres',
          env: async () => {
            const scratch = await createScratchPostgres(postgresUrl!);
            return { env: { DATABASE_URL: scratch.url, DATA_DIR: '/nonexistent-clubos-test' }, dispose: scratch.drop };
          },
        },
      ]
    : []),
];

for (const backend of backends) {
  describe(`kill and restart with an engine snapshot on ${backend.name}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    it('the first proposal after the restart is what it was before', async () => {
      const { env, dispose } = await backend.env();
      cleanup.push(dispose);
      const settings = { ...env, ENGINE_SNAPSHOT_STEPS: '40', LOG_LEVEL: 'info' };
      let server: ServerProcess = await startServer(settings);
      cleanup.push(() => server.stop('SIGKILL'));
      const creds: Credentials = await setUp(server.base, server.setupToken!, ['events:write', 'events:read']);
      const asKey = { authorization: `Bearer ${creds.key}`, 'content-type': 'application/json' };
      const asAdmin = { cookie: creds.admin.cookie, 'x-csrf-token': creds.admin.csrf, 'content-type': 'application/json' };

      const submit = async (body: unknown): Promise<string> => {
        const res = await fetch(`${server.base}/v1/events`, { method: 'POST', headers: asKey, body: JSON.stringify(body) });
        expect(res.status, await res.clone().text()).toBe(202);
        return ((await res.json()) as { id: string }).id;
      };
      const proposalOf = async (id: string): Promise<Proposal> => {
        let decision: Proposal | null = null;
        await waitFor(
          'the proposal',
          async () => {
            const res = await fetch(`${server.base}/v1/events/${id}`, { headers: asKey });
            decision = ((await res.json()) as { decision: Proposal | null }).decision;
            return decision !== null;
          },
          30_000,
        );
        return decision!;
      };
      const teach = async (line: StreamLine): Promise<void> => {
        const id = await submit(line.body);
        const view = await proposalOf(id);
        const p = line.label === null ? null : plan({ ...view, shadow: true, wouldExecute: false }, line.label);
        if (p?.kind !== 'answer') return;
        const res = await fetch(`${server.base}/v1/events/${id}/decision`, { method: 'POST', headers: asAdmin, body: JSON.stringify(p.answer) });
        expect(res.status, await res.clone().text()).toBeLessThan(500);
      };

      for (const line of STREAM) await teach(line);
      // The server writes the snapshot itself (its periodic task), once 40 new steps exist.
      await waitFor('an engine snapshot', async () => server.output().includes('"msg":"engine snapshot written"'), 60_000);
      // Taught after the snapshot: the restart must replay these from the history.
      for (const line of STREAM.slice(0, 5)) await teach({ ...line, body: { ...line.body, t: new Date().toISOString() } });

      const before = await proposalOf(await submit({ ...PROBE, from: 'c-probe-1' }));
      expect(before.decision).not.toBeNull();
      await server.stop('SIGKILL');

      server = await startServer(settings);
      const ready = server
        .output()
        .split('\n')
        .filter((l) => l.includes('"msg":"decision engine ready"'))
        .map((l) => JSON.parse(l) as { source: string; tail: number });
      expect(ready).toHaveLength(1);
      expect(ready[0]).toMatchObject({ source: 'snapshot' });
      expect(ready[0]!.tail).toBeGreaterThan(5);
      const after = await proposalOf(await submit({ ...PROBE, from: 'c-probe-2' }));
      expect(after).toMatchObject({ decision: before.decision, confidence: before.confidence, tier: before.tier, params: before.params });
    });
  });
}
