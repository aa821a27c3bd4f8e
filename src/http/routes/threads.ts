import { Type } from 'typebox';
import type { CommandResult, OutgoingReply, ReplyChannel } from '../../actions/ports.js';
import type { AuditLog } from '../../audit/auditLog.js';
import { actorOf, canAccessLocation } from '../../identity/operator.js';
import type { Clock } from '../../kernel/clock.js';
import { problems } from '../../kernel/problems.js';
import type { LiveFeed } from '../../live/feed.js';
import type { StoredEvent } from '../../store/events/events.js';
import type { ThreadMessageRecord, ThreadMove, ThreadRecord, ThreadStore } from '../../store/venue/threads.js';
import { THREAD_STATES, type ThreadState } from '../../venue/ports.js';
import type { HttpApp } from '../app.js';
import { operatorOf, principalOf } from '../auth.js';
import { sendProblem } from '../problem.js';
import { IdParams, IntString, iso, NoQuery, NullableTimestamp, Strict, Timestamp } from '../schemas.js';

/** Sends an operator's free-text reply through the location's reply sender; null when none is configured. */
export type SendReply = (reply: OutgoingReply) => Promise<CommandResult> | null;

const ThreadView = Type.Object({
  id: Type.String(),
  customer: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  bay: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.String(),
  automationPaused: Type.Boolean(),
  mergedInto: Type.Union([Type.String(), Type.Null()]),
  openedAt: Timestamp,
  lastActivityAt: Timestamp,
  resolvedAt: NullableTimestamp,
});
const MessageView = Type.Object({
  direction: Type.String(),
  eventId: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  channel: Type.String(),
  executionId: Type.Union([Type.String(), Type.Null()]),
  operatorId: Type.Union([Type.String(), Type.Null()]),
  at: Timestamp,
});
const EventSummary = Type.Object({ id: Type.String(), kind: Type.String(), status: Type.String(), receivedAt: Timestamp, decision: Type.Unknown() });

const threadView = (t: ThreadRecord) => ({
  id: t.id,
  customer: t.customer,
  location: t.location,
  bay: t.bay,
  state: t.state,
  automationPaused: t.automationPaused,
  mergedInto: t.mergedInto,
  openedAt: t.openedAt.toISOString(),
  lastActivityAt: t.lastActivityAt.toISOString(),
  resolvedAt: iso(t.resolvedAt),
});
const messageView = (m: ThreadMessageRecord) => ({
  direction: m.direction,
  eventId: m.eventId,
  text: m.text,
  channel: m.channel,
  executionId: m.executionId,
  operatorId: m.operatorId,
  at: m.at.toISOString(),
});

const ListQuery = Strict({
  state: Type.Optional(Type.Union(THREAD_STATES.map((s) => Type.Literal(s)))),
  location: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  limit: Type.Optional(IntString),
});
const ReplyBody = Strict({ text: Type.String({ minLength: 1, maxLength: 1600 }) });
const ReasonBody = Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) });

