-- Execution: every effect the system carries out is a durable row with an idempotency key, claimed with
-- FOR UPDATE SKIP LOCKED and a lease so several instances never run one twice; circuit breakers shared by
-- every instance; kill switches per action and per location.
create table executions (
  id uuid primary key,
  event_id uuid not null references events (id) on delete cascade,
  pattern_key text not null,
  decision text not null,
  params jsonb not null,
  location text,
  idempotency_key text not null unique,
  tier text not null check (tier in ('auto', 'suggest', 'queue', 'human')),
  origin text not null check (origin in ('auto', 'suggestion', 'approval', 'operator')),
  state text not null check (state in ('scheduled', 'pending', 'running', 'succeeded', 'failed', 'unconfirmed', 'timed_out', 'cancelled')),
  -- When it becomes due: a suggestion's deadline, or the creation time.
  run_at timestamptz not null,
  attempts integer not null default 0,
  claimed_by text,
  claimed_at timestamptz,
  lease_until timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms integer,
  outcome_detail text,
  outcome_reason text,
  vendor_ref text,
  integration_id text,
  approved_by text,
  cancelled_by text,
  cancel_reason text,
  -- Set when the outcome was fed back to the decision memory; orders it among proposals and answers.
  learn_seq bigint,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
-- The runner's claim: due rows by deadline; expired leases.
create index executions_due on executions (run_at) where state in ('scheduled', 'pending');
create index executions_leases on executions (lease_until) where state = 'running';
create index executions_event on executions (event_id);
-- The guards' action log: what the system did at a location recently.
create index executions_log on executions (lower(location), decision, started_at) where state in ('running', 'succeeded', 'unconfirmed', 'timed_out');
create index executions_list on executions (created_at desc);

create table circuit_breakers (
  integration_id text primary key,
  status text not null check (status in ('closed', 'open', 'half_open')),
  failures integer not null default 0,
  first_failure_at timestamptz,
  opened_at timestamptz,
  probe_started_at timestamptz,
  updated_at timestamptz not null
);

create table kill_switches (
  kind text not null check (kind in ('action', 'location')),
  name text not null,
  set_by text not null,
  reason text,
  at timestamptz not null,
  primary key (kind, name)
);
