import type { Kysely } from 'kysely';
import type { StoredSession } from '../../identity/sessions.js';
import type { DB } from '../schema.js';

export function sessionStore(db: Kysely<DB>) {
  return {
    async insert(s: {
      id: string;
      operatorId: string;
      csrfHash: string;
      createdAt: Date;
      idleExpiresAt: Date;
      absoluteExpiresAt: Date;
      ip: string;
      userAgent: string;
    }): Promise<void> {
      await db
        .insertInto('operator_sessions')
        .values({
          id: s.id,
          operator_id: s.operatorId,
          csrf_hash: s.csrfHash,
          created_at: s.createdAt,
          last_seen_at: s.createdAt,
          idle_expires_at: s.idleExpiresAt,
          absolute_expires_at: s.absoluteExpiresAt,
          revoked_at: null,
          ip: s.ip,
          user_agent: s.userAgent.slice(0, 256),
        })
        .execute();
    },
    async load(id: string): Promise<StoredSession | null> {
      const r = await db
        .selectFrom('operator_sessions as s')
        .innerJoin('operators as o', 'o.id', 's.operator_id')
        .select(['s.id', 's.operator_id', 's.csrf_hash', 's.idle_expires_at', 's.absolute_expires_at', 's.revoked_at', 'o.disabled_at'])
        .where('s.id', '=', id)
        .executeTakeFirst();
      return r
        ? {
            id: r.id,
            operatorId: r.operator_id,
            csrfHash: r.csrf_hash,
            idleExpiresAt: r.idle_expires_at,
            absoluteExpiresAt: r.absolute_expires_at,
            revokedAt: r.revoked_at,
            operatorDisabled: r.disabled_at !== null,
          }
        : null;
    },
    async touch(id: string, at: Date, idleExpiresAt: Date): Promise<void> {
      await db.updateTable('operator_sessions').set({ last_seen_at: at, idle_expires_at: idleExpiresAt }).where('id', '=', id).execute();
    },
    async revoke(id: string, at: Date): Promise<void> {
      await db.updateTable('operator_sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    async revokeAllOf(operatorId: string, at: Date): Promise<number> {
      const res = await db.updateTable('operator_sessions').set({ revoked_at: at }).where('operator_id', '=', operatorId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    /** IPs this operator signed in from recently: failures from elsewhere cannot throttle the account for them. */
    async knownIps(operatorId: string, since: Date): Promise<string[]> {
      const rows = await db.selectFrom('operator_sessions').select('ip').distinct().where('operator_id', '=', operatorId).where('created_at', '>=', since).execute();
      return rows.map((r) => r.ip);
    },
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;
