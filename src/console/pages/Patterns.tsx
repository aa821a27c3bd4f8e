import { useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import { humanize } from '../catalogue.js';
import { LineChart } from '../components/Chart.js';
import { useResource } from '../hooks.js';
import { type Operator, atLeast } from '../session.js';
import { type DecisionMetrics, type Pattern, pct, when } from '../types.js';

function PatternRow(props: { pattern: Pattern; canHold: boolean; onChanged: () => void }) {
  const p = props.pattern;
  const [error, setError] = useState<string | null>(null);
  const hold = async (kind: 'lock' | 'demote' | 'release') => {
    setError(null);
    try {
      await api('POST', `/v1/patterns/${encodeURIComponent(p.key)}/${kind}`, {});
      props.onChanged();
    } catch (err) {
      setError(describeError(err));
    }
  };
  const t = p.trackRecord;
  return (
    <li class="card pattern">
      <h2>
        {humanize(p.decision)} <span class={`state state-${p.state}`}>{p.state}</span>
        {p.hold !== 'none' && <span class="state state-held">{p.hold}</span>}
      </h2>
      <p class="muted">
        <code>{p.key}</code> · updated {when(p.updatedAt)}
      </p>
      <p>
        Track record {pct(p.reliability)} · approved {t.humanApproved} · modified {t.modifications} · vetoed {t.vetoes} · rejected {t.rejections} · overridden {t.overrides}
      </p>
      <LineChart
        title={`Confidence over time: ${humanize(p.decision)}`}
        yMax={1}
        format={pct}
        series={[{ label: 'track record', points: p.confidenceHistory.map((h) => ({ x: Date.parse(h.at), y: h.reliability })) }]}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {props.canHold && (
        <div class="actions">
          <button type="button" onClick={() => hold('lock')} disabled={p.hold === 'locked'}>
            Lock
          </button>
          <button type="button" onClick={() => hold('demote')} disabled={p.hold === 'demoted'}>
            Demote
          </button>
          <button type="button" onClick={() => hold('release')} disabled={p.hold === 'none'}>
            Release
          </button>
        </div>
      )}
    </li>
  );
}

/** Shadow mode: what automation would have done, how often it would have been right, and the switch to go live. */
function GoLive(props: { operator: Operator }) {
  const metrics = useResource(() => api<DecisionMetrics>('GET', '/v1/metrics/decisions'), [], ['decision.proposed', 'decision.answered']);
  const flags = useResource(() => (atLeast(props.operator, 'supervisor') ? api<Record<string, boolean>>('GET', '/v1/admin/flags') : Promise.resolve(null)), []);
  const [error, setError] = useState<string | null>(null);
  const total = metrics.data?.total;
  const live = flags.data?.autoExecution ?? false;
  return (
    <section class="card" aria-labelledby="shadow-title">
      <h2 id="shadow-title">{live ? 'Automation is live' : 'Shadow mode'}</h2>
      {total && (
        <p>
          {total.proposals} proposals; automation would have acted on {pct(total.wouldAutomateRate)}. Of those an operator answered, it agreed {pct(total.agreement)} and would
          have been wrong {pct(total.falsePositiveRate)}; {total.interventionsSaved} interventions saved.
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {atLeast(props.operator, 'admin') && flags.data && (
        <button
          type="button"
          class={live ? 'danger' : 'primary'}
          onClick={async () => {
            const next = !live;
            if (!confirm(next ? 'Let confident patterns execute by themselves?' : 'Return to shadow mode (nothing executes by itself)?')) return;
            try {
              await api('PUT', '/v1/admin/flags/autoExecution', { enabled: next });
              flags.reload();
            } catch (err) {
              setError(describeError(err));
            }
          }}
        >
          {live ? 'Return to shadow mode' : 'Go live: enable automatic execution'}
        </button>
      )}
    </section>
  );
}

export function PatternsPage(props: { operator: Operator }) {
  const patterns = useResource(() => api<{ patterns: Pattern[] }>('GET', '/v1/patterns'), [], ['pattern.updated', 'decision.answered']);
  const list = patterns.data?.patterns ?? [];
  return (
    <section aria-labelledby="patterns-title">
      <h1 id="patterns-title">Patterns</h1>
      <GoLive operator={props.operator} />
      {patterns.error && (
        <p class="error" role="alert">
          {patterns.error}
        </p>
      )}
      {!patterns.loading && list.length === 0 && <p class="muted">No remembered decisions yet: they form as operators answer.</p>}
      <ul class="plain">
        {list.map((p) => (
          <PatternRow key={p.key} pattern={p} canHold={atLeast(props.operator, 'supervisor') && props.operator.locations === null} onChanged={patterns.reload} />
        ))}
      </ul>
    </section>
  );
}
