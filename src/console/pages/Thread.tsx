import { api } from '../api.js';
import { humanize } from '../catalogue.js';
import { Conversation } from '../components/Conversation.js';
import { DecisionForm } from '../components/Decide.js';
import { useResource } from '../hooks.js';
import { type Operator, atLeast } from '../session.js';
import { type EventView, type Pattern, type QueueItem, pct, when } from '../types.js';

interface Summary {
  readonly decision: string | null;
  readonly params: Readonly<Record<string, string | number>>;
  readonly tier: string;
  readonly confidence: number;
  readonly matchScore: number;
  readonly reliability: number;
  readonly riskClass: string;
  readonly emergency: boolean;
  readonly shadow: boolean;
  readonly wouldExecute: boolean;
  readonly decidedAt: string;
}

/** One event: the message, what was proposed and why, the pattern's track record, and deciding it. */
export function ThreadPage(props: { id: string; operator: Operator }) {
  const topics = ['decision.proposed', 'decision.answered', 'execution.updated', 'thread.updated'] as const;
  const event = useResource(() => api<EventView>('GET', `/v1/events/${props.id}`), [props.id], topics);
  const queued = useResource(() => api<{ items: QueueItem[] }>('GET', '/v1/queue?limit=200'), [props.id], topics);
  const patterns = useResource(() => api<{ patterns: Pattern[] }>('GET', '/v1/patterns'), [], ['pattern.updated']);
  const e = event.data;
  const item = queued.data?.items.find((i) => i.eventId === props.id) ?? null;
  const summary = (e?.decision ?? null) as Summary | null;
  const proposal = item?.proposal ?? null;
  const pattern = proposal ? (patterns.data?.patterns.find((p) => p.key === proposal.patternKey) ?? null) : null;
  const x = proposal?.explanation;

  if (event.error) {
    return (
      <p class="error" role="alert">
        {event.error}
      </p>
    );
  }
  if (!e) return <p class="muted">Loading…</p>;
  return (
    <article aria-labelledby="thread-title" class="thread">
      <p>
        <a href="#/queue">← Queue</a>
      </p>
      <h1 id="thread-title">
        {e.location ?? 'Unknown location'}
        {e.bay !== null ? ` · bay ${e.bay}` : ''}
      </h1>
      <section class="card" aria-label="Conversation">
        <p class="muted">
          {e.kind === 'message' ? 'Message from' : 'Device'} {e.from} via {e.channel}, <time dateTime={e.t}>{when(e.t)}</time> · {e.status}
        </p>
        <blockquote class="text">{e.text}</blockquote>
        {e.kind === 'message' && <Conversation eventId={e.id} customer={e.from} location={e.location} canReply={atLeast(props.operator, 'operator')} />}
      </section>

      <section class="card" aria-labelledby="proposal-title">
        <h2 id="proposal-title">Proposal</h2>
        {summary === null ? (
          <p class="muted">Not decided yet.</p>
        ) : (
          <>
            <p>
              <span class="decision">{humanize(summary.decision)}</span> · tier <strong>{summary.tier}</strong> · confidence {pct(summary.confidence)} · match {pct(summary.matchScore)} ·
              track record {pct(summary.reliability)} · risk {summary.riskClass}
              {summary.shadow ? ' · shadow mode (nothing executes by itself)' : ''}
            </p>
            {summary.emergency && (
              <p class="alarm" role="alert">
                Emergency: automation is paused for this event; a human must act.
              </p>
            )}
          </>
        )}
        {x && (
          <div class="why">
            <h3>Why</h3>
            {x.reasons && x.reasons.length > 0 && (
              <ul>
                {x.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
            {x.neighbours && x.neighbours.length > 0 && (
              <table>
                <caption>Matched examples</caption>
                <thead>
                  <tr>
                    <th scope="col">example</th>
                    <th scope="col">decision</th>
                    <th scope="col">similarity</th>
                  </tr>
                </thead>
                <tbody>
                  {x.neighbours.map((n) => (
                    <tr key={n.exampleId}>
                      <td>{n.exampleId}</td>
                      <td>{humanize(n.decision)}</td>
                      <td>{pct(n.similarity)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {x.topFeatures && x.topFeatures.length > 0 && <p>Features: {x.topFeatures.join(', ')}</p>}
            {x.classifierProbability !== undefined && <p>Classifier probability {pct(x.classifierProbability)} · module {x.module}</p>}
            {x.matched && x.matched.length > 0 && <p>Emergency cues: {x.matched.join(', ')}</p>}
          </div>
        )}
        {pattern && (
          <p>
            Pattern <code>{pattern.key}</code>: {pattern.state}
            {pattern.hold ? ` (${pattern.hold})` : ''}, approved {pattern.trackRecord.humanApproved}, vetoed {pattern.trackRecord.vetoes}, modified {pattern.trackRecord.modifications}, overridden{' '}
            {pattern.trackRecord.overrides}. <a href="#/patterns">All patterns</a>
          </p>
        )}
      </section>

      {item?.executions && item.executions.length > 0 && (
        <section class="card" aria-labelledby="exec-title">
          <h2 id="exec-title">Executions</h2>
          <ul>
            {item.executions.map((x) => (
              <li key={x.executionId}>
                {humanize(x.decision)}: <strong>{x.state}</strong> ({x.origin}), due <time dateTime={x.runAt}>{when(x.runAt)}</time>
              </li>
            ))}
          </ul>
        </section>
      )}

      {item && atLeast(props.operator, 'operator') && (
        <section class="card" aria-labelledby="decide-title">
          <h2 id="decide-title">Decide from scratch</h2>
          <DecisionForm eventId={e.id} kind="decide" initialParams={{ ...(e.location ? { location: e.location } : {}), ...(e.bay !== null ? { bay: e.bay } : {}) }} onDone={() => (location.hash = '#/queue')} />
        </section>
      )}
    </article>
  );
}
