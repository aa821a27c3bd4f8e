import { currentLimitMultiplier, decayedScore, riskLevel, type RiskLevel } from '../apiKeys/risk.js';
import type { BanRecord, EventCount, KeyRiskRow, LabelCount } from './ports.js';

/** Rate-limit layers as their security-event kinds name them. */
const LIMIT_KINDS: Readonly<Record<string, string>> = { 'ratelimit.ip': 'ip', 'ratelimit.prefix': 'ip56', 'ratelimit.principal': 'client', 'ratelimit.route': 'client-route' };

export interface Tally {
  readonly total: number;
  readonly by: LabelCount[];
}

/** Counts grouped by label, largest first (ties by label), totals kept. */
export function tally(rows: Iterable<{ label: string; n: number }>): Tally {
  const m = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    m.set(r.label, (m.get(r.label) ?? 0) + r.n);
    total += r.n;
  }
  const by = [...m].map(([label, n]) => ({ label, n })).sort((a, b) => b.n - a.n || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { total, by };
}

export interface RequestDefenseSummary {
  readonly blocked: { readonly byKind: Tally; readonly byRoute: Tally };
  readonly flagged: { readonly byKind: Tally; readonly byRoute: Tally };
  readonly rateLimit: { readonly episodes: Tally; readonly bans: number };
  readonly shedding: { readonly events: number; readonly levelChanges: number };
}

/**
 * Folds the security-event counts of a period into the dashboard's sections. Injection events are named
 * `injection.<kind>`; a rate-limit episode is a client's first 429 within the strike window.
 * @example summariseEvents([{ kind: 'injection.sqli', action: 'blocked', route: '/v1/x', n: 2 }]).blocked.byKind.total // 2
 */
export function summariseEvents(rows: readonly EventCount[]): RequestDefenseSummary {
  const injection = (action: string) => rows.filter((r) => r.action === action && r.kind.startsWith('injection.'));
  const byKind = (rs: readonly EventCount[]) => tally(rs.map((r) => ({ label: r.kind.slice('injection.'.length), n: r.n })));
  const byRoute = (rs: readonly EventCount[]) => tally(rs.map((r) => ({ label: r.route ?? '(no route)', n: r.n })));
  const blocked = injection('blocked');
  const flagged = injection('flagged');
  const sum = (pred: (r: EventCount) => boolean) => rows.filter(pred).reduce((a, r) => a + r.n, 0);
  return {
    blocked: { byKind: byKind(blocked), byRoute: byRoute(blocked) },
    flagged: { byKind: byKind(flagged), byRoute: byRoute(flagged) },
    rateLimit: {
      episodes: tally(rows.filter((r) => LIMIT_KINDS[r.kind] !== undefined).map((r) => ({ label: LIMIT_KINDS[r.kind]!, n: r.n }))),
      bans: sum((r) => r.kind === 'ratelimit.ban'),
    },
    shedding: { events: sum((r) => r.kind === 'guard.shed'), levelChanges: sum((r) => r.kind === 'guard.shed_level') },
  };
}

/**
 * The bans still in force at `now`: the latest ban of each subject whose end is after `now`, soonest to end last.
 * @example activeBans([{ subject: '192.0.2.1', until: '2026-01-01T01:00:00.000Z', nth: 1, at }], new Date('2026-01-01T00:30:00Z')).length // 1
 */
export function activeBans(bans: readonly BanRecord[], now: Date): BanRecord[] {
  const latest = new Map<string, BanRecord>();
  for (const b of bans) {
    const prior = latest.get(b.subject);
    if (prior === undefined || b.at > prior.at) latest.set(b.subject, b);
  }
  return [...latest.values()].filter((b) => Date.parse(b.until) > now.getTime()).sort((a, b) => Date.parse(b.until) - Date.parse(a.until) || (a.subject < b.subject ? -1 : 1));
}

export interface KeyRiskView {
  readonly id: string;
  readonly name: string;
  readonly displayPrefix: string;
  readonly state: string;
  /** Score decayed to `now`. */
  readonly riskScore: number;
  readonly level: RiskLevel;
  /** The multiplier compromise detection applies to the key's limits now. */
  readonly limitMultiplier: number;
}

/**
 * The riskiest keys at `now` (score decayed), optionally only those that may act at `location`.
 * @example riskiestKeys([row], now, null, 5)[0].level // 'tightened'
 */
export function riskiestKeys(rows: readonly KeyRiskRow[], now: Date, location: string | null, limit: number): KeyRiskView[] {
  const here = (k: KeyRiskRow) => location === null || k.locations === null || k.locations.some((l) => l.toLowerCase() === location.toLowerCase());
  return rows
    .filter(here)
    .map((k) => {
      const score = decayedScore(k.riskScore, k.riskAt, now);
      return { id: k.id, name: k.name, displayPrefix: k.displayPrefix, state: k.state, riskScore: Math.round(score * 10) / 10, level: riskLevel(score), limitMultiplier: currentLimitMultiplier(k.riskScore, k.riskAt, k.limitMultiplier, now) };
    })
    .filter((k) => k.riskScore > 0)
    .sort((a, b) => b.riskScore - a.riskScore || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}
