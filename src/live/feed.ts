/**
 * The operator console's live feed: what changed, pushed to every connected operator (server-sent
 * events at `/v1/stream`). Publishers never wait for listeners and never fail because of them; a
 * listener sees only what happens after it subscribed and re-reads state through the API.
 */

export const LIVE_TOPICS = [
  'event.received', // an event was accepted (queue and threads refresh)
  'decision.proposed', // the decision memory proposed (or escalated) something
  'decision.answered', // an operator approved, vetoed, modified, rejected or decided
  'suggestion.scheduled', // a suggestion will execute at its deadline unless vetoed
  'execution.updated', // an execution changed state
  'thread.updated',
  'ticket.updated',
  'security.event', // a blocked request, a ban, a key risk signal
  'pattern.updated',
] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

export interface LiveMessage {
  readonly topic: LiveTopic;
  /** Only operators who may see this location receive it; null = every operator. */
  readonly location: string | null;
  /** Small: ids and states, never customer text or secrets (the client fetches details through the API). */
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

export interface LiveFeed {
  publish(message: LiveMessage): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (message: LiveMessage) => void): () => void;
}

/** One process's feed. Several instances: each pushes what it saw (see the note in ARCHITECTURE.md). */
export function createLiveFeed(onListenerError: (err: unknown) => void = () => {}): LiveFeed {
  const listeners = new Set<(m: LiveMessage) => void>();
  return {
    publish(message) {
      for (const l of listeners) {
        try {
          l(message);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
