import { createHmac } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../logging.js';

/**
 * Admin notifications: written to an outbox table next to the event they report, delivered to each configured
 * sink by a periodic task with exponential backoff, every attempt recorded. A sink that is down delays delivery;
 * it never loses a notification or blocks the request that raised it.
 */
export type Severity = 'info' | 'warning' | 'critical';

export interface Notification {
  readonly topic: string;
  readonly severity: Severity;
  readonly subject: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly recipientId?: string | null;
}

/**
 * A notification with the sinks it goes to and when it was raised, for a store to write inside the transaction that
 * makes the change it reports (a claimed reminder, a marked breach): the change and its notification commit together.
 */
export interface PreparedNotification {
  readonly notification: Notification;
  readonly sinks: readonly string[];
  readonly at: Date;
}

export interface DueDelivery {
  readonly notificationId: number;
  readonly sink: string;
  readonly attempts: number;
  readonly notification: Notification & { readonly createdAt: Date };
}

export interface OutboxStore {
  enqueue(n: Notification, sinks: readonly string[], at: Date): Promise<number>;
  /** Leases up to `limit` due deliveries (pushes their next attempt out) so no other instance sends them meanwhile. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<DueDelivery[]>;
  delivered(d: DueDelivery, at: Date, status: number | null): Promise<void>;
  failed(d: DueDelivery, at: Date, error: string, status: number | null, retryAt: Date | null): Promise<void>;
}

export interface Sink {
  readonly name: string;
  /** Resolves with the HTTP status (null for non-HTTP sinks); rejects on failure. */
  send(n: Notification & { readonly createdAt: Date }, id: number, signal: AbortSignal): Promise<number | null>;
}

export const MAX_ATTEMPTS = 8;
/** 30 s, 1 min, 2 min … capped at 1 h. */
export const backoffMs = (attempt: number): number => Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));

/** Signature header value for webhook sinks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookSink(url: string, secret: string | null, clock: Clock): Sink {
  return {
    name: 'webhook',
    async send(n, id, signal) {
      const body = JSON.stringify({ id, topic: n.topic, severity: n.severity, subject: n.subject, body: n.body, createdAt: n.createdAt.toISOString() });
      const ts = Math.floor(clock.now().getTime() / 1000);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-clubos-signature': webhookSignature(secret, ts, body) } : {}) },
        body,
        signal,
      });
      if (!res.ok) throw new SinkError(`webhook answered ${res.status}`, res.status);
      return res.status;
    },
  };
}

/** Slack incoming webhook: POST {text}; Slack answers 200 "ok". */
export function slackSink(url: string): Sink {
  return {
    name: 'slack',
    async send(n, _id, signal) {
      const icon = n.severity === 'critical' ? ':rotating_light:' : n.severity === 'warning' ? ':warning:' : ':information_source:';
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `${icon} *${n.subject}*\n${Object.entries(n.body).map(([k, v]) => `• ${k}: ${String(v)}`).join('\n')}` }),
        signal,
      });
      if (!res.ok) throw new SinkError(`slack answered ${res.status}`, res.status);
      return res.status;
    },
  };
}

export function logSink(logger: Logger): Sink {
  return {
    name: 'log',
    async send(n, id) {
      logger.warn({ notificationId: id, topic: n.topic, severity: n.severity, body: n.body }, n.subject);
      return null;
    },
  };
}

export class SinkError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface Outbox {
  notify(n: Notification): Promise<number>;
  /** `n` addressed to every configured sink, for a store to queue in its own transaction (see PreparedNotification). */
  prepared(n: Notification): PreparedNotification;
  /** Delivers what is due; returns how many were delivered and failed. */
  deliverDue(limit?: number): Promise<{ delivered: number; failed: number }>;
}

export function createOutbox(deps: { store: OutboxStore; sinks: readonly Sink[]; clock: Clock; timeoutMs?: number }): Outbox {
  const byName = new Map(deps.sinks.map((s) => [s.name, s]));
  return {
    notify: (n) => deps.store.enqueue(n, [...byName.keys()], deps.clock.now()),
    prepared: (n) => ({ notification: n, sinks: [...byName.keys()], at: deps.clock.now() }),
    async deliverDue(limit = 20) {
      const now = deps.clock.now();
      const due = await deps.store.claimDue(now, limit, 60_000);
      let delivered = 0;
      let failed = 0;
      for (const d of due) {
        const sink = byName.get(d.sink);
        const at = deps.clock.now();
        if (!sink) {
          await deps.store.failed(d, at, 'sink no longer configured', null, null);
          failed++;
          continue;
        }
        try {
          const status = await sink.send(d.notification, d.notificationId, AbortSignal.timeout(deps.timeoutMs ?? 10_000));
          await deps.store.delivered(d, deps.clock.now(), status);
          delivered++;
        } catch (err) {
          const attempt = d.attempts + 1;
          const retryAt = attempt >= MAX_ATTEMPTS ? null : new Date(at.getTime() + backoffMs(attempt));
          await deps.store.failed(d, deps.clock.now(), err instanceof Error ? err.message.slice(0, 300) : 'failed', err instanceof SinkError ? err.status : null, retryAt);
          failed++;
        }
      }
      return { delivered, failed };
    },
  };
}
