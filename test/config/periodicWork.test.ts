import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLAGS } from '../../src/config/flags.js';
import { effectiveFlags } from '../../src/config/runtimeFlags.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/logging.js';
import { createAuditStore } from '../../src/store/audit/auditStore.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const DAY = 86_400_000;

describe('feature flags from the environment and the database', () => {
  it('an override persisted for a flag this version no longer has is ignored', () => {
    expect(effectiveFlags(DEFAULT_FLAGS, [{ name: 'legacyKiosk', enabled: true }, { name: 'autoExecution', enabled: true }])).toEqual({ ...DEFAULT_FLAGS, autoExecution: true });
  });
});

for (const engine of engines) {
  describe(`periodic work follows the feature flags on ${engine.name}`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime(engine, { FEATURE_COMPLIANCE_LOGGING: 'false', FEATURE_API_KEY_ROTATION: 'false', API_KEY_ROTATION_DAYS: '1' });
    });
    afterAll(async () => rt.dispose());

    it('with key rotation and compliance logging off, the scheduler rotates no due key and signs no checkpoint; switched on, it does both', async () => {
      const { record } = await rt.keys.create({ name: 'relay', scopes: ['events:write'], ownerId: null, cidrs: [], expiresAt: null }, { type: 'system', id: 'test' });
      rt.clock.advance(2 * DAY);
      await rt.scheduler.runAll();
      expect((await rt.keys.byId(record.id))?.successorId).toBeNull();
      expect(await createAuditStore(rt.database).latestCheckpoint()).toBeNull();

      await rt.flags.set('apiKeyRotation', true, 'test', rt.clock.now());
      await rt.flags.set('complianceLogging', true, 'test', rt.clock.now());
      await rt.scheduler.runAll();
      expect((await rt.keys.byId(record.id))?.successorId).toEqual(expect.any(String));
      expect(await createAuditStore(rt.database).latestCheckpoint()).toMatchObject({ fromSeq: 1 });
    });
  });
}

describe('the periodic scheduler', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => {
      open = r;
    });
    return { open, opened };
  };

  it('never runs a task over itself: a run asked for while one is in flight joins it', async () => {
    let runs = 0;
    const slow = gate();
    const scheduler = createScheduler([{ name: 'slow', everyMs: 60_000, run: async () => { runs++; await slow.opened; } }], createLogger('silent'));
    const first = scheduler.runAll();
    const second = scheduler.runAll();
    slow.open();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    await scheduler.runAll();
    expect(runs).toBe(2);
  });

  it('ticks on its own once started, logs a failing task and tries again on the next tick; stopped, it waits for the running one and ticks no more', async () => {
    const lines: Array<{ msg: string; task?: string }> = [];
    let attempts = 0;
    const running = gate();
    const release = gate();
    const scheduler = createScheduler(
      [
        {
          name: 'flaky',
          everyMs: 20,
          run: async () => {
            attempts++;
            if (attempts === 1) throw new Error('database busy');
            if (attempts === 2) {
              running.open();
              await release.opened;
            }
          },
        },
      ],
      createLogger('error', { write: (l: string) => void lines.push(JSON.parse(l)) }),
    );
    scheduler.start();
    await running.opened;
    expect(lines).toEqual([expect.objectContaining({ msg: 'task failed', task: 'flaky' })]);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(stopped).toBe(false);
    release.open();
    await stopping;
    await new Promise((r) => setTimeout(r, 60));
    expect(attempts).toBe(2);
  });
});
