import type { Kysely } from 'kysely';
import type { ExecutionOrigin, ExecutionState } from '../../execution/states.js';
import type { DecisionStore, HistoryStep, SequencedStep } from '../../pipeline/ports.js';
import { stepKey } from '../../pipeline/ports.js';
import type { DecisionParams, ExecutionTier } from '../../venue/types.js';
import type { DB } from '../schema.js';
import { eventRow, operatorDecision, received } from './rows.js';

/** What the engine is rebuilt from: proposals and operator decisions in the order they happened. */
export function history(db: Kysely<DB>): Pick<DecisionStore, 'history' | 'historyAfter'> {
  const historyAfter = async (after: number): Promise<SequencedStep[]> => {
      const proposals = await db
        .selectFrom('pattern_matches as pm')
        .innerJoin('events as e', 'e.id', 'pm.event_id')
        .selectAll('e')
        .select('pm.seq')
        .where('pm.emergency', '=', false)
        .where('pm.seq', '>', after)
        .execute();
      const decisions = await db
        .selectFrom('operator_decisions as od')
        .innerJoin('pattern_matches as pm', 'pm.event_id', 'od.event_id')
        .innerJoin('shadow_ledger as l', 'l.event_id', 'od.event_id')
        .innerJoin('events as e', 'e.id', 'od.event_id')
        .selectAll('od')
        .select(['l.agreed', 'e.received_at', 'e.occurred_at', 'e.kind', 'e.channel', 'e.sender', 'e.location', 'e.bay', 'e.text', 'e.context'])
        .where('pm.emergency', '=', false)
        .where('od.seq', '>', after)
        .execute();
      // Finished executions whose outcome was fed back (learn_seq draws from the same sequence).
      const executed = await db
        .selectFrom('executions as x')
        .innerJoin('pattern_matches as pm', 'pm.event_id', 'x.event_id')
        .innerJoin('events as e', 'e.id', 'x.event_id')
        .selectAll('e')
        .select(['x.learn_seq', 'x.decision as x_decision', 'x.params as x_params', 'x.origin', 'x.tier as x_tier', 'x.state', 'x.outcome_reason', 'x.finished_at'])
        .where('x.learn_seq', 'is not', null)
        .where('x.learn_seq', '>', after)
        .where('pm.emergency', '=', false)
        .execute();
      const steps: { seq: number; step: HistoryStep }[] = [
        ...executed.map((r) => ({
          seq: Number(r.learn_seq),
          step: {
            kind: 'executed' as const,
            event: received(r),
            decision: r.x_decision,
            params: r.x_params as DecisionParams,
            origin: r.origin as ExecutionOrigin,
            tier: r.x_tier as ExecutionTier,
            state: r.state as ExecutionState,
            reason: r.outcome_reason,
            at: r.finished_at ?? r.received_at,
          },
        })),
        ...proposals.map((r) => ({ seq: Number(r.seq), step: { kind: 'propose' as const, event: received(r) } })),
        ...decisions.map((r) => ({
          seq: Number(r.seq),
          step: {
            kind: 'learn' as const,
            event: received(eventRow(r.event_id, r, r.location)),
            decision: operatorDecision(r, r.agreed ?? false),
          },
        })),
      ];
      return steps.sort((a, b) => a.seq - b.seq).map((s) => ({ ...s, key: stepKey(s.step) }));
  };
  return {
    historyAfter,
    async history() {
      return (await historyAfter(-1)).map((s) => s.step);
    },
  };
}
