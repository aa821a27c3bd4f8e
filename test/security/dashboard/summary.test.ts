import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, MAX_POINTS, alignDown, planSeries, zeroFilled } from '../../../src/security/dashboard/buckets.js';
import { activeBans, riskiestKeys, summariseEvents, tally } from '../../../src/security/dashboard/summary.js';

const T = new Date('2026-03-02T12:00:00Z');

describe('security dashboard arithmetic', () => {
  it('tally keeps every count: the total is the sum, each label once, largest first', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ label: fc.constantFrom('a', 'b', 'c', 'd'), n: fc.nat(1000) }), { maxLength: 30 }), (rows) => {
        const t = tally(rows);
        expect(t.total).toBe(rows.reduce((s, r) => s + r.n, 0));
        expect(t.by.reduce((s, r) => s + r.n, 0)).toBe(t.total);
        expect(new Set(t.by.map((r) => r.label)).size).toBe(t.by.length);
        for (let i = 1; i < t.by.length; i++) expect(t.by[i - 1]!.n).toBeGreaterThanOrEqual(t.by[i]!.n);
      }),
    );
  });

  it('sorts events into their sections by kind and action', () => {
    const s = summariseEvents([
      { kind: 'injection.sqli', action: 'blocked', route: '/v1/auth/login', n: 3 },
      { kind: 'injection.xss', action: 'blocked', route: '/problems/:code', n: 1 },
      { kind: 'injection.xss', action: 'flagged', route: '/v1/events', n: 2 },
      { kind: 'ratelimit.ip', action: 'limited', route: null, n: 4 },
      { kind: 'ratelimit.route', action: 'limited', route: '/v1/audit/status', n: 1 },
      { kind: 'ratelimit.trust', action: 'limited', route: null, n: 9 },
      { kind: 'ratelimit.ban', action: 'banned', route: null, n: 1 },
      { kind: 'guard.shed', action: 'shed', route: null, n: 2 },
      { kind: 'guard.shed_level', action: 'shed', route: null, n: 5 },
    ]);
    expect(s.blocked.byKind).toEqual({ total: 4, by: [{ label: 'sqli', n: 3 }, { label: 'xss', n: 1 }] });
    expect(s.blocked.byRoute.by).toEqual([{ label: '/v1/auth/login', n: 3 }, { label: '/problems/:code', n: 1 }]);
    expect(s.flagged.byKind).toEqual({ total: 2, by: [{ label: 'xss', n: 2 }] });
    expect(s.rateLimit).toEqual({ episodes: { total: 5, by: [{ label: 'ip', n: 4 }, { label: 'client-route', n: 1 }] }, bans: 1 });
    expect(s.shedding).toEqual({ events: 2, levelChanges: 5 });
  });

  it('keeps only live bans, the latest per subject', () => {
    const ban = (subject: string, atMin: number, untilMin: number, nth = 1) => ({ subject, at: new Date(T.getTime() + atMin * 60_000), until: new Date(T.getTime() + untilMin * 60_000).toISOString(), nth });
    const live = activeBans([ban('192.0.2.1', -20, -5), ban('192.0.2.1', -1, 29, 2), ban('192.0.2.2', -10, 5), ban('192.0.2.3', -30, -15)], T);
    expect(live.map((b) => [b.subject, b.nth])).toEqual([
      ['192.0.2.1', 2],
      ['192.0.2.2', 1],
    ]);
  });

  it('ranks keys by their risk decayed to now and narrows them to a location', () => {
    const row = (id: string, score: number, hoursAgo: number, locations: string[] | null) => ({
      id,
      name: id,
      displayPrefix: `clubos_live_${id}`,
      state: 'active',
      locations,
      riskScore: score,
      riskAt: new Date(T.getTime() - hoursAgo * 3_600_000),
      limitMultiplier: 0.25,
    });
    const keys = [row('a', 100, 48, null), row('b', 60, 0, ['Dartmouth']), row('c', 40, 0, ['Halifax'])];
    expect(riskiestKeys(keys, T, null, 5).map((k) => [k.id, k.riskScore, k.level, k.limitMultiplier])).toEqual([
      ['b', 60, 'tightened', 0.25],
      ['c', 40, 'flagged', 1],
      ['a', 25, 'none', 1],
    ]);
    expect(riskiestKeys(keys, T, 'dartmouth', 5).map((k) => k.id)).toEqual(['b', 'a']);
  });

  it('plans at most MAX_POINTS buckets and zero-fills every one of them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(BUCKETS) as (keyof typeof BUCKETS)[])), fc.integer({ min: 1, max: 3 * 86_400_000 }), fc.array(fc.nat(5000), { maxLength: 20 }), (bucket, spanMs, hits) => {
        const from = alignDown(T, BUCKETS[bucket]);
        const to = new Date(from.getTime() + spanMs);
        const plan = planSeries(from, to, bucket);
        const points = Math.ceil(spanMs / BUCKETS[bucket]);
        expect(plan).toEqual(points > MAX_POINTS ? { kind: 'too_many_points', points } : { kind: 'ok', bucketMs: BUCKETS[bucket], points });
        const n = Math.min(points, MAX_POINTS);
        const found = hits.filter((h) => h < n).map((h) => ({ t: new Date(from.getTime() + h * BUCKETS[bucket]), value: h + 1 }));
        const filled = zeroFilled(found, from, BUCKETS[bucket], n);
        expect(filled).toHaveLength(n);
        expect(filled.reduce((s, p) => s + p.value, 0)).toBe([...new Map(found.map((f) => [f.t.getTime(), f.value])).values()].reduce((s, v) => s + v, 0));
        for (let i = 0; i < n; i++) expect(filled[i]!.t.getTime()).toBe(from.getTime() + i * BUCKETS[bucket]);
      }),
    );
  });
});
