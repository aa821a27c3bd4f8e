import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_METRICS, type SeriesMetric, type SeriesPoint } from '../../src/security/dashboard/ports.js';
import { apiKeyStore } from '../../src/store/identity/apiKeys.js';
import { performanceMetricStore } from '../../src/store/performance/performanceMetrics.js';
import { securityDashboardStore } from '../../src/store/security/dashboard.js';
import { type SecurityEvent, securityEventStore } from '../../src/store/security/securityEvents.js';
import { setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { T0, type TestRuntime, startRuntime } from '../support/runtime.js';

const at = (m: number) => new Date(T0.getTime() + m * 60_000);
const BUCKET = 10 * 60_000;
const period = { from: T0, to: at(30) };
const b0 = at(0);
const b1 = at(10);

/**
 * The dashboard's numbers straight from the tables that record them: security events, the guard's samples,
 * key risk events and the audit log, bucketed on the period's start.
 */
for (const engine of engines) {
  describe(`security dashboard reader on ${engine.name}`, () => {
    let rt: TestRuntime;
    let reader: ReturnType<typeof securityDashboardStore>;

    beforeAll(async () => {
      rt = await startRuntime(engine);
      reader = securityDashboardStore(rt.database.db);
      const events = securityEventStore(rt.database.db);
      const event = (m: number, kind: string, action: SecurityEvent['action'], detail: Record<string, unknown> = {}) =>
        events.record({ at: at(m), kind, severity: 'medium', route: '/v1/events', method: 'POST', ip: '203.0.113.9', principal: null, correlationId: null, action, detail });
      await event(1, 'injection.sql', 'blocked');
      await event(2, 'injection.sql', 'blocked');
      await event(12, 'injection.xss', 'blocked');
      await event(3, 'injection.xss', 'flagged');
      await event(4, 'ratelimit.ip', 'limited');
      await event(15, 'ratelimit.route', 'limited');
      await event(5, 'ratelimit.ban', 'banned', { subject: 'ip:203.0.113.9', until: at(20).toISOString(), nth: 2 });
      await event(6, 'ratelimit.ban', 'banned', { subject: 7 });
      await event(7, 'ratelimit.trust', 'flagged', { reason: 'refusal_burst' });
      await event(8, 'ratelimit.trust', 'flagged', {});
      await event(40, 'injection.sql', 'blocked'); // after the period

      const samples = performanceMetricStore(rt.database.db);
      const sample = (m: number, v: { pressure: number; cpu: number; rss: number; delay: number; shed: number; level: number }) =>
        samples.record({ at: at(m), instance: 'i1', eventLoopDelayMs: v.delay, eventLoopUtilization: 0.5, cpuPercent: v.cpu, rssMb: v.rss, heapUsedMb: 50, pressure: v.pressure, shedLevel: v.level, shedRequests: v.shed });
      await sample(1, { pressure: 0.2, cpu: 10, rss: 100, delay: 5, shed: 0, level: 0 });
      await sample(2, { pressure: 0.6, cpu: 30, rss: 120, delay: 15, shed: 3, level: 1 });
      await sample(11, { pressure: 0.4, cpu: 50, rss: 110, delay: 7.5, shed: 2, level: 2 });

      const { record } = await rt.keys.create({ name: 'relay', scopes: ['events:write'], ownerId: null, cidrs: [], expiresAt: null }, { type: 'system', id: 'test' });
      const keys = apiKeyStore(rt.database.db);
      for (const [m, signal] of [
        [3, 'new_network'],
        [13, 'new_network'],
        [14, 'rate_spike'],
      ] as const) {
        await keys.addRiskEvent({ keyId: record.id, at: at(m), signal, weight: 10, scoreAfter: 10, levelAfter: 'low', actionTaken: 'none', detail: {} });
      }

      // Failed sign-ins, audited by the real login: one for an unknown account, one with a wrong password.
      await setupAdmin(rt);
      rt.clock.set(at(9));
      for (const username of ['nobody', 'ada']) {
        const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '203.0.113.50', payload: { username, password: 'wrong password entirely' } });
        expect(res.statusCode).toBe(401);
      }
    });
    afterAll(async () => rt.dispose());

    const points = (...p: Array<[Date, number]>): SeriesPoint[] => p.map(([t, value]) => ({ t, value }));
    const sorted = (s: SeriesPoint[]) => [...s].sort((a, b) => a.t.getTime() - b.t.getTime());

    it('every series: events counted per bucket, guard samples aggregated (peaks, CPU average, shed requests summed), within the period only', async () => {
      const expected = {
        blocked: points([b0, 2], [b1, 1]),
        flagged: points([b0, 1]),
        rate_limit_episodes: points([b0, 1], [b1, 1]),
        bans: points([b0, 2]),
        key_risk_signals: points([b0, 1], [b1, 2]),
        failed_logins: points([b0, 2]),
        pressure: points([b0, 0.6], [b1, 0.4]),
        event_loop_delay_ms: points([b0, 15], [b1, 7.5]),
        rss_mb: points([b0, 120], [b1, 110]),
        cpu_percent: points([b0, 20], [b1, 50]),
        shed_requests: points([b0, 3], [b1, 2]),
      } satisfies Record<SeriesMetric, SeriesPoint[]>;
      for (const metric of SERIES_METRICS) expect(sorted(await reader.series(metric, period, BUCKET)), metric).toEqual(expected[metric]);
      expect(await reader.performance(period)).toEqual({ samples: 3, shedRequests: 5, maxShedLevel: 2, peakPressure: 0.6, peakEventLoopDelayMs: 15, peakRssMb: 120 });
    });

    it('lists well-formed bans only, names trust reasons (unknown when none was given), and labels failed logins by reason', async () => {
      expect(await reader.bans(T0)).toEqual([{ subject: 'ip:203.0.113.9', until: at(20).toISOString(), nth: 2, at: at(5) }]);
      expect([...(await reader.trustReasons(period))].sort((a, b) => a.label.localeCompare(b.label))).toEqual([
        { label: 'refusal_burst', n: 1 },
        { label: 'unknown', n: 1 },
      ]);
      expect([...(await reader.auditCounts(period, ['auth.login_failed']))].sort((a, b) => a.label.localeCompare(b.label))).toEqual([
        { label: 'auth.login_failed/unknown_user', n: 1 },
        { label: 'auth.login_failed/wrong_password', n: 1 },
      ]);
      expect(await reader.auditCounts(period, [])).toEqual([]);
      expect([...(await reader.keyRiskSignals(period))].sort((a, b) => a.label.localeCompare(b.label))).toEqual([
        { label: 'new_network/none', n: 2 },
        { label: 'rate_spike/none', n: 1 },
      ]);
    });
  });
}
