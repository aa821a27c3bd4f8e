import type { Kysely } from 'kysely';
import type { OperatorHold, PatternRecord, PatternState } from '../../decisionMemory/patterns.js';
import type { ConfidencePoint, DecisionStore, StoredPattern } from '../../pipeline/ports.js';
import type { DB } from '../schema.js';

/** The remembered decisions' persisted view: track record, derived state, holds, confidence history. */
export function patterns(db: Kysely<DB>): Pick<DecisionStore, 'savePatterns' | 'setHold' | 'patterns' | 'holds'> {
  return {
    async savePatterns(patterns) {
      for (const p of patterns) {
        const row = {
          key: p.record.key,
          decision: p.record.decision,
          variant: p.record.variant,
          state: p.state,
          hold: p.record.hold,
          reliability: p.reliability,
          track: JSON.stringify(p.record),
          confidence_history: JSON.stringify(p.history),
          updated_at: p.updatedAt,
        };
        await db
          .insertInto('decision_patterns')
          .values(row)
          // No `hold` here: holds are written by setHold alone (see the port).
          .onConflict((oc) => oc.column('key').doUpdateSet({ state: row.state, reliability: row.reliability, track: row.track, confidence_history: row.confidence_history, updated_at: row.updated_at }))
          .execute();
      }
    },
    async setHold(key, hold) {
      const res = await db.updateTable('decision_patterns').set({ hold }).where('key', '=', key).executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    async patterns() {
      const rows = await db.selectFrom('decision_patterns').selectAll().orderBy('key').execute();
      return rows.map(
        (r): StoredPattern => ({
          // The track was written by the engine; the hold column is the operators' word.
          record: { ...(r.track as PatternRecord), hold: r.hold as OperatorHold },
          state: r.state as PatternState,
          reliability: r.reliability,
          history: r.confidence_history as ConfidencePoint[],
          updatedAt: r.updated_at,
        }),
      );
    },
    async holds() {
      const rows = await db.selectFrom('decision_patterns').select(['key', 'hold']).where('hold', '!=', 'none').execute();
      return new Map(rows.map((r) => [r.key, r.hold as OperatorHold]));
    },
  };
}
