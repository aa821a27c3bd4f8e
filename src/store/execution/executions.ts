import { type Kysely, type Selectable, sql } from 'kysely';
import { wasOverridden } from '../../execution/liveFigures.js';
import type { ExecutionRecord, ExecutionStore } from '../../execution/ports.js';
import { type ExecutionOrigin, type ExecutionState, MAY_HAVE_ACTED } from '../../execution/states.js';
import type { DecisionParams, ExecutionTier, LoggedAction } from '../../venue/types.js';
import type { DB, ExecutionsTable } from '../schema.js';

const record = (r: Selectable<ExecutionsTable>): ExecutionRecord => ({
  id: r.id,
  eventId: r.event_id,
  patternKey: r.pattern_key,
  decision: r.decision,
  params: r.params as DecisionParams,
  location: r.location,
  idempotencyKey: r.idempotency_key,
  tier: r.tier as ExecutionTier,
  origin: r.origin as ExecutionOrigin,
  state: r.state as ExecutionState,
  runAt: r.run_at,
  attempts: r.attempts,
  claimedBy: r.claimed_by,
  leaseUntil: r.lease_until,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  durationMs: r.duration_ms,
  outcomeDetail: r.outcome_detail,
  outcomeReason: r.outcome_reason,
  vendorRef: r.vendor_ref,
  integrationId: r.integration_id,
  approvedBy: r.approved_by,
  cancelledBy: r.cancelled_by,
  cancelReason: r.cancel_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const lowered = (xs: readonly string[]) => xs.map((x) => x.trim().toLowerCase());
const clip = (s: string): string => s.slice(0, 500);

/** Executions: one row per effect, every state change a conditional update on the current state. */
export function executionStore(db: Kysely<DB>): ExecutionStore {
  const byId = async (id: string) => {
    const r = await db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? record(r) : null;
  };
  return {
    async create(n) {
      const inserted = await db
        .insertInto('executions')
        .values({
          id: n.id,
          event_id: n.eventId,
          pattern_key: n.patternKey,
          decision: n.decision,
          params: JSON.stringify(n.params),
          location: n.params.location ?? null,
          idempotency_key: n.idempotencyKey,
          tier: n.tier,
          origin: n.origin,
          state: n.state,
          run_at: n.runAt,
          approved_by: n.approvedBy,
          claimed_by: null,
          claimed_at: null,
          lease_until: null,
          started_at: null,
          finished_at: null,
          duration_ms: null,
          outcome_detail: null,
          outcome_reason: null,
          vendor_ref: null,
          integration_id: null,
          cancelled_by: null,
          cancel_reason: null,
          learn_seq: null,
          created_at: n.at,
          updated_at: n.at,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { created: true, record: record(inserted) };
      const existing = await db.selectFrom('executions').selectAll().where('idempotency_key', '=', n.idempotencyKey).executeTakeFirstOrThrow();
      return { created: false, record: record(existing) };
    },
    byId,
    async forEvent(eventId) {
      return (await db.selectFrom('executions').selectAll().where('event_id', '=', eventId).orderBy('created_at').execute()).map(record);
    },
    async forEvents(eventIds) {
      if (eventIds.length === 0) return [];
      return (await db.selectFrom('executions').selectAll().where('event_id', 'in', [...eventIds]).orderBy('created_at').execute()).map(record);
    },
    async list(q) {
      let query = db.selectFrom('executions').selectAll();
      if (q.locations !== null) {
        if (q.locations.length === 0) return [];
        query = query.where(sql<string>`lower(location)`, 'in', lowered(q.locations));
      }
      if (q.state !== undefined) query = query.where('state', '=', q.state);
      if (q.location !== undefined) query = query.where(sql<string>`lower(location)`, '=', q.location.trim().toLowerCase());
      return (await query.orderBy('created_at', 'desc').orderBy('id').limit(q.limit).execute()).map(record);
    },
    async cancelScheduled(eventId, by, reason, at) {
      const rows = await db
        .updateTable('executions')
        .set({ state: 'cancelled', cancelled_by: by, cancel_reason: clip(reason), finished_at: at, updated_at: at })
        .where('event_id', '=', eventId)
        .where('state', '=', 'scheduled')
        .returningAll()
        .execute();
      return rows.map(record);
    },
    async approveScheduled(eventId, by, at) {
      const r = await db
        .updateTable('executions')
        .set({ state: 'pending', origin: 'approval', tier: 'queue', approved_by: by, run_at: at, updated_at: at })
        .where('event_id', '=', eventId)
        .where('state', '=', 'scheduled')
        .returningAll()
        .executeTakeFirst();
      return r ? record(r) : null;
    },
    async claimDue(now, instance, leaseMs, limit, operatorOnly = false) {
      return db.transaction().execute(async (tx) => {
        const due = await tx
          .selectFrom('executions')
          .select('id')
          .where('state', 'in', ['scheduled', 'pending'])
          .where('run_at', '<=', now)
          .$if(operatorOnly, (q) => q.where('origin', 'in', ['operator', 'approval']))
          .orderBy('run_at')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .execute();
        if (due.length === 0) return [];
        const rows = await tx
          .updateTable('executions')
          .set((eb) => ({
            state: 'running',
            claimed_by: instance,
            claimed_at: now,
            lease_until: new Date(now.getTime() + leaseMs),
            started_at: now,
            attempts: eb('attempts', '+', 1),
            updated_at: now,
          }))
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .returningAll()
          .execute();
        return rows.map(record).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
      });
    },
    async expireLeases(now, decide, limit) {
      return db.transaction().execute(async (tx) => {
        const stale = await tx
          .selectFrom('executions')
          .selectAll()
          .where('state', '=', 'running')
          .where('lease_until', '<', now)
          .orderBy('lease_until')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .execute();
        const out: ExecutionRecord[] = [];
        for (const row of stale) {
          const to = decide(record(row));
          const detail = to === 'pending' ? 'lease expired: the instance running it stopped; retrying an idempotent action' : 'lease expired: the instance running it stopped; the effect is unknown';
          const updated = await tx
            .updateTable('executions')
            .set({
              state: to,
              claimed_by: null,
              lease_until: null,
              outcome_detail: detail,
              outcome_reason: 'lease_expired',
              run_at: now,
              updated_at: now,
              ...(to === 'unconfirmed' ? { finished_at: now } : {}),
            })
            .where('id', '=', row.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          out.push(record(updated));
        }
        return out;
      });
    },
    async finish(id, instance, f) {
      return db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('executions')
        .set((eb) => ({
          state: f.state,
          finished_at: f.at,
          duration_ms: eb.fn.coalesce(
            sql<number>`(extract(epoch from (${f.at}::timestamptz - started_at)) * 1000)::int`,
            sql<number>`0`,
          ),
          outcome_detail: clip(f.result.detail),
          outcome_reason: f.result.outcome === 'succeeded' ? null : f.result.reason,
          vendor_ref: f.result.vendorRef ?? null,
          integration_id: f.integrationId,
          lease_until: null,
          updated_at: f.at,
          ...(f.learn ? { learn_seq: sql<number>`nextval('decision_history')` } : {}),
        }))
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('claimed_by', '=', instance)
        .returningAll()
        .executeTakeFirst();
      if (r && f.resolveProposal) {
        await tx.updateTable('pattern_matches').set({ resolved_at: f.at }).where('event_id', '=', r.event_id).where('resolved_at', 'is', null).execute();
      }
      return r ? record(r) : null;
      });
    },
    async retry(id, instance, at, result) {
      const r = await db
        .updateTable('executions')
        .set({ state: 'pending', claimed_by: null, lease_until: null, run_at: at, outcome_detail: clip(result.detail), outcome_reason: result.outcome === 'succeeded' ? null : result.reason, updated_at: at })
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('claimed_by', '=', instance)
        .returningAll()
        .executeTakeFirst();
      return r ? record(r) : null;
    },
    async refine(id, instance, params, at) {
      await db
        .updateTable('executions')
        .set({ params: JSON.stringify(params), updated_at: at })
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('claimed_by', '=', instance)
        .execute();
    },
    async refuse(id, instance, reason, at) {
      const r = await db
        .updateTable('executions')
        .set({ state: 'cancelled', cancelled_by: 'system', cancel_reason: reason, outcome_reason: reason, finished_at: at, lease_until: null, updated_at: at })
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('claimed_by', '=', instance)
        .returningAll()
        .executeTakeFirst();
      return r ? record(r) : null;
    },
    async actionLog(location, since, exclude) {
      const loc = location.trim().toLowerCase();
      const done = await db
        .selectFrom('executions')
        .select(['decision', 'location', 'params', 'started_at', 'created_at'])
        .where(sql<string>`lower(location)`, '=', loc)
        .where('state', 'in', [...MAY_HAVE_ACTED])
        .where('id', '!=', exclude)
        .where(sql<Date>`coalesce(started_at, created_at)`, '>=', since)
        .execute();
      // Escalations are in the log too: an open site outage holds every per-bay remedy back.
      const escalated = await db
        .selectFrom('pattern_matches')
        .select(['decision', 'location', 'created_at'])
        .where('decision', '=', 'escalate_site_outage')
        .where(sql<string>`lower(location)`, '=', loc)
        .where('created_at', '>=', since)
        .execute();
      const log: LoggedAction[] = done.map((r) => {
        const p = r.params as DecisionParams;
        return {
          action: r.decision,
          location: r.location,
          bay: p.bay ?? null,
          ...(p.bookingId !== undefined ? { bookingId: p.bookingId } : {}),
          at: r.started_at ?? r.created_at,
        };
      });
      for (const e of escalated) log.push({ action: 'escalate_site_outage', location: e.location, bay: null, at: e.created_at });
      return log;
    },
    async summary(locations) {
      let q = db
        .selectFrom('executions as x')
        .leftJoin('operator_decisions as od', 'od.event_id', 'x.event_id')
        .select(['x.origin', 'x.state', 'x.decision', 'x.created_at', 'od.decision as answered', 'od.created_at as answered_at']);
      let p = db.selectFrom('shadow_ledger').select((eb) => eb.fn.countAll<number>().as('n')).where('auto_execution', '=', true);
      if (locations !== null) {
        if (locations.length === 0) return { rows: [], proposals: 0 };
        q = q.where(sql<string>`lower(x.location)`, 'in', lowered(locations));
        p = p.where(sql<string>`lower(location)`, 'in', lowered(locations));
      }
      const rows = await q.execute();
      const proposals = Number((await p.executeTakeFirst())?.n ?? 0);
      return {
        proposals,
        rows: rows.map((r) => ({
          origin: r.origin as ExecutionOrigin,
          state: r.state as ExecutionState,
          overridden: wasOverridden(
            { origin: r.origin as ExecutionOrigin, decision: r.decision, createdAt: r.created_at },
            r.answered === null || r.answered_at === null ? null : { decision: r.answered, at: r.answered_at },
          ),
        })),
      };
    },
  };
}
