import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Bars, TimeChart, type TimeSeries, countTop, durationTop } from '../components/Chart.js';
import { useResource } from '../hooks.js';
import { type DecisionMetrics, type MetricPoint, type MetricSeries, type SeriesBucket, type ShadowFigures, duration, pct } from '../types.js';

const FIGURES: readonly { key: keyof ShadowFigures; label: string; rate: boolean }[] = [
  { key: 'wouldAutomateRate', label: 'Automation rate', rate: true },
  { key: 'accuracy', label: 'Accuracy', rate: true },
  { key: 'falsePositiveRate', label: 'False-positive rate', rate: true },
  { key: 'interventionsSavedRate', label: 'Interventions saved', rate: true },
  { key: 'proposals', label: 'Proposals', rate: false },
];

const RANGES: readonly { bucket: SeriesBucket; label: string }[] = [
  { bucket: 'hour', label: 'Last 24 hours, hourly' },
  { bucket: 'day', label: 'Last 30 days, daily (UTC)' },
];

const TOPICS = ['decision.proposed', 'decision.answered', 'execution.updated'] as const;

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly kind: 'line' | 'area';
  readonly rate: 'rate' | 'count' | 'seconds';
  readonly series: readonly { readonly label: string; readonly value: (p: MetricPoint) => number | null }[];
}

/** The seed's success metrics, each over time: shadow (what automation would have done) beside live (what ran). */
const CHARTS: readonly ChartSpec[] = [
  {
    id: 'proposals',
    title: 'Proposals',
    description: 'Proposals made, and how many of them an operator answered.',
    kind: 'area',
    rate: 'count',
    series: [
      { label: 'Proposals', value: (p) => p.shadow.proposals },
      { label: 'Answered', value: (p) => p.shadow.answered },
    ],
  },
  {
    id: 'automation',
    title: 'Automation rate',
    description: 'Share of proposals automation would have executed (shadow) and did execute (live).',
    kind: 'line',
    rate: 'rate',
    series: [
      { label: 'Would automate', value: (p) => p.shadow.wouldAutomateRate },
      { label: 'Automated', value: (p) => p.live.automationRate },
    ],
  },
  {
    id: 'accuracy',
    title: 'Accuracy',
    description: "Answered proposals the operator confirmed, and finished executions that succeeded and weren't overridden.",
    kind: 'line',
    rate: 'rate',
    series: [
      { label: 'Operator agreed', value: (p) => p.shadow.accuracy },
      { label: 'Executions right', value: (p) => p.live.accuracy },
    ],
  },
  {
    id: 'false-positives',
    title: 'False-positive rate',
    description: 'Automated (or would-automate) proposals that turned out wrong: the operator disagreed, or the action failed or was overridden.',
    kind: 'line',
    rate: 'rate',
    series: [
      { label: 'Would have been wrong', value: (p) => p.shadow.falsePositiveRate },
      { label: 'Was wrong', value: (p) => p.live.falsePositiveRate },
    ],
  },
  {
    id: 'saved',
    title: 'Interventions saved',
    description: 'Operator interventions automation would have saved (shadow) and did save (live).',
    kind: 'area',
    rate: 'count',
    series: [
      { label: 'Would have saved', value: (p) => p.shadow.interventionsSaved },
      { label: 'Saved', value: (p) => p.live.interventionsSaved },
    ],
  },
  {
    id: 'resolution',
    title: 'Time to resolution',
    description: "From the event's arrival to the operator's answer or the automatic action's success; open proposals are left out.",
    kind: 'line',
    rate: 'seconds',
    series: [
      { label: 'Median', value: (p) => p.resolution.medianSeconds },
      { label: '90th percentile', value: (p) => p.resolution.p90Seconds },
    ],
  },
];

const FORMAT = { rate: pct, count: (y: number) => String(Math.round(y)), seconds: duration } as const;
const TOP = { rate: () => 1, count: countTop, seconds: durationTop } as const;

const hourTick = (t: number) => new Date(t).toLocaleTimeString([], { hour: 'numeric' });
const dayTick = (t: number) => new Date(t).toLocaleDateString([], { month: 'short', day: 'numeric', timeZone: 'UTC' });
const hourWhen = (t: number) => new Date(t).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
const dayWhen = (t: number) => `${new Date(t).toLocaleDateString([], { dateStyle: 'medium', timeZone: 'UTC' })} (UTC)`;

