/**
 * Server-sent event frames (WHATWG HTML §9.2). A frame is `field: value` lines ended by a blank line; values must
 * not contain CR or LF, which JSON.stringify always escapes, so one `data:` line carries any JSON value.
 */

export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data: unknown;
}

const LINE_BREAK = /[\r\n]/;

/**
 * @example sseFrame({ id: '7', event: 'event.received', data: { eventId: 'e1' } })
 *   === 'id: 7\nevent: event.received\ndata: {"eventId":"e1"}\n\n'
 */
export function sseFrame(frame: SseFrame): string {
  for (const field of [frame.id, frame.event]) {
    if (field !== undefined && LINE_BREAK.test(field)) throw new Error('an SSE id or event name cannot contain a line break');
  }
  const data = JSON.stringify(frame.data ?? null);
  return `${frame.id === undefined ? '' : `id: ${frame.id}\n`}${frame.event === undefined ? '' : `event: ${frame.event}\n`}data: ${data}\n\n`;
}

/** A comment line: keeps proxies and the browser from timing the connection out, ignored by EventSource. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

/** Tells EventSource how long to wait before reconnecting. */
export const sseRetry = (ms: number): string => `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
