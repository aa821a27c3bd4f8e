import { createHash, randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { type SeenEvents, type WebhookVerdict, receiveOpenPhoneWebhook } from '../../integrations/openPhone/webhook.js';
import type { Secret } from '../../integrations/secret.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { EventStore, StoredEvent } from '../../store/events/events.js';
import type { StoredBooking } from '../../venue/ports.js';
import type { HttpApp } from '../app.js';
import { sendProblem } from '../problem.js';
import { keepRawJsonBody } from '../rawBody.js';
import { NoQuery } from '../schemas.js';

type Rejection = Extract<WebhookVerdict, { status: 'rejected' }>['reason'];

/** Every rejection has its problem: an unauthenticated or stale delivery is 401, an unreadable signed one 400. */
const problemFor = {
  missing: problems['signature-invalid'],
  malformed: problems['signature-invalid'],
  bad_signature: problems['signature-invalid'],
  stale: problems['signature-invalid'],
  malformed_payload: problems['malformed-body'],
} satisfies Record<Rejection, (typeof problems)[keyof typeof problems]>;

/**
 * OpenPhone's inbound webhook. A verified, first-seen `message.received` becomes a customer message exactly as
 * `POST /v1/events` stores it (same store, so it is threaded in the same transaction, and the same `onAccepted`,
 * so it is decided). The line it was sent to names the location; the sender's current booking (if any) is
 * attached as the event's context, as the booking platform would send it. Registered only on an instance
 * with a signing secret (OPENPHONE_WEBHOOK_SECRET): without one nothing could be verified, so the route is absent.
 */
export function openPhoneWebhookRoutes<A>(deps: {
  events: EventStore<A>;
  onAccepted: (e: StoredEvent, attached: A | null) => void;
  signingKey: Secret;
  seen: SeenEvents;
  /** Un-records a delivery whose event could not be stored, so OpenPhone's retry is taken instead of refused. */
  forget: (eventId: string) => Promise<void>;
  clock: Clock;
  /** The location whose OpenPhone number this is, or null (the message is still taken, without a location). */
  locationOfLine: (to: string) => Promise<string | null>;
  activeBooking: (customer: string, location: string | null, at: Date) => Promise<StoredBooking | null>;
  onUnknownLine?: (to: string) => void;
}) {
  return (app: HttpApp) => {
    keepRawJsonBody(app);
    app.post(
      '/v1/webhooks/openphone',
      {
        bodyLimit: 64 * 1024,
        // Customer texts are data, stored verbatim: detections are flagged, not blocked. Sheds early: OpenPhone retries.
        config: { auth: { public: 'signed_webhook' }, priority: 'public', inspect: 'flag' },
        schema: {
          tags: ['webhooks'],
          summary: 'OpenPhone webhook (openphone-signature: hmac;1;<ms>;<base64 HMAC-SHA256 of "<ms>.<body>">); inbound SMS become events',
          querystring: NoQuery,
          body: Type.Unknown({ description: 'An OpenPhone webhook event; verified against the raw body before it is read' }),
          response: {
            200: Type.Object({ status: Type.Literal('ignored'), type: Type.String() }),
            202: Type.Object({ status: Type.Literal('accepted'), id: Type.String() }),
          },
        },
      },
      async (request, reply) => {
        const header = request.headers['openphone-signature'];
        const now = deps.clock.now();
        const verdict = await receiveOpenPhoneWebhook(typeof header === 'string' ? header : undefined, request.rawBody ?? '', { signingKey: deps.signingKey, seen: deps.seen, now });
        switch (verdict.status) {
          case 'rejected':
            return sendProblem(request, reply, problemFor[verdict.reason], 'The delivery was not accepted.', { reason: verdict.reason });
          case 'duplicate':
            return sendProblem(request, reply, problems['webhook-replayed'], 'This delivery was accepted before; it was not processed again.');
          case 'ignored':
            return reply.code(200).send({ status: 'ignored', type: verdict.eventType });
          case 'accepted': {
            const sms = verdict.sms;
            const location = await deps.locationOfLine(sms.to);
            if (location === null) deps.onUnknownLine?.(sms.to);
            const booking = await deps.activeBooking(sms.from, location, now);
            const context = booking
              ? { booking: { id: booking.id, location: booking.location, bay: booking.bay, starts_at: booking.startsAt.toISOString(), ends_at: booking.endsAt.toISOString() }, recent_actions: [] }
              : { booking: null, recent_actions: [] };
            const store = () => deps.events.insert({
              id: randomUUID(),
              receivedAt: now,
              occurredAt: sms.receivedAt,
              kind: 'message',
              channel: 'sms',
              sender: sms.from,
              location: location ?? booking?.location ?? null,
              bay: null,
              text: sms.text,
              context,
              sourceKeyId: null,
              idempotencyKey: `openphone:${sms.eventId}`,
              requestHash: createHash('sha256').update(request.rawBody ?? '').digest('hex'),
            });
            const out = await store().catch(async (err: unknown) => {
              await deps.forget(sms.eventId).catch(() => {});
              throw err;
            });
            if (out.kind === 'inserted') deps.onAccepted(out.event, out.attached);
            return reply.code(202).send({ status: 'accepted', id: out.event.id });
          }
        }
      },
    );
  };
}
