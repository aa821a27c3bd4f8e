/**
 * The venue inbox latency model, in stream time: one operator, 60 s per item; an emergency item pre-empts
 * any non-emergency work and waits only behind an earlier emergency; everything else is first in, first out.
 */

export interface InboxItem {
  readonly ready: number;
  readonly emergency: boolean;
  /** Latency is reported for items with a key (the emergencies). */
  readonly key: string | null;
}

const HANDLE_MS = 60_000;

/**
 * Latency (ms from `ready` until an operator starts) for every keyed item. Items must be in `ready` order.
 * @example inboxLatencies([{ ready: 0, emergency: false, key: null }, { ready: 10, emergency: true, key: 'e' }]).get('e') // 0
 */
export function inboxLatencies(items: readonly InboxItem[]): Map<string, number> {
  const latencies = new Map<string, number>();
  const fifo: InboxItem[] = [];
  let freeAt = Number.NEGATIVE_INFINITY;
  let emergencyUntil = Number.NEGATIVE_INFINITY;
  const drainUntil = (t: number): void => {
    while (fifo.length > 0) {
      const start = Math.max(freeAt, fifo[0]!.ready);
      if (start > t) return;
      const item = fifo.shift()!;
      if (item.key !== null) latencies.set(item.key, start - item.ready);
      freeAt = start + HANDLE_MS;
    }
  };
  const sorted = [...items].sort((a, b) => a.ready - b.ready);
  for (const item of sorted) {
    drainUntil(item.ready);
    if (item.emergency) {
      const start = Math.max(item.ready, emergencyUntil);
      if (item.key !== null) latencies.set(item.key, start - item.ready);
      emergencyUntil = start + HANDLE_MS;
      // The dropped non-emergency work resumes after the emergency.
      freeAt = Math.max(freeAt, emergencyUntil);
    } else fifo.push(item);
  }
  drainUntil(Number.POSITIVE_INFINITY);
  return latencies;
}
