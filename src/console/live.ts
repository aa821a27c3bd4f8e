/**
 * The live feed (`GET /v1/stream`, server-sent events). Messages carry ids and states only: pages re-read what
 * they show through the API when a topic they care about arrives, and everything after a (re)connect.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { sessionLost } from './api.js';

export const TOPICS = [
  'event.received',
  'decision.proposed',
  'decision.answered',
  'suggestion.scheduled',
  'execution.updated',
  'thread.updated',
  'ticket.updated',
  'security.event',
  'pattern.updated',
] as const;
export type Topic = (typeof TOPICS)[number] | 'ready';
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

type Listener = (topic: Topic, data: Record<string, unknown>) => void;
const listeners = new Set<Listener>();
const statusListeners = new Set<(s: LiveStatus) => void>();
let source: EventSource | null = null;
let status: LiveStatus = 'closed';

function setStatus(s: LiveStatus) {
  status = s;
  for (const l of statusListeners) l(s);
}

function dispatch(topic: Topic, raw: string) {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return;
  }
  for (const l of listeners) l(topic, data);
}

export function connectLive(): void {
  if (source !== null) return;
  setStatus('connecting');
  const es = new EventSource('/v1/stream');
  source = es;
  es.addEventListener('ready', (e) => {
    setStatus('live');
    dispatch('ready', (e as MessageEvent<string>).data);
  });
  for (const t of TOPICS) es.addEventListener(t, (e) => dispatch(t, (e as MessageEvent<string>).data));
  es.addEventListener('session-ended', () => {
    disconnectLive();
    sessionLost('session-expired');
  });
  // EventSource reconnects by itself (sending Last-Event-ID); a closed one gave up (e.g. 401 after expiry).
  es.onerror = () => setStatus(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
}

export function disconnectLive(): void {
  source?.close();
  source = null;
  setStatus('closed');
}

export function useLiveStatus(): LiveStatus {
  const [s, set] = useState(status);
  useEffect(() => {
    statusListeners.add(set);
    return () => void statusListeners.delete(set);
  }, []);
  return s;
}

/** Calls `onChange` (debounced) when one of `topics` arrives or the stream (re)connects. */
export function useLive(topics: readonly Topic[], onChange: () => void): void {
  const cb = useRef(onChange);
  cb.current = onChange;
  const key = topics.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const wanted = new Set<Topic>([...topics, 'ready']);
    const l: Listener = (topic) => {
      if (!wanted.has(topic)) return;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => cb.current(), 100);
    };
    listeners.add(l);
    return () => {
      listeners.delete(l);
      if (timer !== null) clearTimeout(timer);
    };
  }, [key]);
}
