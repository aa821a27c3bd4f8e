import { createHash, randomUUID } from 'node:crypto';
import { type BreakerPolicy, DEFAULT_BREAKER_POLICY, rejectedByBreaker } from '../actions/circuitBreaker.js';
import { type CommandResult, type DeviceAction, isIdempotentAction, type ReplyChannel, type VenueIntegrations } from '../actions/ports.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { JsonObject } from '../audit/canonical.js';
import { ambiguousTimeout, failed, succeeded } from '../integrations/outcome.js';
import type { Clock } from '../kernel/clock.js';
import type { LiveFeed } from '../live/feed.js';
import type { Logger } from '../logging.js';
import type { ExecutedStep } from '../pipeline/executionLearning.js';
import type { ProposalRecord, ReceivedEvent } from '../pipeline/ports.js';
import type { AnswerEffect } from '../pipeline/recordDecision.js';
import { catalogueEntry, isExecutable } from '../venue/catalogue.js';
import type { BookingDirectory, ReplyTemplates, ThreadDirectory, ThreadMessages, TicketDesk } from '../venue/ports.js';
import type { Booking, DecisionParams, ExecutionTier, Tier } from '../venue/types.js';
import { confirmationText, type Effect, effectOf } from './effects.js';
import { learnsAsTruth, lessonOf } from './learning.js';
import { type BreakerStore, type ExecutionRecord, type ExecutionStore, type KillSwitchStore, killSwitchSet } from './ports.js';
import { checkExecution, fallbackFor, isAutomatic, type Refusal } from './precheck.js';
import { afterLeaseExpiry, afterResult } from './retry.js';
import type { ExecutionOrigin } from './states.js';

/**
 * The execution engine: turns proposals and operator answers into durable execution rows, and runs due rows
 * through the venue's integrations — claimed with a lease, checked right before acting, bounded by a deadline,
 * behind a circuit breaker shared by every instance — then records the outcome, audits it and feeds it back to
 * the decision memory. While the `autoExecution` flag is off (shadow mode) nothing runs by itself: only what an
 * operator decides or approves, handoff alerts and the emergency safety reply.
 */

export interface ExecutorSettings {
  readonly suggestionTimeoutMs: number;
  /** Every call's deadline. */
  readonly deadlineMs: number;
  /** A claimed row's lease: past it, another instance treats the claimer as dead. */
  readonly leaseMs: number;
  readonly instance: string;
  readonly breaker: BreakerPolicy;
  /** The booking site (the `send_booking_link` template's `{{booking_link}}`). */
  readonly bookingLink: string;
}

export const DEFAULT_EXECUTOR_SETTINGS: Omit<ExecutorSettings, 'instance'> = {
  suggestionTimeoutMs: 120_000,
  deadlineMs: 30_000,
  leaseMs: 60_000,
  breaker: DEFAULT_BREAKER_POLICY,
  bookingLink: 'https://book.clubos.example',
};

/** The venue's records, through the ports another module implements. */
export interface VenueRecords {
  readonly bookings: BookingDirectory;
  readonly threads: ThreadDirectory;
  readonly messages: ThreadMessages;
  readonly templates: ReplyTemplates;
  readonly tickets: TicketDesk;
}

export interface ExecutorDeps {
  readonly store: ExecutionStore;
  readonly breakers: BreakerStore;
  readonly killSwitches: KillSwitchStore;
  readonly integrations: VenueIntegrations;
  readonly venue: VenueRecords;
  readonly events: { byId(id: string): Promise<ReceivedEvent | null> };
  /** Feeds a finished execution back to the decision memory (and persists what it changed). */
  readonly learn: (step: ExecutedStep) => Promise<void>;
  readonly audit: AuditLog;
  readonly feed: LiveFeed | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly autoExecution: () => boolean;
  readonly settings: ExecutorSettings;
  /**
   * The durable, retried channel (the notification outbox): a handoff whose team alert could not be delivered
   * (no alerter, a failure, no answer) is queued there, so a human is reached even when Slack is down.
   */
  readonly notifyTeam: (n: { readonly subject: string; readonly body: JsonObject }) => Promise<void>;
}

