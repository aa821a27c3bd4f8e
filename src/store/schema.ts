import type { ColumnType, Generated } from 'kysely';

/** Kysely table types. Each capability's migration adds its tables here, next to the module that owns them. */
export interface FeatureFlagsTable {
  name: string;
  enabled: boolean;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string;
}

export interface SetupTokensTable {
  id: Generated<number>;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface DB {
  feature_flags: FeatureFlagsTable;
  setup_tokens: SetupTokensTable;
}
