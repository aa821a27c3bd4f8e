-- Foundation: runtime feature flags (overrides of the environment) and the first-run setup token.
create table feature_flags (
  name text primary key,
  enabled boolean not null,
  updated_at timestamptz not null default now(),
  updated_by text not null
);

-- At most one live setup token: its hash only, never the token.
create table setup_tokens (
  id smallint primary key default 1 check (id = 1),
  token_hash text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
