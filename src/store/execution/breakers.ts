import type { Kysely, Selectable } from 'kysely';
import { admit, type BreakerState, CLOSED, record } from '../../actions/circuitBreaker.js';
import type { BreakerStore } from '../../execution/ports.js';
import type { CircuitBreakersTable, DB } from '../schema.js';

const toState = (r: Selectable<CircuitBreakersTable> | undefined): BreakerState => {
  if (r === undefined) return CLOSED;
  switch (r.status) {
    case 'open':
      return { status: 'open', openedAt: (r.opened_at ?? r.updated_at).getTime() };
    case 'half_open':
      return { status: 'half_open', probeStartedAt: (r.probe_started_at ?? r.updated_at).getTime() };
    default:
      return { status: 'closed', failures: r.failures, firstFailureAt: r.first_failure_at === null ? null : r.first_failure_at.getTime() };
  }
};

const toRow = (id: string, s: BreakerState, now: Date): Selectable<CircuitBreakersTable> => ({
  integration_id: id,
  status: s.status,
  failures: s.status === 'closed' ? s.failures : 0,
  first_failure_at: s.status === 'closed' && s.firstFailureAt !== null ? new Date(s.firstFailureAt) : null,
  opened_at: s.status === 'open' ? new Date(s.openedAt) : null,
  probe_started_at: s.status === 'half_open' ? new Date(s.probeStartedAt) : null,
  updated_at: now,
});

/** One row per integration, shared by every instance: the pure transitions applied under a row lock. */
export function breakerStore(db: Kysely<DB>): BreakerStore {
  const transact = (id: string, now: Date, step: (s: BreakerState) => BreakerState) =>
    db.transaction().execute(async (tx) => {
      // Make sure the row exists so it can be locked (a first call inserts it closed).
      await tx.insertInto('circuit_breakers').values(toRow(id, CLOSED, now)).onConflict((oc) => oc.column('integration_id').doNothing()).execute();
      const row = await tx.selectFrom('circuit_breakers').selectAll().where('integration_id', '=', id).forUpdate().executeTakeFirst();
      const before = toState(row);
      const after = step(before);
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        const { integration_id: _, ...values } = toRow(id, after, now);
        await tx.updateTable('circuit_breakers').set(values).where('integration_id', '=', id).execute();
      }
      return { before, after };
    });
  return {
    async admit(id, policy, now) {
      let verdict: 'allow' | 'probe' | 'reject' = 'allow';
      await transact(id, now, (s) => {
        const out = admit(s, policy, now.getTime());
        verdict = out.verdict;
        return out.state;
      });
      return verdict;
    },
    async record(id, policy, result, now) {
      return (await transact(id, now, (s) => record(s, policy, result, now.getTime()))).after;
    },
    async state(id) {
      return toState(await db.selectFrom('circuit_breakers').selectAll().where('integration_id', '=', id).executeTakeFirst());
    },
    async list() {
      const rows = await db.selectFrom('circuit_breakers').selectAll().orderBy('integration_id').execute();
      return rows.map((r) => ({ integrationId: r.integration_id, state: toState(r), updatedAt: r.updated_at }));
    },
  };
}
