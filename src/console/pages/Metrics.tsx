import { api } from '../api.js';
import { Bars } from '../components/Chart.js';
import { useResource } from '../hooks.js';
import { type DecisionMetrics, type ShadowFigures, pct } from '../types.js';

const FIGURES: readonly { key: keyof ShadowFigures; label: string; rate: boolean }[] = [
  { key: 'wouldAutomateRate', label: 'Automation rate', rate: true },
  { key: 'accuracy', label: 'Accuracy', rate: true },
  { key: 'falsePositiveRate', label: 'False-positive rate', rate: true },
  { key: 'interventionsSavedRate', label: 'Interventions saved', rate: true },
  { key: 'proposals', label: 'Proposals', rate: false },
];

/** The seed plan's success metrics per location (shadow-mode figures from the decision stage). */
export function MetricsPage() {
  const m = useResource(() => api<DecisionMetrics>('GET', '/v1/metrics/decisions'), [], ['decision.proposed', 'decision.answered', 'execution.updated']);
  const rows = m.data?.locations ?? [];
  return (
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>
      {m.error && (
        <p class="error" role="alert">
          {m.error}
        </p>
      )}
      {m.data && (
        <p class="muted">
          Mode: {m.data.mode}. {m.data.total.proposals} proposals, {m.data.total.answered} answered.
        </p>
      )}
      {m.data?.live && (
        <div class="card">
          <h2>What really ran (automation {m.data.mode === 'live' ? 'on' : 'off'})</h2>
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
      <h2>Shadow figures per location</h2>
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
