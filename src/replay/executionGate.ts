import { checkExecution } from '../execution/precheck.js';
import type { ExecutionOrigin } from '../execution/states.js';
import { type MemoryEvent, isVenueEvent } from '../decisionMemory/types.js';
import type { LoggedAction } from '../venue/types.js';
import type { OperatorAnswer } from './operator.js';

/**
 * The execution stage's pre-execution check in the replay path: every execution the simulated operator lets
 * through is checked as the server's executor would check it right before acting (catalogue tier, guards over
 * the system's own executions, the booking window, the per-booking unlock cap). A refused execution
 * runs nothing: a human gets the event instead. Generic text streams have no venue rules and pass unchanged.
 */
export interface ExecutionGate {
  apply(event: MemoryEvent, a: OperatorAnswer): OperatorAnswer;
  /** Executions the check refused. */
  readonly refused: number;
}

const ORIGIN: Readonly<Record<'auto' | 'suggest' | 'queue', ExecutionOrigin>> = { auto: 'auto', suggest: 'suggestion', queue: 'approval' };

export function createExecutionGate(): ExecutionGate {
  const own: LoggedAction[] = [];
  let refused = 0;
  return {
    get refused() {
      return refused;
    },
    apply(event, a) {
      if (a.execution === null || !isVenueEvent(event)) return a;
      const x = a.execution;
      const booking = event.context.booking;
      const params = x.decision === 'unlock_door' && booking !== null && x.params.bookingId === undefined ? { ...x.params, bookingId: booking.id } : x.params;
      const check = checkExecution({
        decision: x.decision,
        params,
        tier: x.tier,
        origin: ORIGIN[x.tier],
        at: event.t,
        // The system's own record, as the server's executor reads it (the stream's context is the venue's log).
        actionLog: own,
        killSwitches: { actions: new Set(), locations: new Set() },
        threadPaused: false,
        eventKind: event.kind,
        booking,
      });
      if (check.kind === 'allowed') {
        own.push({ action: x.decision, location: params.location ?? null, bay: params.bay ?? null, ...(params.bookingId !== undefined ? { bookingId: params.bookingId } : {}), at: event.t });
        // The guards look back at most a day: keep the log that small.
        while (own.length > 0 && event.t.getTime() - own[0]!.at.getTime() > 86_400_000) own.shift();
        return a;
      }
      refused++;
      // Nothing ran: the event lands in a human's inbox as if no proposal had been acted on.
      return { outcome: 'decided', execution: null, automated: false, wrong: false, intervention: true, cost: 1, inbox: { delayMs: 0 } };
    },
  };
}