export type Actor = { readonly type: 'operator' | 'api_key'; readonly id: string };

export type GateVerdict = 'ok' | 'already_executed';

const SYSTEM = { type: 'system', id: 'executor' } as const;
const MINUTE = 60_000;

/** One execution per event, effect and parameters: a retried create can never double it. */
export function idempotencyKeyOf(eventId: string, decision: string, params: DecisionParams): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b))));
  return `${eventId}:${decision}:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

const tierOf = (t: Tier): ExecutionTier => (t === 'escalate' ? 'human' : t);

export function createExecutor(deps: ExecutorDeps) {
  const { store, clock, settings } = deps;
  const inFlight = new Set<Promise<unknown>>();

  const publish = (r: ExecutionRecord, topic: 'execution.updated' | 'suggestion.scheduled' = 'execution.updated') =>
    deps.feed?.publish({
      topic,
      location: r.location,
      data: { executionId: r.id, eventId: r.eventId, decision: r.decision, state: r.state, origin: r.origin, runAt: r.runAt.toISOString() },
    });

  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /** Runs due work soon, without making the caller wait (the scheduler runs it periodically too). */
  const kick = () => {
    track(
      new Promise<void>((resolve) => {
        setImmediate(() => {
          runDue()
            .catch((err: unknown) => deps.logger.error({ err }, 'running due executions failed'))
            .finally(resolve);
        });
      }),
    );
  };

  const create = async (
    event: { id: string },
    patternKey: string,
    decision: string,
    params: DecisionParams,
    tier: ExecutionTier,
    origin: ExecutionOrigin,
    approvedBy: string | null,
    runAt: Date | null,
  ) => {
    const now = clock.now();
    const out = await store.create({
      id: randomUUID(),
      eventId: event.id,
      patternKey,
      decision,
      params,
      idempotencyKey: idempotencyKeyOf(event.id, decision, params),
      tier,
      origin,
      state: runAt === null ? 'pending' : 'scheduled',
      runAt: runAt ?? now,
      approvedBy,
      at: now,
    });
    if (out.created) publish(out.record, runAt === null ? 'execution.updated' : 'suggestion.scheduled');
    return out;
  };

  // ── Reaching the customer and the team ──────────────────────────────────────────────────────────────────

  /** One call through an integration: the shared breaker first, then the call bounded by the deadline. */
  const guarded = async (integrationId: string, idempotent: boolean, call: (signal: AbortSignal, deadline: Date) => Promise<CommandResult>): Promise<CommandResult> => {
    const verdict = await deps.breakers.admit(integrationId, settings.breaker, clock.now());
    if (verdict === 'reject') return rejectedByBreaker(integrationId);
    const controller = new AbortController();
    const deadline = new Date(clock.now().getTime() + settings.deadlineMs);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<CommandResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(ambiguousTimeout(idempotent, `${integrationId} gave no outcome within ${settings.deadlineMs} ms`));
      }, settings.deadlineMs);
    });
    let result: CommandResult;
    try {
      result = await Promise.race([call(controller.signal, deadline).catch((err: unknown) => ambiguousTimeout(idempotent, `${integrationId} call threw: ${err instanceof Error ? err.message : String(err)}`)), expired]);
    } finally {
      clearTimeout(timer);
    }
    await deps.breakers.record(integrationId, settings.breaker, result, clock.now());
    return result;
  };

  const sendText = async (event: ReceivedEvent, location: string, text: string, idempotencyKey: string, executionId: string | null): Promise<{ result: CommandResult; integrationId: string | null }> => {
    if (event.kind !== 'message' || (event.channel !== 'sms' && event.channel !== 'web')) {
      return { result: failed('rejected', 'the event is not a customer message: nobody to reply to'), integrationId: null };
    }
    const channel: ReplyChannel = event.channel;
    const sender = deps.integrations.replies(location, channel);
    if (sender === undefined) return { result: failed('not_configured', `no ${channel} sender for ${location}`), integrationId: null };
    const result = await guarded(sender.id, false, (signal, deadline) => sender.send({ location, channel, to: event.sender, text, idempotencyKey, deadline }, { clock, signal }));
    if (result.outcome === 'succeeded') {
      const thread = await deps.venue.threads.ofEvent(event.id);
      if (thread) await deps.venue.messages.recordOutgoing(thread.id, { text, channel, executionId, operatorId: null, at: clock.now() });
    }
    return { result, integrationId: sender.id };
  };

  // The location's own values (its booking site) first; the configured booking link only where it has none.
  const render = async (location: string, key: string): Promise<string | null> =>
    (await deps.venue.templates.render(location, key, {})) ?? (await deps.venue.templates.render(location, key, { booking_link: settings.bookingLink }));

  const escalateThread = async (eventId: string) => {
    const thread = await deps.venue.threads.ofEvent(eventId);
    if (thread) await deps.venue.messages.transition(thread.id, 'escalated', clock.now());
  };

  // ── Running one claimed row ─────────────────────────────────────────────────────────────────────────────

  const effectResult = async (row: ExecutionRecord, event: ReceivedEvent, effect: Effect): Promise<{ result: CommandResult; integrationId: string | null }> => {
    const location = row.params.location!;
    switch (effect.kind) {
      case 'log':
        return { result: succeeded('logged: no action needed'), integrationId: null };
      case 'reply': {
        const text = await render(location, effect.template);
        if (text === null) return { result: failed('not_configured', `no approved template ${effect.template} for ${location}`), integrationId: null };
        return sendText(event, location, text, row.idempotencyKey, row.id);
      }
      case 'ticket': {
        const thread = await deps.venue.threads.ofEvent(event.id);
        const ticket = await deps.venue.tickets.open({
          kind: effect.ticket,
          priority: effect.priority,
          location,
          bay: row.params.bay ?? null,
          title: `${row.decision.replace(/_/g, ' ')}: ${event.text.slice(0, 120)}`,
          threadId: thread?.id ?? null,
          eventId: event.id,
          idempotencyKey: row.idempotencyKey,
          at: clock.now(),
        });
        return { result: succeeded(`ticket ${ticket.id} opened`, ticket.id), integrationId: 'tickets' };
      }
      case 'device': {
        const action: DeviceAction = effect.action;
        const integration = deps.integrations.device(action, location, row.params.bay);
        if (integration === undefined) return { result: failed('not_configured', `no integration runs ${action} at ${location}`), integrationId: null };
        const result = await guarded(integration.id, isIdempotentAction(action), (signal, deadline) =>
          integration.execute(
            {
              decision: action,
              params: {
                location,
                ...(row.params.bay !== undefined ? { bay: row.params.bay } : {}),
                ...(row.params.bookingId !== undefined ? { bookingId: row.params.bookingId } : {}),
                ...(row.params.device !== undefined ? { device: row.params.device } : {}),
              },
              idempotencyKey: row.idempotencyKey,
              deadline,
            },
            { clock, signal },
          ),
        );
        return { result, integrationId: integration.id };
      }
    }
  };

  const bookingFor = async (event: ReceivedEvent, location: string): Promise<Booking | null> => {
    // The venue's own records are the truth: a booking the event merely mentions opens no door.
    const stored = await deps.venue.bookings.activeFor(event.sender, location, clock.now());
    return stored !== null && stored.status === 'confirmed' ? stored : null;
  };

  const refuse = async (row: ExecutionRecord, event: ReceivedEvent, reason: Refusal) => {
    const refused = await store.refuse(row.id, settings.instance, reason, clock.now());
    if (refused === null) return;
    publish(refused);
    await deps.audit.record({
      action: 'action.outcome',
      actor: SYSTEM,
      resource: { type: 'execution', id: row.id },
      location: row.location,
      body: { eventId: row.eventId, decision: row.decision, state: 'cancelled', reason, origin: row.origin },
    });
    const instead = fallbackFor(row.decision, reason);
    if (instead !== null) {
      const params: DecisionParams = { location: row.params.location! };
      const out = await create(event, instead, instead, params, row.tier, row.origin, row.approvedBy, null);
      if (out.created) kick();
    }
  };

  const execute = async (claimed: ExecutionRecord): Promise<void> => {
    let row = claimed;
    const event = await deps.events.byId(row.eventId);
    const effect = effectOf(row.decision);
    if (event === null || effect === null) {
      await refuse(row, event ?? ({} as ReceivedEvent), 'not_executable');
      return;
    }
    const now = clock.now();
    const location = row.params.location;
    const [switches, log, thread, booking] = await Promise.all([
      deps.killSwitches.list(),
      location === undefined ? Promise.resolve([]) : store.actionLog(location, new Date(now.getTime() - 24 * 60 * MINUTE), row.id),
      deps.venue.threads.ofEvent(event.id),
      row.decision === 'unlock_door' && location !== undefined ? bookingFor(event, location) : Promise.resolve(null),
    ]);
    const params = row.decision === 'unlock_door' && booking !== null ? { ...row.params, bookingId: booking.id } : row.params;
    const check = checkExecution({
      decision: row.decision,
      params,
      tier: row.tier,
      origin: row.origin,
      at: now,
      actionLog: log,
      killSwitches: killSwitchSet(switches),
      threadPaused: thread?.automationPaused ?? false,
      eventKind: event.kind,
      booking,
    });
    if (check.kind === 'refused') {
      await refuse(row, event, check.reason);
      return;
    }
    // The booking an unlock opens is part of what ran: the per-booking unlock cap reads it back.
    if (params !== row.params) {
      await store.refine(row.id, settings.instance, params, now);
      row = { ...row, params };
    }
    // Every attempt that acts is audited (a retry after a lost lease included), with who approved it.
    await deps.audit.record({
      action: 'decision.executed',
      actor: row.origin === 'auto' || row.origin === 'suggestion' ? SYSTEM : { type: 'operator', id: row.approvedBy ?? 'unknown' },
      resource: { type: 'execution', id: row.id },
      location: row.location,
      body: { eventId: row.eventId, decision: row.decision, params: { ...row.params } as JsonObject, origin: row.origin, tier: row.tier, approvedBy: row.approvedBy ?? 'auto', attempt: row.attempts },
    });
    const started = clock.now();
    const { result, integrationId } = await effectResult(row, event, effect);
    const idempotent = catalogueEntry(row.decision)?.idempotent === true && effect.kind !== 'reply';
    const next = afterResult(result, idempotent, row.attempts);
    const at = clock.now();
    if (next.kind === 'retry') {
      const again = await store.retry(row.id, settings.instance, at, result);
      if (again !== null) publish(again);
      return;
    }
    const lesson = lessonOf(next.state, result.outcome === 'succeeded' ? null : result.reason);
    const done = await store.finish(row.id, settings.instance, { state: next.state, result, integrationId, at, learn: lesson !== 'nothing', resolveProposal: learnsAsTruth(row.origin, lesson) });
    if (done === null) return; // the claim was lost (our lease expired meanwhile): the new owner records it
    publish(done);
    await deps.audit.record({
      action: 'action.outcome',
      actor: SYSTEM,
      resource: { type: 'execution', id: row.id },
      location: row.location,
      body: {
        eventId: row.eventId,
        decision: row.decision,
        state: done.state,
        reason: done.outcomeReason,
        detail: done.outcomeDetail,
        integration: integrationId,
        durationMs: at.getTime() - started.getTime(),
        attempts: done.attempts,
      },
    });
    if (lesson !== 'nothing') {
      await deps.learn({ kind: 'executed', event, decision: row.decision, params: row.params, origin: row.origin, tier: row.tier, state: done.state, reason: done.outcomeReason, at });
    }
    // A fixed device tells the customer who asked; a refused unlock already sent the booking link.
    if (effect.kind === 'device' && done.state === 'succeeded' && event.kind === 'message') {
      const text = (await render(location!, effect.confirmTemplate)) ?? confirmationText(effect.action, row.params.bay);
      await sendText(event, location!, text, `${row.idempotencyKey}:confirm`, row.id);
    }
    if (done.state === 'unconfirmed' || done.state === 'timed_out') await escalateThread(event.id);
  };

  // ── The runner ──────────────────────────────────────────────────────────────────────────────────────────

  const recoverLeases = async (): Promise<number> => {
    const now = clock.now();
    const moved = await store.expireLeases(
      now,
      (r) => {
        const entry = catalogueEntry(r.decision);
        const effect = effectOf(r.decision);
        const idempotent = entry?.idempotent === true && effect?.kind !== 'reply';
        return afterLeaseExpiry(idempotent, r.attempts);
      },
      50,
    );
    for (const r of moved) {
      publish(r);
      if (r.state === 'unconfirmed') {
        await deps.audit.record({
          action: 'action.outcome',
          actor: SYSTEM,
          resource: { type: 'execution', id: r.id },
          location: r.location,
          body: { eventId: r.eventId, decision: r.decision, state: 'unconfirmed', reason: 'lease_expired', attempts: r.attempts },
        });
        await escalateThread(r.eventId);
      }
    }
    return moved.length;
  };

  const runDue = async (limit = 10): Promise<number> => {
    await recoverLeases();
    let ran = 0;
    for (;;) {
      // Shadow mode (autoExecution off): what operators decided still runs; nothing runs by silence.
      const claimed = await store.claimDue(clock.now(), settings.instance, settings.leaseMs, limit, !deps.autoExecution());
      if (claimed.length === 0) return ran;
      for (const row of claimed) {
        try {
          await execute(row);
        } catch (err) {
          // The row stays `running` with its lease: recovery decides (retry or a human), never a blind rerun.
          deps.logger.error({ err, executionId: row.id }, 'execution failed unexpectedly');
        }
        ran++;
      }
    }
  };

  // ── Entry points ────────────────────────────────────────────────────────────────────────────────────────

  /** After the decision stage persisted a proposal: the emergency fast path, a handoff alert, or an execution by tier. */
  const proposed = async (r: ProposalRecord): Promise<void> => {
    if (!r.emergency && r.decision === null) return;
    const event = await deps.events.byId(r.eventId);
    if (event === null) return;
    if (r.emergency) {
      await emergency(r, event);
      return;
    }
    if (r.decision === null) return;
    // A handoff is not automation: a human is needed, in shadow mode too.
    if (!isExecutable(r.decision)) {
      if (r.decision.startsWith('escalate_')) await handoff(r, event);
      return;
    }
    if (!deps.autoExecution()) return;
    const location = r.params.location ?? event.location;
    const params = location === null ? r.params : { ...r.params, location };
    if (r.tier === 'auto') {
      const out = await create(event, r.patternKey, r.decision, params, 'auto', 'auto', null, null);
      if (out.created) kick();
    } else if (r.tier === 'suggest') {
      const runAt = new Date(clock.now().getTime() + settings.suggestionTimeoutMs);
      const out = await create(event, r.patternKey, r.decision, params, 'suggest', 'suggestion', null, runAt);
      if (out.created) {
        await deps.audit.record({
          action: 'suggestion.scheduled',
          actor: SYSTEM,
          resource: { type: 'execution', id: out.record.id },
          location: out.record.location,
          body: { eventId: event.id, decision: r.decision, params: { ...params } as JsonObject, confidence: r.confidence, runAt: runAt.toISOString() },
        });
      }
    }
  };

  /** Emergencies: the scripted safety reply at once (never waiting for learning or the flag), the thread paused. */
  const emergency = async (r: ProposalRecord, event: ReceivedEvent): Promise<void> => {
    await escalateThread(event.id);
    const location = r.location ?? event.location;
    if (location === null || event.kind !== 'message') return;
    const text = await render(location, 'emergency_safety');
    const script = text ?? 'If anyone is in danger call 911 now. We have alerted our team and a person is on it right away.';
    const { result, integrationId } = await sendText(event, location, script, `${event.id}:emergency_safety`, null);
    await deps.audit.record({
      action: 'action.outcome',
      actor: SYSTEM,
      resource: { type: 'reply', id: `${event.id}:emergency_safety` },
      location,
      body: { eventId: event.id, decision: 'emergency_safety', state: result.outcome, integration: integrationId, detail: result.detail },
    });
  };

  /** Handoffs never execute: the team is alerted and the thread escalated. */
  const handoff = async (r: { readonly decision: string | null; readonly params: DecisionParams; readonly location: string | null }, event: ReceivedEvent): Promise<void> => {
    const location = r.location ?? r.params.location ?? event.location ?? undefined;
    const alerter = deps.integrations.team(location);
    await escalateThread(event.id);
    const text = `${r.decision?.replace(/_/g, ' ')} at ${location ?? 'unknown location'}${r.params.bay !== undefined ? ` bay ${r.params.bay}` : ''}: a human is needed (event ${event.id})`;
    const result =
      alerter === undefined
        ? null
        : await guarded(alerter.id, true, (signal, deadline) => alerter.alert({ text, ...(location !== undefined ? { location } : {}), idempotencyKey: `${event.id}:handoff`, deadline }, { clock, signal }));
    if (result?.outcome === 'succeeded') return;
    await deps.notifyTeam({
      subject: text,
      body: { eventId: event.id, decision: r.decision, location: location ?? null, bay: r.params.bay ?? null, alert: result === null ? 'no team alerter' : `${result.outcome}: ${result.detail}` },
    });
  };

  /**
   * Before an operator's answer is recorded: a veto, rejection or change cancels a waiting suggestion; a veto
   * or rejection of something already executed (or executing) is refused, since it can no longer be stopped.
   */
  const gate = async (a: AnswerEffect): Promise<GateVerdict> => {
    const rows = await store.forEvent(a.eventId);
    const proposedKey = idempotencyKeyOf(a.eventId, a.proposal.decision ?? '', a.proposal.params);
    const keepsProposal = (a.kind === 'approve' || a.kind === 'decide') && idempotencyKeyOf(a.eventId, a.decision, a.params) === proposedKey;
    if (keepsProposal) return 'ok';
    const cancelled = await store.cancelScheduled(a.eventId, a.actor.id, a.reason ?? a.kind, clock.now());
    for (const c of cancelled) publish(c);
    if ((a.kind === 'veto' || a.kind === 'reject') && cancelled.length === 0) {
      const ran = rows.some((r) => r.idempotencyKey === proposedKey && r.state !== 'cancelled' && r.state !== 'scheduled');
      if (ran) return 'already_executed';
    }
    return 'ok';
  };

  /** After an operator's answer was recorded: approve/modify/decide of an executable decision runs (any tier). */
  const answered = async (a: AnswerEffect): Promise<void> => {
    if (a.kind === 'veto' || a.kind === 'reject') return;
    const event = await deps.events.byId(a.eventId);
    if (event === null) return;
    if (!isExecutable(a.decision)) {
      if (a.decision.startsWith('escalate_')) await handoff({ decision: a.decision, params: a.params, location: a.params.location ?? null }, event);
      return;
    }
    const params = a.params.location === undefined && event.location !== null ? { ...a.params, location: event.location } : a.params;
    const approved = await store.approveScheduled(a.eventId, a.actor.id, clock.now());
    if (approved !== null && approved.idempotencyKey === idempotencyKeyOf(a.eventId, a.decision, params)) {
      publish(approved);
      kick();
      return;
    }
    const origin: ExecutionOrigin = a.kind === 'decide' ? 'operator' : 'approval';
    const tier: ExecutionTier = a.kind === 'decide' ? 'human' : tierOf(a.proposal.tier) === 'auto' || tierOf(a.proposal.tier) === 'suggest' ? 'queue' : tierOf(a.proposal.tier);
    const out = await create(event, a.decision, a.decision, params, tier, origin, a.actor.id, null);
    if (out.created) kick();
  };

  return {
    proposed,
    gate,
    answered,
    runDue,
    recoverLeases,
    kick,
    /** Resolves when every run started by `kick` has finished (shutdown, tests). */
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

export type Executor = ReturnType<typeof createExecutor>;

/** Whether a row ran without an operator's yes (for views). */
export const ranAutomatically = (r: ExecutionRecord): boolean => isAutomatic(r.origin);
export { learnsAsTruth };
