import { type Kysely, type Transaction, sql } from 'kysely';
import type { PreparedEntry } from '../../audit/ports.js';
import type { PreparedNotification } from '../../notifications/outbox.js';
import type { ApiKeyRecord, KeyState } from '../../security/apiKeys/key.js';
import type { ApiKeysTable, DB } from '../schema.js';
import { endGraceWindows } from './endGraceWindows.js';
import { keyRecordOf, keyRowOf } from './keyRows.js';
import { markReminder, sendReminder } from './reminders.js';

export interface UsageRow {
  readonly keyId: string;
  readonly hour: Date;
  readonly route: string;
  readonly outcome: string;
  readonly count: number;
}

export interface ClientRow {
  readonly keyId: string;
  readonly ip: string;
  readonly prefix: string;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly requests: number;
}

export function apiKeyStore(db: Kysely<DB>) {
  return {
    async insert(k: ApiKeyRecord, tx: Kysely<DB> | Transaction<DB> = db): Promise<void> {
      await tx.insertInto('api_keys').values(keyRowOf(k)).execute();
    },
    async byHashes(hashes: readonly string[]): Promise<ApiKeyRecord | null> {
      if (hashes.length === 0) return null;
      const r = await db.selectFrom('api_keys').selectAll().where('hash', 'in', [...hashes]).executeTakeFirst();
      return r ? keyRecordOf(r) : null;
    },
    async byId(id: string): Promise<ApiKeyRecord | null> {
      const r = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? keyRecordOf(r) : null;
    },
    async list(): Promise<ApiKeyRecord[]> {
      return (await db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute()).map(keyRecordOf);
    },
    /**
     * Issues `successor` for `predecessorId` exactly once: the predecessor row is claimed by setting its successor
     * only where none is set, so two instances racing the same rotation produce one successor.
     */
    async rotate(predecessorId: string, successor: ApiKeyRecord, graceEndsAt: Date, reason: 'scheduled' | 'manual' | 'compromised', at: Date): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        // A successor of this generation exists once the key was rotated (here or by another instance): refuse,
        // rather than fail on the (family, generation) uniqueness.
        const inserted = await tx
          .insertInto('api_keys')
          .values(keyRowOf(successor))
          .onConflict((oc) => oc.columns(['family_id', 'generation']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted === undefined) return false;
        const claimed = await tx
          .updateTable('api_keys')
          .set({ successor_id: successor.id, grace_ends_at: graceEndsAt })
          .where('id', '=', predecessorId)
          .where('successor_id', 'is', null)
          .where('state', '=', 'active')
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) {
          await tx.deleteFrom('api_keys').where('id', '=', successor.id).execute();
          return false;
        }
        await tx
          .insertInto('api_key_rotation')
          .values({ family_id: successor.familyId, from_key_id: predecessorId, to_key_id: successor.id, reason, rotated_at: at, grace_ends_at: graceEndsAt, predecessor_revoked_at: null })
          .execute();
        return true;
      });
    },
    async dueForRotation(now: Date, limit: number): Promise<ApiKeyRecord[]> {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('state', '=', 'active')
        .where('successor_id', 'is', null)
        .where('rotate_at', '<=', now)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('rotate_at')
        .limit(limit)
        .execute();
      return rows.map(keyRecordOf);
    },
    /** Revokes every predecessor whose grace window ended, each audited in the same transaction (`endGraceWindows.ts`). */
    endGraceWindows: (now: Date, entryFor: (k: ApiKeyRecord) => PreparedEntry) => endGraceWindows(db, now, entryFor),
    /**
     * Keys past their expiry (revoked ones aside) whose expiry is not yet marked recorded. Nothing is claimed: the
     * audit log decides who records each (`recordOnce`); the mark only keeps recorded keys out of the next run.
     */
    async expiredUnrecorded(now: Date): Promise<ApiKeyRecord[]> {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('state', '<>', 'revoked')
        .where('expires_at', '<=', now)
        .where(sql<boolean>`not (${EXPIRY_RECORDED}::int = any(reminders_sent))`)
        .orderBy('expires_at')
        .execute();
      return rows.map(keyRecordOf);
    },
    async setState(id: string, patch: Partial<Pick<ApiKeysTable, 'state' | 'revoked_at' | 'revoked_reason' | 'suspended_at' | 'suspended_reason' | 'expires_at' | 'rotate_at' | 'limit_multiplier' | 'risk_score' | 'risk_at'>>, onlyIfState?: KeyState): Promise<ApiKeyRecord | null> {
      let q = db.updateTable('api_keys').set(patch).where('id', '=', id);
      if (onlyIfState) q = q.where('state', '=', onlyIfState);
      const r = await q.returningAll().executeTakeFirst();
      return r ? keyRecordOf(r) : null;
    },
    /** Marks reminder `days` as sent and queues its notification in one transaction; false if it was sent (`reminders.ts`). */
    sendReminder: (id: string, days: number, notification: PreparedNotification) => sendReminder(db, id, days, notification),
    /** Marks the key's `key.expired` entry as recorded (`EXPIRY_RECORDED` in `reminders_sent`); false if it was. */
    markExpiryRecorded: (id: string): Promise<boolean> => markReminder(db, id, EXPIRY_RECORDED),
    async remindersSent(id: string): Promise<number[]> {
      const r = await db.selectFrom('api_keys').select('reminders_sent').where('id', '=', id).executeTakeFirst();
      return r?.reminders_sent ?? [];
    },
    async expiringBefore(until: Date, now: Date): Promise<ApiKeyRecord[]> {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('state', '=', 'active')
        .where('expires_at', '<=', until)
        .where('expires_at', '>', now)
        .execute();
      return rows.map(keyRecordOf);
    },
    async recordUsage(usage: readonly UsageRow[], clients: readonly ClientRow[], lastUse: ReadonlyMap<string, { at: Date; ip: string }>): Promise<void> {
      await db.transaction().execute(async (tx) => {
        for (const u of usage) {
          await tx
            .insertInto('api_key_usage')
            .values({ key_id: u.keyId, hour: u.hour, route: u.route, outcome: u.outcome, count: u.count })
            .onConflict((oc) => oc.columns(['key_id', 'hour', 'route', 'outcome']).doUpdateSet({ count: sql`api_key_usage.count + excluded.count` }))
            .execute();
        }
        for (const c of clients) {
          await tx
            .insertInto('api_key_clients')
            .values({ key_id: c.keyId, ip: c.ip, prefix: c.prefix, first_seen_at: c.firstSeenAt, last_seen_at: c.lastSeenAt, requests: c.requests })
            .onConflict((oc) =>
              oc.columns(['key_id', 'ip']).doUpdateSet({ last_seen_at: sql`greatest(api_key_clients.last_seen_at, excluded.last_seen_at)`, requests: sql`api_key_clients.requests + excluded.requests` }),
            )
            .execute();
        }
        for (const [keyId, use] of lastUse) {
          await tx.updateTable('api_keys').set({ last_used_at: use.at, last_used_ip: use.ip }).where('id', '=', keyId).where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', use.at)])).execute();
        }
      });
    },
    /** Usage audit follows the audit retention: hourly counts and client rows older than `before` are removed. */
    async pruneUsage(before: Date): Promise<number> {
      const a = await db.deleteFrom('api_key_usage').where('hour', '<', before).executeTakeFirst();
      const b = await db.deleteFrom('api_key_clients').where('last_seen_at', '<', before).executeTakeFirst();
      return Number(a.numDeletedRows) + Number(b.numDeletedRows);
    },
    async knownPrefixes(keyId: string): Promise<string[]> {
      const rows = await db.selectFrom('api_key_clients').select('prefix').distinct().where('key_id', '=', keyId).execute();
      return rows.map((r) => r.prefix);
    },
    async usage(keyId: string, since: Date): Promise<UsageRow[]> {
      const rows = await db.selectFrom('api_key_usage').selectAll().where('key_id', '=', keyId).where('hour', '>=', since).orderBy('hour').execute();
      return rows.map((r) => ({ keyId: r.key_id, hour: r.hour, route: r.route, outcome: r.outcome, count: r.count }));
    },
    async hourlyTotals(keyId: string, since: Date): Promise<Array<{ hour: Date; count: number }>> {
      const rows = await db
        .selectFrom('api_key_usage')
        .select(['hour', (eb) => eb.fn.sum<number>('count').as('count')])
        .where('key_id', '=', keyId)
        .where('hour', '>=', since)
        .groupBy('hour')
        .orderBy('hour')
        .execute();
      return rows.map((r) => ({ hour: r.hour, count: Number(r.count) }));
    },
    async clients(keyId: string): Promise<ClientRow[]> {
      const rows = await db.selectFrom('api_key_clients').selectAll().where('key_id', '=', keyId).orderBy('last_seen_at', 'desc').execute();
      return rows.map((r) => ({ keyId: r.key_id, ip: r.ip, prefix: r.prefix, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, requests: Number(r.requests) }));
    },
    async rotations(familyId: string) {
      return db.selectFrom('api_key_rotation').selectAll().where('family_id', '=', familyId).orderBy('rotated_at').execute();
    },
    async addRiskEvent(e: { keyId: string; at: Date; signal: string; weight: number; scoreAfter: number; levelAfter: string; actionTaken: string; detail: unknown }): Promise<void> {
      await db
        .insertInto('api_key_risk_events')
        .values({ key_id: e.keyId, at: e.at, signal: e.signal, weight: e.weight, score_after: e.scoreAfter, level_after: e.levelAfter, action_taken: e.actionTaken, detail: JSON.stringify(e.detail) })
        .execute();
    },
    async riskEvents(keyId: string) {
      return db.selectFrom('api_key_risk_events').selectAll().where('key_id', '=', keyId).orderBy('at').execute();
    },
  };
}

export type ApiKeyStore = ReturnType<typeof apiKeyStore>;

/** In `reminders_sent`: the day-0 notice, i.e. `key.expired` was recorded for the key. */
export const EXPIRY_RECORDED = 0;