/** Customer threads for the console: list, read (messages in and out, events with their decisions), reply, resolve, escalate. */
export function threadRoutes(deps: {
  threads: ThreadStore;
  events: { byId(id: string): Promise<StoredEvent | null> };
  audit: AuditLog;
  feed: LiveFeed;
  clock: Clock;
  sendReply: SendReply;
  /** How long a reply sender may take before the outcome counts as unknown. */
  replyTimeoutMs?: number;
}) {
  const visible = async (request: Parameters<typeof principalOf>[0], id: string): Promise<ThreadRecord | null> => {
    const t = await deps.threads.byId(id);
    return t && canAccessLocation(principalOf(request), t.location) ? t : null;
  };
  const published = (t: ThreadRecord) => deps.feed.publish({ topic: 'thread.updated', location: t.location, data: { threadId: t.id, state: t.state, automationPaused: t.automationPaused } });

  return (app: HttpApp) => {
    app.get(
      '/v1/threads',
      {
        config: { auth: { operator: 'viewer' } },
        schema: { tags: ['threads'], summary: 'Customer threads, most recently active first', querystring: ListQuery, response: { 200: Type.Object({ threads: Type.Array(ThreadView) }) } },
      },
      async (request) => {
        const q = request.query;
        const list = await deps.threads.list({
          ...(q.state !== undefined ? { state: q.state } : {}),
          ...(q.location !== undefined ? { location: q.location } : {}),
          locations: principalOf(request).locations,
          limit: Math.min(Number(q.limit ?? 50), 200),
        });
        return { threads: list.map(threadView) };
      },
    );

    app.get(
      '/v1/threads/:id',
      {
        config: { auth: { operator: 'viewer' } },
        schema: {
          tags: ['threads'],
          summary: 'A thread with every message in and out (verbatim) and its events with their decision summaries',
          params: IdParams,
          querystring: NoQuery,
          response: { 200: Type.Object({ thread: ThreadView, messages: Type.Array(MessageView), events: Type.Array(EventSummary) }) },
        },
      },
      async (request, reply) => {
        const t = await visible(request, request.params.id);
        if (!t) return sendProblem(request, reply, problems['thread-not-found'], 'No such thread.');
        const messages = await deps.threads.messages(t.id);
        const events = [];
        for (const id of await deps.threads.eventIds(t.id)) {
          const e = await deps.events.byId(id);
          if (e) events.push({ id: e.id, kind: e.kind, status: e.status, receivedAt: e.receivedAt.toISOString(), decision: e.decision ?? null });
        }
        return { thread: threadView(t), messages: messages.map(messageView), events };
      },
    );

    app.post(
      '/v1/threads/:id/reply',
      {
        config: { auth: { operator: 'operator' } },
        schema: {
          tags: ['threads'],
          summary: "An operator's free-text reply to the customer, sent through the location's reply sender and stored on the thread",
          params: IdParams,
          querystring: NoQuery,
          body: ReplyBody,
          response: { 201: Type.Object({ thread: ThreadView, outcome: Type.String(), vendorRef: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request, reply) => {
        const p = operatorOf(request);
        const t = await visible(request, request.params.id);
        if (!t) return sendProblem(request, reply, problems['thread-not-found'], 'No such thread.');
        if (t.location === null) return sendProblem(request, reply, problems['reply-channel-unavailable'], 'The thread has no location, so no line to reply from.');
        const channel: ReplyChannel = (await deps.threads.messages(t.id)).findLast((m) => m.direction === 'in')?.channel ?? 'sms';
        const now = deps.clock.now();
        const pending = deps.sendReply({
          location: t.location,
          channel,
          to: t.customer,
          text: request.body.text,
          idempotencyKey: `reply:${request.id}`,
          deadline: new Date(now.getTime() + (deps.replyTimeoutMs ?? 10_000)),
        });
        if (pending === null) return sendProblem(request, reply, problems['reply-channel-unavailable'], `No ${channel} reply sender is configured for ${t.location}.`);
        const result = await pending;
        if (result.outcome !== 'succeeded') {
          return sendProblem(request, reply, problems['reply-not-delivered'], result.detail, { outcome: result.outcome, reason: result.reason });
        }
        const at = deps.clock.now();
        await deps.threads.recordOutgoing(t.id, { text: request.body.text, channel, executionId: null, operatorId: p.operatorId, at });
        await deps.audit.record({
          action: 'reply.sent',
          actor: actorOf(p),
          resource: { type: 'thread', id: t.id },
          location: t.location,
          correlationId: String(request.id),
          body: { recipient: t.customer, replyText: request.body.text, channel, vendorRef: result.vendorRef ?? null },
        });
        const updated = (await deps.threads.byId(t.id))!;
        published(updated);
        return reply.code(201).send({ thread: threadView(updated), outcome: result.outcome, vendorRef: result.vendorRef ?? null });
      },
    );

    const moveRoute = (verb: 'resolve' | 'escalate', to: ThreadState, summary: string) =>
      app.post(
        `/v1/threads/:id/${verb}`,
        {
          config: { auth: { operator: 'operator' } },
          schema: { tags: ['threads'], summary, params: IdParams, querystring: NoQuery, body: ReasonBody, response: { 200: Type.Object({ thread: ThreadView }) } },
        },
        async (request, reply) => {
          const t = await visible(request, request.params.id);
          if (!t) return sendProblem(request, reply, problems['thread-not-found'], 'No such thread.');
          const out: ThreadMove = await deps.threads.move(t.id, to, deps.clock.now());
          if (out.kind === 'not_found') return sendProblem(request, reply, problems['thread-not-found'], 'No such thread.');
          if (out.kind === 'not_allowed') return sendProblem(request, reply, problems['thread-state-conflict'], `The thread is ${out.state}.`, { state: out.state });
          await deps.audit.record({
            action: to === 'resolved' ? 'thread.resolved' : 'thread.escalated',
            actor: actorOf(principalOf(request)),
            resource: { type: 'thread', id: t.id },
            location: t.location,
            correlationId: String(request.id),
            body: { from: out.from, to, reason: request.body.reason ?? null, automationPaused: out.thread.automationPaused },
          });
          published(out.thread);
          return { thread: threadView(out.thread) };
        },
      );
    moveRoute('resolve', 'resolved', 'Close the thread: the issue is resolved');
    moveRoute('escalate', 'escalated', 'Hand the thread to a human: automation pauses on it');
  };
}
