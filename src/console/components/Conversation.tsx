import { useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import { useResource } from '../hooks.js';
import { when } from '../types.js';

interface ThreadSummary {
  readonly id: string;
  readonly customer: string;
  readonly location: string | null;
  readonly state: string;
  readonly automationPaused: boolean;
  readonly lastActivityAt: string;
}
interface Message {
  readonly direction: string;
  readonly eventId: string | null;
  readonly text: string;
  readonly channel: string;
  readonly operatorId: string | null;
  readonly executionId: string | null;
  readonly at: string;
}

/** The customer's thread at this location (the conversation the event belongs to), with a free-text reply. */
export function Conversation(props: { eventId: string; customer: string; location: string | null; canReply: boolean }) {
  const list = useResource(
    () => api<{ threads: ThreadSummary[] }>('GET', `/v1/threads?limit=100${props.location ? `&location=${encodeURIComponent(props.location)}` : ''}`),
    [props.location],
    ['thread.updated'],
  );
  const thread = (list.data?.threads ?? []).filter((t) => t.customer === props.customer).sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt))[0] ?? null;
  const detail = useResource(
    () => (thread ? api<{ thread: ThreadSummary; messages: Message[] }>('GET', `/v1/threads/${thread.id}`) : Promise.resolve(null)),
    [thread?.id],
    ['thread.updated'],
  );
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (list.error) return <p class="error">{list.error}</p>;
  if (!thread) return <p class="muted">No conversation thread for this sender.</p>;
  const messages = detail.data?.messages ?? [];
  return (
    <div class="conversation">
      <p class="muted">
        Thread {thread.state}
        {thread.automationPaused ? ' · automation paused' : ''}
      </p>
      <ol class="messages">
        {messages.map((m, i) => (
          <li key={`${m.at}${i}`} class={`msg ${m.direction === 'out' ? 'out' : 'in'}${m.eventId === props.eventId ? ' this' : ''}`}>
            <span class="msg-text">{m.text}</span>
            <small class="muted">
              {m.direction === 'out' ? (m.operatorId ? 'operator' : 'ClubOS') : 'customer'} · {m.channel} · <time dateTime={m.at}>{when(m.at)}</time>
            </small>
          </li>
        ))}
      </ol>
      {props.canReply && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              await api('POST', `/v1/threads/${thread.id}/reply`, { text });
              setText('');
              detail.reload();
            } catch (err) {
              setError(describeError(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          <div class="field">
            <label for="reply-text">Reply to the customer</label>
            <textarea id="reply-text" rows={3} maxLength={1600} required value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
          </div>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="primary" disabled={busy || text.trim() === ''}>
            Send reply
          </button>
        </form>
      )}
    </div>
  );
}
