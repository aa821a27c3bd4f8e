-- Identity: operator accounts and sessions, API keys with lineage, rotation history, usage, risk, notifications.
create table operators (
  id uuid primary key,
  username text not null,
  display_name text not null,
  password_hash text not null,
  role text not null check (role in ('viewer', 'operator', 'supervisor', 'admin')),
  locations text[],
  created_at timestamptz not null,
  password_changed_at timestamptz not null,
  disabled_at timestamptz
);
create unique index operators_username_key on operators (lower(username));

create table operator_sessions (
  id text primary key,
  operator_id uuid not null references operators (id) on delete cascade,
  csrf_hash text not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  idle_expires_at timestamptz not null,
  absolute_expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text not null,
  user_agent text not null
);
create index operator_sessions_operator on operator_sessions (operator_id);

create table api_keys (
  id uuid primary key,
  family_id uuid not null,
  generation integer not null,
  name text not null,
  owner_id uuid references operators (id) on delete set null,
  env text not null check (env in ('live', 'test')),
  display_prefix text not null,
  hash text not null unique,
  pepper_version integer not null,
  scopes text[] not null,
  cidrs text[] not null default '{}',
  locations text[],
  rate_limit_points integer,
  rate_limit_window_ms integer,
  state text not null check (state in ('active', 'suspended', 'revoked')),
  created_at timestamptz not null,
  expires_at timestamptz,
  rotate_at timestamptz,
  grace_ends_at timestamptz,
  successor_id uuid references api_keys (id),
  revoked_at timestamptz,
  revoked_reason text check (revoked_reason in ('manual', 'grace_ended', 'compromised', 'leak_reported')),
  suspended_at timestamptz,
  suspended_reason text,
  risk_score double precision not null default 0,
  risk_at timestamptz,
  limit_multiplier double precision not null default 1,
  last_used_at timestamptz,
  last_used_ip text,
  reminders_sent integer[] not null default '{}',
  unique (family_id, generation)
);
create index api_keys_rotation_due on api_keys (rotate_at) where state = 'active' and successor_id is null;
create index api_keys_grace_due on api_keys (grace_ends_at) where state <> 'revoked' and grace_ends_at is not null;

-- The seed plan's key-lifecycle table: one row per rotation of a key family.
create table api_key_rotation (
  id bigserial primary key,
  family_id uuid not null,
  from_key_id uuid not null references api_keys (id),
  to_key_id uuid not null references api_keys (id),
  reason text not null check (reason in ('scheduled', 'manual', 'compromised')),
  rotated_at timestamptz not null,
  grace_ends_at timestamptz not null,
  predecessor_revoked_at timestamptz
);
create index api_key_rotation_family on api_key_rotation (family_id);

create table api_key_usage (
  key_id uuid not null references api_keys (id) on delete cascade,
  hour timestamptz not null,
  route text not null,
  outcome text not null,
  count integer not null,
  primary key (key_id, hour, route, outcome)
);

create table api_key_clients (
  key_id uuid not null references api_keys (id) on delete cascade,
  ip text not null,
  prefix text not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  requests bigint not null,
  primary key (key_id, ip)
);
create index api_key_clients_prefix on api_key_clients (key_id, prefix);

create table api_key_risk_events (
  id bigserial primary key,
  key_id uuid not null references api_keys (id) on delete cascade,
  at timestamptz not null,
  signal text not null,
  weight double precision not null,
  score_after double precision not null,
  level_after text not null,
  action_taken text not null,
  detail jsonb not null
);
create index api_key_risk_events_key on api_key_risk_events (key_id, at);

-- Outbox: a notification is written in the same breath as the event it reports, then delivered to each sink
-- by the scheduler with retries; every attempt is recorded.
create table notifications (
  id bigserial primary key,
  topic text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  subject text not null,
  body jsonb not null,
  recipient_id uuid,
  created_at timestamptz not null
);

create table notification_deliveries (
  notification_id bigint not null references notifications (id) on delete cascade,
  sink text not null,
  state text not null check (state in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  last_error text,
  delivered_at timestamptz,
  primary key (notification_id, sink)
);
create index notification_deliveries_due on notification_deliveries (next_attempt_at) where state = 'pending';

create table notification_attempts (
  id bigserial primary key,
  notification_id bigint not null references notifications (id) on delete cascade,
  sink text not null,
  at timestamptz not null,
  ok boolean not null,
  status integer,
  error text
);
