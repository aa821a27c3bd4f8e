import { describe, expect, it } from 'vitest';
import { activeBans, riskiestKeys, summariseEvents, tally } from '../../../src/security/dashboard/summary.js';

const T = new Date('2026-03-02T12:00:00Z');
const min = (m: number) => new Date(T.getTime() + m * 60_000);

describe('security dashboard ordering is stable', () => {
  it('orders equal counts by label, so the dashboard does not reshuffle between refreshes', () => {
    expect(tally([{ label: 'b', n: 1 }, { label: 'c', n: 1 }, { label: 'a', n: 1 }, { label: 'b', n: 1 }, { label: 'a', n: 1 }]).by).toEqual([
      { label: 'a', n: 2 },
      { label: 'b', n: 2 },
      { label: 'c', n: 1 },
    ]);
  });

  it('files injection events without a route under "(no route)"', () => {
    const s = summariseEvents([
      { kind: 'injection.sqli', action: 'blocked', route: null, n: 2 },
      { kind: 'injection.sqli', action: 'blocked', route: '/v1/events', n: 2 },
    ]);
    expect(s.blocked.byRoute.by).toEqual([{ label: '(no route)', n: 2 }, { label: '/v1/events', n: 2 }]);
  });

  it('keeps the latest ban of a subject whatever order the rows come in, and orders bans ending together by subject', () => {
    const ban = (subject: string, at: number, until: number, nth: number) => ({ subject, at: min(at), until: min(until).toISOString(), nth });
    const live = activeBans([ban('192.0.2.9', -1, 30, 2), ban('192.0.2.9', -20, 40, 1), ban('192.0.2.2', -5, 30, 1), ban('192.0.2.5', -5, 30, 1)], T);
    expect(live.map((b) => [b.subject, b.nth])).toEqual([
      ['192.0.2.2', 1],
      ['192.0.2.5', 1],
      ['192.0.2.9', 2],
    ]);
  });

  it('orders keys of equal risk by id', () => {
    const row = (id: string) => ({ id, name: id, displayPrefix: `clubos_live_${id}`, state: 'active', locations: null, riskScore: 40, riskAt: T, limitMultiplier: 1 });
    expect(riskiestKeys([row('k2'), row('k3'), row('k1')], T, null, 5).map((k) => k.id)).toEqual(['k1', 'k2', 'k3']);
  });
});
