import { afterEach, describe, expect, it } from 'vitest';
import { createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

/** PATTERN_CONFIDENCE_HIGH / MEDIUM / LOW reach the engine: the same history earns a different tier. */
describe.each(engines)('configured confidence thresholds on $name', (engine) => {
  let rt: TestRuntime | null = null;
  afterEach(async () => rt?.dispose());

  async function tierAfterTeaching(env: Record<string, string>): Promise<{ tier: string; band: string; thresholds: unknown }> {
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '100000', ...env });
    const admin = await setupAdmin(rt);
    const operator = await createOperator(rt, admin, 'supervisor');
    const key = await createKey(rt, admin, ['events:write', 'events:read']);
    const submit = async (i: number, text: string): Promise<string> => {
      const res = await rt!.app.inject({ method: 'POST', url: '/v1/events', headers: { ...key.headers, 'idempotency-key': `t-${i}` }, payload: { kind: 'message', channel: 'sms', from: `c-${i}`, location: 'Dartmouth', text } });
      expect(res.statusCode, res.body).toBe(202);
      await rt!.decisions.handle.settled();
      return (res.json() as { id: string }).id;
    };
    for (let i = 0; i < 12; i++) {
      // An hour apart: operator decisions run in shadow mode too, and the reset guard allows two per bay per hour.
      rt.clock.advance(61 * 60_000);
      const id = await submit(i, `trackman frozen in bay ${(i % 4) + 1}`);
      const res = await rt.app.inject({ method: 'POST', url: `/v1/events/${id}/decision`, headers: operator.headers, payload: { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: (i % 4) + 1 } } });
      expect(res.statusCode, res.body).toBe(201);
      await rt.executor.settled();
    }
    rt.clock.advance(61 * 60_000);
    const id = await submit(99, 'trackman frozen in bay 2');
    const res = await rt.app.inject({ method: 'GET', url: `/v1/events/${id}`, headers: key.headers });
    const { tier, band } = (res.json() as { decision: { tier: string; band?: string } }).decision as { tier: string; band: string };
    return { tier, band, thresholds: rt.decisions.engine.settings.policy.thresholds };
  }

  it('the defaults (0.95 / 0.75 / 0.50) put a well-taught repeat in the auto tier', async () => {
    const r = await tierAfterTeaching({});
    expect(r.thresholds).toEqual({ high: 0.95, medium: 0.75, low: 0.5 });
    expect(r.tier).toBe('auto');
  });

  it('a stricter PATTERN_CONFIDENCE_HIGH keeps the same repeat out of the auto tier', async () => {
    const r = await tierAfterTeaching({ PATTERN_CONFIDENCE_HIGH: '0.9999', PATTERN_CONFIDENCE_MEDIUM: '0.9998', PATTERN_CONFIDENCE_LOW: '0.5' });
    expect(r.thresholds).toEqual({ high: 0.9999, medium: 0.9998, low: 0.5 });
    expect(r.tier).not.toBe('auto');
  });

  it('PATTERN_ACCESS_FAMILIARITY reaches the engine: how alike an approved unlock must be for an unlock to run alone', async () => {
    rt = await startRuntime(engine, { PATTERN_ACCESS_FAMILIARITY: '0.8' });
    expect(rt.decisions.engine.settings.policy.accessFamiliarity).toBe(0.8);
    await rt.dispose();
    rt = await startRuntime(engine, {});
    expect(rt.decisions.engine.settings.policy.accessFamiliarity).toBe(0.5);
  });
});