function OverTime(props: { locations: readonly string[] }) {
  const [bucket, setBucket] = useState<SeriesBucket>('hour');
  const [location, setLocation] = useState('');
  const query = `bucket=${bucket}${location === '' ? '' : `&location=${encodeURIComponent(location)}`}`;
  const s = useResource(() => api<MetricSeries>('GET', `/v1/metrics/decisions/series?${query}`), [query], TOPICS);
  const points = s.data?.total ?? [];
  const times = points.map((p) => Date.parse(p.start));
  const hourly = (s.data?.bucket ?? bucket) === 'hour';
  const tick = hourly ? hourTick : dayTick;
  const when = hourly ? hourWhen : dayWhen;
  const proposals = points.reduce((n, p) => n + p.shadow.proposals, 0);
  return (
    <section aria-labelledby="over-time-title">
      <h2 id="over-time-title">Over time</h2>
      <form class="inline controls" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="metrics-location">Location</label>
          <select id="metrics-location" value={location} onChange={(e) => setLocation((e.target as HTMLSelectElement).value)}>
            <option value="">All locations</option>
            {props.locations.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="metrics-range">Range</label>
          <select id="metrics-range" value={bucket} onChange={(e) => setBucket((e.target as HTMLSelectElement).value as SeriesBucket)}>
            {RANGES.map((r) => (
              <option key={r.bucket} value={r.bucket}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {s.error && (
        <p class="error" role="alert">
          {s.error}
        </p>
      )}
      {s.data && (
        <p class="muted" aria-live="polite">
          {proposals} proposals, {location === '' ? 'all locations' : location}, {when(Date.parse(s.data.from))} to {when(Date.parse(s.data.to))}.{' '}
          {s.data.mode === 'live' ? 'Automation is live.' : 'Shadow mode: nothing runs by itself.'} A break in a line: nothing to measure in that {hourly ? 'hour' : 'day'}.
        </p>
      )}
      {s.data && (
        <div class="grid charts">
          {CHARTS.map((c) => {
            const series: TimeSeries[] = c.series.map((x) => ({ label: x.label, values: points.map(x.value) }));
            const highest = Math.max(0, ...series.flatMap((x) => x.values.filter((v): v is number => v !== null)));
            return (
              <div class="card" key={c.id}>
                <TimeChart
                  id={c.id}
                  title={`${c.title} per ${hourly ? 'hour' : 'day'}`}
                  description={c.description}
                  times={times}
                  series={series}
                  kind={c.kind}
                  yMax={TOP[c.rate](highest)}
                  format={FORMAT[c.rate]}
                  tick={tick}
                  when={when}
                />
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

/** The seed plan's success metrics: over time per location, and the totals (shadow-mode figures and what really ran). */
export function MetricsPage() {
  const m = useResource(() => api<DecisionMetrics>('GET', '/v1/metrics/decisions'), [], TOPICS);
  const rows = m.data?.locations ?? [];
  const named = rows.map((r) => r.location).filter((l): l is string => l !== null);
  return (
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>
      {m.error && (
        <p class="error" role="alert">
          {m.error}
        </p>
      )}
      <OverTime locations={named} />
      <h2>Totals</h2>
      {m.data && (
        <p class="muted">
          Mode: {m.data.mode}. {m.data.total.proposals} proposals, {m.data.total.answered} answered.
        </p>
      )}
      {m.data?.live && (
        <div class="card">
          <h3>What really ran (automation {m.data.mode === 'live' ? 'on' : 'off'})</h3>
          <Bars
            title="Live figures, all locations"
            max={1}
            format={pct}
            rows={[
              { label: 'Automation rate', value: m.data.live.automationRate },
              { label: 'Accuracy', value: m.data.live.accuracy },
              { label: 'False-positive rate', value: m.data.live.falsePositiveRate },
            ]}
          />
          <p>
            {m.data.live.executions} executions, {m.data.live.automated} automatic, {m.data.live.interventionsSaved} interventions saved, {m.data.live.cancelled} cancelled,{' '}
            {m.data.live.awaitingHuman} awaiting a human.
          </p>
        </div>
      )}
      <h3>Shadow figures per location</h3>
      <div class="grid">
        {FIGURES.map((f) => (
          <div class="card" key={f.key}>
            <Bars
              title={f.label}
              max={f.rate ? 1 : undefined}
              format={f.rate ? pct : String}
              rows={[
                { label: 'All locations', value: m.data?.total[f.key] ?? 0 },
                ...rows.map((r) => ({ label: r.location ?? 'unknown', value: r.figures[f.key] })),
              ]}
            />
          </div>
        ))}
      </div>
    </section>
  );
}
