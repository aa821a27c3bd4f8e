import { api } from '../api.js';
import { Bars, LineChart } from '../components/Chart.js';
import { useResource } from '../hooks.js';
import { type AuditStatus, AuditStatusLine } from './Audit.js';

interface Tally {
  readonly total: number;
  readonly by: readonly { readonly label: string; readonly n: number }[];
}
interface Summary {
  readonly period: { readonly from: string; readonly to: string };
  readonly requests: { readonly blocked: { byKind: Tally; byRoute: Tally }; readonly flagged: { byKind: Tally; byRoute: Tally } };
  readonly rateLimit: { readonly episodes: Tally; readonly bans: number; readonly activeBans: readonly { subject: string; until: string; nth: number }[] };
  readonly keys: {
    readonly signals: Tally;
    readonly lifecycle: Tally;
    readonly riskiest: readonly { id: string; name: string; displayPrefix: string; state: string; riskScore: number; level: string }[];
  };
  readonly logins: { readonly failed: Tally; readonly succeeded: number };
  readonly anomalies: { readonly adaptiveTrust: Tally };
  readonly shedding: { readonly events: number; readonly levelChanges: number; readonly shedRequests: number; readonly maxShedLevel: number; readonly peakPressure: number };
  readonly audit: AuditStatus | null;
}
interface Series {
  readonly metric: string;
  readonly points: readonly { t: string; value: number }[];
}

const SERIES = [
  { metric: 'blocked', label: 'Blocked requests' },
  { metric: 'failed_logins', label: 'Failed sign-ins' },
  { metric: 'rate_limit_episodes', label: 'Rate-limit episodes' },
  { metric: 'key_risk_signals', label: 'Key risk signals' },
] as const;

const rows = (t: Tally) => t.by.map((b) => ({ label: b.label, value: b.n }));

function TallyCard(props: { title: string; tally: Tally; testId?: string }) {
  return (
    <div class="card" data-testid={props.testId}>
      <h2>
        {props.title} <span class="count">{props.tally.total}</span>
      </h2>
      <Bars title={props.title} rows={rows(props.tally)} captionHidden />
    </div>
  );
}

/** The security dashboard (last 24 h): what the defenses refused and why, keys at risk, and the audit chain. */
export function SecurityPage() {
  const summary = useResource(() => api<Summary>('GET', '/v1/security/summary'), [], ['security.event']);
  const series = useResource(
    () => Promise.all(SERIES.map((s) => api<Series>('GET', `/v1/security/timeseries?metric=${s.metric}&bucket=1h`))),
    [],
    ['security.event'],
  );
  const s = summary.data;
  return (
    <section aria-labelledby="security-title">
      <h1 id="security-title">Security</h1>
      {(summary.error ?? series.error) && (
        <p class="error" role="alert">
          {summary.error ?? series.error}
        </p>
      )}
      {s?.audit && <AuditStatusLine status={s.audit} />}
      {s && (
        <div class="grid">
          <TallyCard title="Blocked by kind" tally={s.requests.blocked.byKind} testId="blocked-by-kind" />
          <TallyCard title="Blocked by route" tally={s.requests.blocked.byRoute} testId="blocked-by-route" />
          <TallyCard title="Flagged by kind" tally={s.requests.flagged.byKind} />
          <TallyCard title="Failed sign-ins" tally={s.logins.failed} />
          <TallyCard title="Rate-limit episodes" tally={s.rateLimit.episodes} />
          <TallyCard title="Key risk signals" tally={s.keys.signals} />
          <TallyCard title="Key events" tally={s.keys.lifecycle} />
          <TallyCard title="Anomalies (adaptive trust)" tally={s.anomalies.adaptiveTrust} />
          <div class="card">
            <h2>Bans and load shedding</h2>
            <p>
              {s.rateLimit.bans} bans, {s.rateLimit.activeBans.length} active{s.rateLimit.activeBans.length > 0 ? `: ${s.rateLimit.activeBans.map((b) => b.subject).join(', ')}` : ''}.
            </p>
            <p>
              {s.shedding.shedRequests} requests shed, {s.shedding.levelChanges} level changes, highest level {s.shedding.maxShedLevel}, peak pressure {s.shedding.peakPressure.toFixed(2)}.
            </p>
          </div>
          <div class="card">
            <h2>Riskiest keys</h2>
            {s.keys.riskiest.length === 0 ? (
              <p class="muted">No key carries risk.</p>
            ) : (
              <ul>
                {s.keys.riskiest.map((k) => (
                  <li key={k.id}>
                    {k.name} <code>{k.displayPrefix}</code>: {k.riskScore} ({k.level}, {k.state})
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
      <div class="grid">
        {(series.data ?? []).map((ser, i) => (
          <div class="card" key={ser.metric}>
            <LineChart title={`${SERIES[i]!.label} per hour`} format={(y) => String(Math.round(y))} series={[{ label: SERIES[i]!.label, points: ser.points.map((p) => ({ x: Date.parse(p.t), y: p.value })) }]} />
          </div>
        ))}
      </div>
    </section>
  );
}
