/** What the security dashboard reads; `store/security/dashboard.ts` implements it. Periods are [from, to). */
export interface Period {
  readonly from: Date;
  readonly to: Date;
}

export interface EventCount {
  readonly kind: string;
  readonly action: string;
  readonly route: string | null;
  readonly n: number;
}

export interface LabelCount {
  readonly label: string;
  readonly n: number;
}

export interface BanRecord {
  readonly subject: string;
  /** ISO time the ban ends. */
  readonly until: string;
  readonly nth: number;
  readonly at: Date;
}

export interface KeyRiskRow {
  readonly id: string;
  readonly name: string;
  readonly displayPrefix: string;
  readonly state: string;
  readonly locations: readonly string[] | null;
  readonly riskScore: number;
  readonly riskAt: Date | null;
  readonly limitMultiplier: number;
}

export interface PerformanceTotals {
  readonly samples: number;
  readonly shedRequests: number;
  readonly maxShedLevel: number;
  readonly peakPressure: number;
  readonly peakEventLoopDelayMs: number;
  readonly peakRssMb: number;
}

/** Series the timeseries endpoint offers: counts of events, or aggregates of the guard's samples. */
export const SERIES_METRICS = [
  'blocked',
  'flagged',
  'rate_limit_episodes',
  'bans',
  'shed_requests',
  'failed_logins',
  'key_risk_signals',
  'pressure',
  'event_loop_delay_ms',
  'cpu_percent',
  'rss_mb',
] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

export interface SeriesPoint {
  readonly t: Date;
  readonly value: number;
}

export interface SecurityDashboardReader {
  eventCounts(period: Period): Promise<EventCount[]>;
  /** Trust changes of the rate limiter, by reason (`detail.reason` of `ratelimit.trust`). */
  trustReasons(period: Period): Promise<LabelCount[]>;
  /** Ban events recorded since `since` (bans last at most a day: the caller keeps the live ones). */
  bans(since: Date): Promise<BanRecord[]>;
  /** Compromise signals of keys in the period, labelled `signal/action_taken`. */
  keyRiskSignals(period: Period): Promise<LabelCount[]>;
  /** Keys with a non-zero risk score that are not revoked. */
  riskyKeys(): Promise<KeyRiskRow[]>;
  /** Audit entries of the given actions in the period, labelled `action` or `action/reason` for failed logins. */
  auditCounts(period: Period, actions: readonly string[]): Promise<LabelCount[]>;
  performance(period: Period): Promise<PerformanceTotals>;
  /** Non-empty buckets only, each starting at `from + k × bucketMs`. */
  series(metric: SeriesMetric, period: Period, bucketMs: number): Promise<SeriesPoint[]>;
}
