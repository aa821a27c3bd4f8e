import { type Kysely, sql } from 'kysely';
import type { EngineSnapshotStore, SnapshotMeta } from '../../pipeline/engineSnapshots.js';
import type { DB } from '../schema.js';

/**
 * The engine snapshots and their one writer's claim (migration 0012). Payloads travel as hex text through
 * `decode`/`encode`: PGlite converts a bytea parameter byte by byte in JavaScript (seconds for a few MB),
 * while hex is converted natively on both engines.
 */
export function engineSnapshotStore(db: Kysely<DB>): EngineSnapshotStore {
  const meta = (r: { id: number; position: number; floor: number; applied: [string, number][]; created_at: Date }): SnapshotMeta => ({
    id: Number(r.id),
    cursor: Number(r.position),
    floor: Number(r.floor),
    applied: r.applied,
    createdAt: r.created_at,
  });
  return {
    async newest(kind, limit) {
      const rows = await db
        .selectFrom('engine_snapshots')
        .select(['id', 'position', 'floor', 'applied', 'created_at'])
        .where('codec_version', '=', kind.codecVersion)
        .where('fingerprint', '=', kind.fingerprint)
        .orderBy('position', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(meta);
    },
    async otherKinds(kind) {
      const row = await db
        .selectFrom('engine_snapshots')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => eb.or([eb('codec_version', '<>', kind.codecVersion), eb('fingerprint', '<>', kind.fingerprint)]))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async payload(id) {
      const row = await db
        .selectFrom('engine_snapshots')
        .select(sql<string>`encode(payload, 'hex')`.as('hex'))
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? null : Buffer.from(row.hex, 'hex');
    },
    async stepsAfter(position, atMost) {
      // The same steps the history reads (emergencies never enter it), each kind counted up to atMost.
      const { rows } = await sql<{ n: number }>`
        select count(*) as n from (
          (select 1 from pattern_matches where seq > ${position} and not emergency limit ${atMost})
          union all
          (select 1 from operator_decisions od join pattern_matches pm on pm.event_id = od.event_id
            where od.seq > ${position} and not pm.emergency limit ${atMost})
          union all
          (select 1 from executions x join pattern_matches pm on pm.event_id = x.event_id
            where x.learn_seq > ${position} and not pm.emergency limit ${atMost})
        ) steps`.execute(db);
      return Math.min(atMost, Number(rows[0]!.n));
    },
    async claim(instance, now, until) {
      const row = await db
        .updateTable('engine_snapshot_claim')
        .set({ claimed_by: instance, claimed_until: until })
        .where('id', '=', 1)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async release(instance) {
      await db.updateTable('engine_snapshot_claim').set({ claimed_by: null, claimed_until: null }).where('id', '=', 1).where('claimed_by', '=', instance).execute();
    },
    async save(s, instance, now, keep, staleBefore) {
      return db.transaction().execute(async (tx) => {
        const held = await tx
          .selectFrom('engine_snapshot_claim')
          .select('id')
          .where('id', '=', 1)
          .where('claimed_by', '=', instance)
          .where('claimed_until', '>', now)
          .forUpdate()
          .executeTakeFirst();
        if (held === undefined) return null;
        const { id } = await tx
          .insertInto('engine_snapshots')
          .values({
            position: s.cursor,
            floor: s.floor,
            applied: JSON.stringify(s.applied),
            codec_version: s.kind.codecVersion,
            fingerprint: s.kind.fingerprint,
            created_by: instance,
            created_at: s.createdAt,
            payload: sql<Uint8Array>`decode(${Buffer.from(s.payload.buffer, s.payload.byteOffset, s.payload.byteLength).toString('hex')}, 'hex')`,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const kept = tx
          .selectFrom('engine_snapshots')
          .select('id')
          .where('codec_version', '=', s.kind.codecVersion)
          .where('fingerprint', '=', s.kind.fingerprint)
          .orderBy('position', 'desc')
          .orderBy('id', 'desc')
          .limit(keep);
        await tx
          .deleteFrom('engine_snapshots')
          .where('codec_version', '=', s.kind.codecVersion)
          .where('fingerprint', '=', s.kind.fingerprint)
          .where('id', 'not in', kept)
          .execute();
        await tx
          .deleteFrom('engine_snapshots')
          .where((eb) => eb.or([eb('codec_version', '<>', s.kind.codecVersion), eb('fingerprint', '<>', s.kind.fingerprint)]))
          .where('created_at', '<', staleBefore)
          .execute();
        await tx.updateTable('engine_snapshot_claim').set({ claimed_by: null, claimed_until: null }).where('id', '=', 1).execute();
        return Number(id);
      });
    },
  };
}
