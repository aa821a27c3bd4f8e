import { type Kysely, sql } from 'kysely';
import type { Operator } from '../../identity/operator.js';
import type { Role } from '../../security/guard/routeContract.js';
import type { DB, OperatorsTable } from '../schema.js';

export interface OperatorWithHash extends Operator {
  readonly passwordHash: string;
}

const toOperator = (r: OperatorsTable): OperatorWithHash => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role as Role,
  locations: r.locations,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  passwordHash: r.password_hash,
});

export function operatorStore(db: Kysely<DB>) {
  return {
    async insert(op: Operator & { passwordHash: string }): Promise<void> {
      await db
        .insertInto('operators')
        .values({
          id: op.id,
          username: op.username,
          display_name: op.displayName,
          password_hash: op.passwordHash,
          role: op.role,
          locations: op.locations === null ? null : [...op.locations],
          created_at: op.createdAt,
          password_changed_at: op.createdAt,
          disabled_at: null,
        })
        .execute();
    },
    async byUsername(username: string): Promise<OperatorWithHash | null> {
      const r = await db.selectFrom('operators').selectAll().where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
      return r ? toOperator(r) : null;
    },
    async byId(id: string): Promise<OperatorWithHash | null> {
      const r = await db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toOperator(r) : null;
    },
    async list(): Promise<OperatorWithHash[]> {
      return (await db.selectFrom('operators').selectAll().orderBy('created_at').execute()).map(toOperator);
    },
    async countAdmins(): Promise<number> {
      const r = await db.selectFrom('operators').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').where('disabled_at', 'is', null).executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async update(id: string, patch: { role?: Role; locations?: readonly string[] | null; disabledAt?: Date | null; displayName?: string }): Promise<boolean> {
      const res = await db
        .updateTable('operators')
        .set({
          ...(patch.role === undefined ? {} : { role: patch.role }),
          ...(patch.locations === undefined ? {} : { locations: patch.locations === null ? null : [...patch.locations] }),
          ...(patch.disabledAt === undefined ? {} : { disabled_at: patch.disabledAt }),
          ...(patch.displayName === undefined ? {} : { display_name: patch.displayName }),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}

export type OperatorStore = ReturnType<typeof operatorStore>;
