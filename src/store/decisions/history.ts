import type { Kysely } from 'kysely';
import type { DecisionStore, HistoryStep } from '../../pipeline/ports.js';
import type { DB } from '../schema.js';
import { eventRow, operatorDecision, received } from './rows.js';

/** What the engine is rebuilt from: proposals and operator decisions in the order they happened. */
export function history(db: Kysely<DB>): Pick<DecisionStore, 'history'> {
  return {
    async history() {
      const proposals = await db
        .selectFrom('pattern_matches as pm')
        .innerJoin('events as e', 'e.id', 'pm.event_id')
        .selectAll('e')
        .select('pm.seq')
        .where('pm.emergency', '=', false)
        .execute();
      const decisions = await db
        .selectFrom('operator_decisions as od')
        .innerJoin('pattern_matches as pm', 'pm.event_id', 'od.event_id')
        .innerJoin('shadow_ledger as l', 'l.event_id', 'od.event_id')
        .innerJoin('events as e', 'e.id', 'od.event_id')
        .selectAll('od')
        .select(['l.agreed', 'e.received_at', 'e.occurred_at', 'e.kind', 'e.channel', 'e.sender', 'e.location', 'e.bay', 'e.text', 'e.context'])
        .where('pm.emergency', '=', false)
        .execute();
      const steps: { seq: number; step: HistoryStep }[] = [
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
      return steps.sort((a, b) => a.seq - b.seq).map((s) => s.step);
    },
  };
}
