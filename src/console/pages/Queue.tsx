import { useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import { humanize } from '../catalogue.js';
import { DecisionForm, answer } from '../components/Decide.js';
import { useNow, useResource } from '../hooks.js';
import { type Operator, atLeast } from '../session.js';
import { type QueueItem, type Tier, pct, when } from '../types.js';

/** When the suggestion executes by itself unless vetoed (null: it waits for an operator). */
export const runAtOf = (i: QueueItem): string | null => i.runAt ?? i.suggestion?.runAt ?? i.proposal.runAt ?? null;

const URGENCY: Readonly<Record<Tier, number>> = { escalate: 0, suggest: 1, queue: 2, human: 3, auto: 4 };

/** Emergencies first, then escalations, then suggestions about to run, then the rest by arrival. */
export function orderQueue(items: readonly QueueItem[]): QueueItem[] {
  const rank = (i: QueueItem) => (i.proposal.emergency ? -1 : URGENCY[i.proposal.tier]);
  return [...items].sort((a, b) => rank(a) - rank(b) || (runAtOf(a) ?? '9').localeCompare(runAtOf(b) ?? '9') || a.receivedAt.localeCompare(b.receivedAt));
}

function Countdown(props: { runAt: string }) {
  const now = useNow(250);
  const ms = Date.parse(props.runAt) - now;
  const s = Math.max(0, Math.ceil(ms / 1000));
  const label = ms <= 0 ? 'running now' : `runs in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return (
    <span class={`countdown${s <= 10 ? ' soon' : ''}`} role="timer" aria-label={`Executes automatically, ${label}`}>
      {label}
    </span>
  );
}

function Params(props: { params: Readonly<Record<string, string | number>> }) {
  const entries = Object.entries(props.params);
  if (entries.length === 0) return null;
  return (
    <dl class="params">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function QueueCard(props: { item: QueueItem; canAnswer: boolean; onAnswered: () => void }) {
  const { item } = props;
  const p = item.proposal;
  const [modifying, setModifying] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const runAt = runAtOf(item);
  const tone = p.emergency ? 'emergency' : p.tier === 'escalate' ? 'escalated' : runAt !== null ? 'suggested' : 'waiting';
  const headline = p.emergency ? 'EMERGENCY' : p.tier === 'escalate' ? 'Escalated' : runAt !== null ? 'Suggestion' : p.tier === 'queue' ? 'Needs approval' : 'Needs a decision';
  const act = async (kind: 'approve' | 'veto' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      await answer(item.eventId, { kind });
      props.onAnswered();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const place = [item.location ?? 'unknown location', item.bay !== null ? `bay ${item.bay}` : null].filter(Boolean).join(' · ');
  return (
    <li class={`item ${tone}`} data-event-id={item.eventId} aria-labelledby={`h-${item.eventId}`}>
      <div class="item-head">
        <strong id={`h-${item.eventId}`} class="tag">
          {headline}
        </strong>
        <span>{place}</span>
        <time dateTime={item.receivedAt}>{when(item.receivedAt)}</time>
        {runAt !== null && <Countdown runAt={runAt} />}
      </div>
      <blockquote class="text">{item.text}</blockquote>
      <p class="from muted">
        {item.kind === 'message' ? 'From' : 'Device'} {item.from} via {item.channel}
      </p>
      <div class="proposal">
        {p.decision === null ? (
          <span>No proposal: decide from the thread.</span>
        ) : (
          <>
            <span class="decision">{humanize(p.decision)}</span> <span class="muted">confidence {pct(p.confidence)}</span>
            <Params params={p.params} />
          </>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {props.canAnswer && !modifying && (
        <div class="actions">
          {p.decision !== null && !p.emergency && (
            <button type="button" class="primary" disabled={busy} onClick={() => act('approve')}>
              Approve
            </button>
          )}
          {runAt !== null && (
            <button type="button" class="danger" disabled={busy} onClick={() => act('veto')}>
              Veto
            </button>
          )}
          {p.decision !== null && (
            <button type="button" disabled={busy} onClick={() => setModifying(true)}>
              Modify
            </button>
          )}
          {runAt === null && p.decision !== null && !p.emergency && (
            <button type="button" class="ghost" disabled={busy} onClick={() => act('reject')}>
              Reject
            </button>
          )}
          <a class="button ghost" href={`#/events/${item.eventId}`}>
            Open
          </a>
        </div>
      )}
      {modifying && (
        <DecisionForm
          eventId={item.eventId}
          kind="modify"
          initialDecision={p.decision}
          initialParams={p.params}
          onCancel={() => setModifying(false)}
          onDone={() => {
            setModifying(false);
            props.onAnswered();
          }}
        />
      )}
    </li>
  );
}

export function QueuePage(props: { operator: Operator }) {
  const queue = useResource(() => api<{ items: QueueItem[] }>('GET', '/v1/queue?limit=100'), [], [
    'event.received',
    'decision.proposed',
    'decision.answered',
    'suggestion.scheduled',
    'execution.updated',
  ]);
  const items = orderQueue(queue.data?.items ?? []);
  const emergencies = items.filter((i) => i.proposal.emergency).length;
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">
        Queue <span class="count">{items.length}</span>
      </h1>
      {emergencies > 0 && (
        <p class="alarm" role="alert">
          {emergencies === 1 ? 'An emergency needs a human now.' : `${emergencies} emergencies need a human now.`}
        </p>
      )}
      {queue.error && (
        <p class="error" role="alert">
          {queue.error}
        </p>
      )}
      {!queue.loading && items.length === 0 && !queue.error && <p class="muted">Nothing waiting. New messages appear here as they arrive.</p>}
      <ul class="queue" aria-live="polite">
        {items.map((i) => (
          <QueueCard key={i.eventId} item={i} canAnswer={atLeast(props.operator, 'operator')} onAnswered={queue.reload} />
        ))}
      </ul>
    </section>
  );
}
