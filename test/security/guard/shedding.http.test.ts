import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/kernel/clock.js';
import { DEFAULT_HYSTERESIS } from '../../../src/security/guard/loadShedding.js';
import type { PressureSample } from '../../../src/security/guard/loadShedding.js';
import { engines, type TestDatabase } from '../../support/databases.js';
import { type GuardApp, guardApp } from './guardApp.js';

const calm: PressureSample = { eventLoopDelayMs: 5, eventLoopUtilization: 0.1, cpuPercent: 10, rssMb: 100, heapUsedMb: 50, heapLimitMb: 4096 };
/** Pressure p through the loop-delay reading (limit 200 ms). */
const at = (p: number): PressureSample => ({ ...calm, eventLoopDelayMs: 200 * p });
const CLASSES = ['health', 'public', 'integration', 'operator'] as const;

describe('load shedding through HTTP (pressure injected through the guard port)', () => {
  let database: TestDatabase;
  let g: GuardApp;
  const clock = manualClock(new Date('2026-03-02T12:00:00Z'));
  beforeAll(async () => {
    database = await engines[0]!.open();
    g = await guardApp({ database, clock, sampler: null });
  });
  afterAll(async () => {
    await g.app.close();
    await database.dispose();
  });

  const statuses = async () => Object.fromEntries(await Promise.all(CLASSES.map(async (c) => [c, (await g.app.inject({ method: 'GET', url: `/${c}` })).statusCode])));

  it('sheds by priority as pressure rises: public, then integration, operator last, health never', async () => {
    g.guard.observe(calm);
    expect(await statuses()).toEqual({ health: 200, public: 200, integration: 200, operator: 200 });
    g.guard.observe(at(0.95));
    expect(await statuses()).toEqual({ health: 200, public: 503, integration: 200, operator: 200 });
    g.guard.observe(at(1.1));
    expect(await statuses()).toEqual({ health: 200, public: 503, integration: 503, operator: 200 });
    // Operators go last, and only once the top pressure has held for topSustainMs: one spike does not shed them.
    g.guard.observe(at(2));
    expect(await statuses()).toEqual({ health: 200, public: 503, integration: 503, operator: 200 });
    clock.advance(DEFAULT_HYSTERESIS.topSustainMs!);
    g.guard.observe(at(2));
    expect(await statuses()).toEqual({ health: 200, public: 503, integration: 503, operator: 503 });
    const res = await g.app.inject({ method: 'GET', url: '/public' });
    expect(res.json()).toMatchObject({ type: '/problems/overloaded', status: 503, level: 3 });
    expect(res.headers['retry-after']).toBe('30');
  });

  it('recovers one level per hold period once pressure is below the exit threshold (hysteresis)', async () => {
    g.guard.observe(at(0.5));
    expect((await statuses()).operator).toBe(503);
    clock.advance(DEFAULT_HYSTERESIS.holdMs);
    g.guard.observe(at(0.5));
    expect(await statuses()).toEqual({ health: 200, public: 503, integration: 503, operator: 200 });
    clock.advance(DEFAULT_HYSTERESIS.holdMs);
    g.guard.observe(at(0.8));
    expect(await statuses()).toEqual({ health: 200, public: 503, integration: 200, operator: 200 });
    clock.advance(DEFAULT_HYSTERESIS.holdMs);
    // 0.8 is under level 1's enter threshold but above its exit: still shedding public.
    g.guard.observe(at(0.8));
    expect((await statuses()).public).toBe(503);
    g.guard.observe(at(0.6));
    expect(await statuses()).toEqual({ health: 200, public: 200, integration: 200, operator: 200 });
  });

  it('records samples and shed counts at most every 10 s, and level changes, in the database', async () => {
    // The earlier tests' shed requests go into a first row.
    expect(await g.guard.record()).toBe(true);
    g.guard.observe(at(1.1));
    for (let i = 0; i < 3; i++) await g.app.inject({ method: 'GET', url: '/public' });
    await g.app.inject({ method: 'GET', url: '/integration' });
    clock.advance(10_000);
    expect(await g.guard.record()).toBe(true);
    expect(await g.guard.record()).toBe(false);
    const rows = await database.db.selectFrom('performance_metrics' as never).selectAll().orderBy('id' as never).execute();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ instance: 'test:1', shed_level: 2, shed_requests: 4 });
    expect((rows[1] as { pressure: number }).pressure).toBeCloseTo(1.1, 9);
    const events = await database.db.selectFrom('security_events').select(['kind', 'action', 'detail']).where('action', '=', 'shed').orderBy('id').execute();
    const detail = (d: unknown) => (typeof d === 'string' ? JSON.parse(d) : d) as Record<string, unknown>;
    expect(events.map((e) => [e.kind, detail(e.detail).to ?? null])).toEqual([
      ['guard.shed_level', 1],
      ['guard.shed_level', 2],
      ['guard.shed_level', 3],
      ['guard.shed_level', 2],
      ['guard.shed_level', 1],
      ['guard.shed_level', 0],
      ['guard.shed', null],
      ['guard.shed_level', 2],
      ['guard.shed', null],
    ]);
    expect(detail(events.at(-1)!.detail).requests).toEqual({ public: 3, integration: 1, operator: 0, health: 0 });
  });

  it('sheds nothing while the performanceGuard flag is off', async () => {
    g.guard.observe(at(3));
    g.enabled = false;
    expect(await statuses()).toEqual({ health: 200, public: 200, integration: 200, operator: 200 });
    g.enabled = true;
    expect((await statuses()).public).toBe(503);
    clock.advance(60_000);
    g.guard.observe(calm);
  });

  it('cancels work past a route’s time budget and answers 503', async () => {
    clock.advance(60_000);
    for (let i = 0; i < 4; i++) {
      clock.advance(DEFAULT_HYSTERESIS.holdMs);
      g.guard.observe(calm);
    }
    const started = Date.now();
    const res = await g.app.inject({ method: 'GET', url: '/slow' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ type: '/problems/overloaded', timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
