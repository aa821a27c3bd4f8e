import type { AuditLog } from '../audit/auditLog.js';
import type { JsonObject } from '../audit/canonical.js';
import type { DecisionEngine } from '../decisionMemory/engine.js';
import { detectEmergency } from '../intake/emergency.js';
import type { Clock } from '../kernel/clock.js';
import { type ClaimOutcome, type Decided, type DecisionStore, type ProposalRecord, type ReceivedEvent, proposeStepKey, stepKey } from './ports.js';
import { emergencyProposal, fromProposal, summaryOf } from './proposalRecord.js';
import { toVenueEvent } from './venueEvent.js';

/** Raises the alarm for an emergency (the notification outbox in production). */
export type EmergencyAlarm = (record: ProposalRecord) => Promise<unknown>;

export interface HandleEventDeps {
  readonly store: DecisionStore;
  readonly engine: DecisionEngine;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly alarm: EmergencyAlarm;
  /** The autoExecution flag, read per event (it can be switched at runtime). */
  readonly autoExecution: () => boolean;
  readonly onError: (err: unknown, eventId: string) => void;
  /** Told after a proposal is committed and announced (the console's live feed). */
  readonly onProposed?: (record: ProposalRecord) => void;
  /** After a proposal is persisted and audited: the execution stage (emergency reply, execution by tier). */
  readonly afterDecided?: (record: ProposalRecord) => Promise<void>;
  /** How long an event may stay 'received' before the sweeper assumes its handler died. */
  readonly sweepAfterMs?: number;
  /** Told the key of every history step this instance applies itself (cross-instance catch-up). */
  readonly applied?: (key: string) => void;
  /** Takes back `applied` for a step whose transaction rolled back. */
  readonly notApplied?: (key: string) => void;
}

export interface HandleEvent {
  /** Intake's onAccepted: decides after the 202 has gone out, never before. */
  accepted(e: { readonly id: string }): void;
  /** Decides one event if nobody has; null when it was already decided (or is being decided). */
  decide(eventId: string): Promise<ProposalRecord | null>;
  /** The crash sweeper: decides events left 'received'; returns how many it decided. */
  sweep(limit?: number): Promise<number>;
  /** Resolves when every decision started by `accepted` has finished (shutdown, tests). */
  settled(): Promise<void>;
}

const SYSTEM = { type: 'system', id: 'pipeline' } as const;

/**
 * The decision stage of the pipeline: emergency fast path first (escalate at once, never automated,
 * automation paused for the event, no learning), then the decision memory's proposal, persisted with the
 * event's status in one transaction that claims the event, so every accepted event is decided once even
 * with a sweeper and several instances. The audit entry and the alarm follow the commit.
 */
export function createHandleEvent(deps: HandleEventDeps): HandleEvent {
  const inFlight = new Set<Promise<unknown>>();
  const sweepAfterMs = deps.sweepAfterMs ?? 10_000;

  /** Decides one event; `proposed` is told of each event the engine proposed for (the emergency path skips it). */
  const propose = (e: ReceivedEvent, proposed: ReceivedEvent[]): Decided => {
    const now = deps.clock.now();
    const verdict = detectEmergency(e.text);
    if (verdict.emergency) {
      const record = emergencyProposal(e, verdict, deps.autoExecution(), now);
      return { record, summary: summaryOf(record) };
    }
    const record = fromProposal(e, deps.engine.propose(toVenueEvent(e), e.occurredAt), deps.autoExecution(), now);
    proposed.push(e);
    deps.applied?.(stepKey({ kind: 'propose', event: e }));
    return { record, summary: summaryOf(record) };
  };

  const announce = async (r: ProposalRecord): Promise<void> => {
    if (r.emergency) await deps.alarm(r);
    const body: JsonObject = {
      decision: r.decision,
      patternKey: r.patternKey,
      tier: r.tier,
      band: r.band,
      confidence: r.confidence,
      matchScore: r.matchScore,
      reliability: r.reliability,
      riskClass: r.riskClass,
      emergency: r.emergency,
      shadow: r.shadow,
      wouldExecute: r.wouldExecute,
    };
    await deps.audit.record({ action: 'decision.proposed', actor: SYSTEM, resource: { type: 'event', id: r.eventId }, location: r.location, body });
    if (deps.afterDecided) await deps.afterDecided(r).catch((err: unknown) => deps.onError(err, r.eventId));
  };

  const settle = async (outcome: ClaimOutcome): Promise<ProposalRecord | null> => {
    if (outcome.kind === 'failed' || outcome.kind === 'refused') deps.onError(outcome.error, outcome.eventId);
    if (outcome.kind !== 'decided') return null;
    await announce(outcome.record);
    deps.onProposed?.(outcome.record);
    return outcome.record;
  };

  /**
   * Runs a claiming transaction. A proposal that is not recorded (the transaction rolled back, or the database
   * refused that one event) will never be in the history: the engine withdraws it (the sweeper proposes the event
   * again) and its catch-up mark is taken back.
   */
  const claiming = async <T extends ClaimOutcome | ClaimOutcome[]>(run: (decide: (e: ReceivedEvent) => Decided) => Promise<T>): Promise<T> => {
    const proposed: ReceivedEvent[] = [];
    const withdraw = (unrecorded: (id: string) => boolean): void => {
      for (const e of proposed) {
        if (!unrecorded(e.id)) continue;
        deps.engine.withdraw(toVenueEvent(e), e.occurredAt);
        deps.notApplied?.(proposeStepKey(e.id));
      }
    };
    let result: T;
    try {
      result = await run((e) => propose(e, proposed));
    } catch (error) {
      withdraw(() => true);
      throw error;
    }
    const outcomes: readonly ClaimOutcome[] = Array.isArray(result) ? result : [result];
    const refused = new Set(outcomes.flatMap((o) => (o.kind === 'refused' ? [o.eventId] : [])));
    if (refused.size > 0) withdraw((id) => refused.has(id));
    return result;
  };

  const decide = async (eventId: string): Promise<ProposalRecord | null> => settle(await claiming((d) => deps.store.decideOnce(eventId, d)));

  return {
    accepted(e) {
      // setImmediate: the handler's reply is written first; the decision never delays the 202.
      const p = new Promise<void>((resolve) => {
        setImmediate(() => {
          decide(e.id)
            .catch((err: unknown) => deps.onError(err, e.id))
            .finally(resolve);
        });
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
    decide,
    async sweep(limit = 50) {
      const before = new Date(deps.clock.now().getTime() - sweepAfterMs);
      let decided = 0;
      for (const outcome of await claiming((d) => deps.store.decideBacklog(before, limit, d))) {
        if ((await settle(outcome)) !== null) decided++;
      }
      return decided;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
