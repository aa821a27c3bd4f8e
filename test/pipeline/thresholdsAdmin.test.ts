import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.js';
import { ADMIN, type CreatedKey, type OperatorSession, createKey, createOperator, login, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { restartOn } from './helpers.js';

/**
 * The confidence thresholds as an admin setting: read by supervisors, changed and reset by admins through
 * HTTP, audited, persisted for every instance and restart, and used by the very next proposal.
 */
for (const engine of engines) {
  describe(`confidence thresholds at run time on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let supervisor: OperatorSession;
    let key: CreatedKey;
    let n = 0;

    const submitTrackman = async (bay: number): Promise<string> => {
      rt.clock.advance(61 * 60_000);
      const res = await rt.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...key.headers, 'idempotency-key': `th-${n}` },
        payload: { kind: 'message', channel: 'sms', from: `c-${2000 + n++}`, location: 'Dartmouth', text: `trackman frozen in bay ${bay}` },
      });
      expect(res.statusCode, res.body).toBe(202);
      await rt.decisions.handle.settled();
      return (res.json() as { id: string }).id;
    };
    const tierOf = async (id: string): Promise<string> => {
      const res = await rt.app.inject({ method: 'GET', url: `/v1/events/${id}`, headers: key.headers });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { decision: { tier: string } }).decision.tier;
    };
    const put = (who: OperatorSession, payload: unknown) => rt.app.inject({ method: 'PUT', url: '/v1/admin/thresholds', headers: who.headers, payload: payload as Record<string, unknown> });
    const get = (who: OperatorSession) => rt.app.inject({ method: 'GET', url: '/v1/admin/thresholds', headers: who.headers });
    const changes = async () =>
      (await sql<{ body: { to: unknown } }>`select body from compliance_log where action = 'config.changed' and resource_type = 'decision_thresholds' order by seq`.execute(rt.database.db)).rows.map(
        (r) => r.body.to,
      );

    beforeAll(async () => {
      rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '100000' });
      admin = await setupAdmin(rt);
      supervisor = await createOperator(rt, admin, 'supervisor');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
      // Twelve operator decisions teach "trackman frozen" → reset_trackman well enough for the auto tier.
      for (let i = 0; i < 12; i++) {
        const id = await submitTrackman((i % 4) + 1);
        const res = await rt.app.inject({ method: 'POST', url: `/v1/events/${id}/decision`, headers: supervisor.headers, payload: { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: (i % 4) + 1 } } });
        expect(res.statusCode, res.body).toBe(201);
        await rt.executor.settled();
      }
      // Twelve hours of teaching outlast the admin's idle session: a fresh sign-in.
      admin = await login(rt, ADMIN.username, ADMIN.password);
    });
    afterAll(async () => rt.dispose());

    it('shows the configured thresholds to a supervisor, and lets only an admin change them', async () => {
      const res = await get(supervisor);
      expect(res.statusCode, res.body).toBe(200);
      const { suggestBand, ...view } = res.json() as { suggestBand: { floor: number; errorBudget: number; minFloor: number } };
      expect(view).toEqual({ effective: { high: 0.95, medium: 0.75, low: 0.5 }, configured: { high: 0.95, medium: 0.75, low: 0.5 }, source: 'environment', updatedBy: null, updatedAt: null });
      // The later teaching proposals were already in the auto tier and the operators agreed with them: each
      // such would-be execution that came out right opened the suggest band's floor a little below HIGH.
      expect(suggestBand).toMatchObject({ errorBudget: 0.015, minFloor: 0.85 });
      expect(suggestBand.floor).toBe(rt.decisions.engine.suggestFloor);
      expect(suggestBand.floor).toBeLessThan(0.95);
      expect(suggestBand.floor).toBeGreaterThan(0.94);
      expectProblem(await put(supervisor, { high: 0.99, medium: 0.8, low: 0.5 }), 403);
      expect(await changes()).toEqual([]);
    });

    it('refuses unordered or out-of-range thresholds with a problem and changes nothing', async () => {
      const unordered = await put(admin, { high: 0.8, medium: 0.9, low: 0.5 });
      expect(expectProblem(unordered, 400).type).toBe('/problems/thresholds-invalid');
      expect(unordered.json().detail).toContain('low < medium < high');
      expectProblem(await put(admin, { high: 1.5, medium: 0.9, low: 0.5 }), 400);
      expectProblem(await put(admin, { high: 0.9, medium: 0.8, low: 0 }), 400);
      expectProblem(await put(admin, { high: '0.9', medium: 0.8, low: 0.5 }), 400);
      expectProblem(await put(admin, { high: 0.9, medium: 0.8 }), 400);
      expect((await get(admin)).json().source).toBe('environment');
      expect(rt.decisions.engine.settings.policy.thresholds).toEqual({ high: 0.95, medium: 0.75, low: 0.5 });
      expect(await changes()).toEqual([]);
    });

    it('a stricter HIGH set by an admin takes the next repeat out of the auto tier; a reset puts it back', async () => {
      expect(await tierOf(await submitTrackman(2))).toBe('auto');

      const res = await put(admin, { high: 0.9999, medium: 0.9998, low: 0.5 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ effective: { high: 0.9999, medium: 0.9998, low: 0.5 }, source: 'override', updatedBy: admin.operatorId });
      expect(await tierOf(await submitTrackman(3))).not.toBe('auto');

      // Another instance (or a restart) on the same database starts with the override.
      const other: Runtime = await restartOn(rt);
      try {
        expect(other.decisions.engine.settings.policy.thresholds).toEqual({ high: 0.9999, medium: 0.9998, low: 0.5 });
      } finally {
        await other.close();
      }

      const reset = await rt.app.inject({ method: 'DELETE', url: '/v1/admin/thresholds', headers: admin.headers });
      expect(reset.statusCode, reset.body).toBe(200);
      expect(reset.json()).toMatchObject({ effective: { high: 0.95, medium: 0.75, low: 0.5 }, source: 'environment' });
      expect(await tierOf(await submitTrackman(4))).toBe('auto');
      expect(await changes()).toEqual([
        { high: 0.9999, medium: 0.9998, low: 0.5 },
        { high: 0.95, medium: 0.75, low: 0.5 },
      ]);
    });

    it('applies a change made through another instance at its next refresh', async () => {
      const other: Runtime = await restartOn(rt);
      try {
        const res = await other.app.inject({ method: 'PUT', url: '/v1/admin/thresholds', headers: admin.headers, payload: { high: 0.97, medium: 0.8, low: 0.55 } });
        expect(res.statusCode, res.body).toBe(200);
      } finally {
        await other.close();
      }
      expect(rt.decisions.engine.settings.policy.thresholds).toEqual({ high: 0.95, medium: 0.75, low: 0.5 });
      await rt.thresholds.refresh();
      expect(rt.decisions.engine.settings.policy.thresholds).toEqual({ high: 0.97, medium: 0.8, low: 0.55 });
    });
  });
}
