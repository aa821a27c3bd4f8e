-- The decision stage: one proposal per event, the remembered decisions' track records, every operator
-- decision (the durable truth the in-memory engine is rebuilt from) and the shadow ledger.
-- One sequence orders proposals and operator decisions together: the engine is rebuilt by replaying
-- both in the order they happened.
create sequence decision_history;

create table pattern_matches (
  event_id uuid primary key references events (id) on delete cascade,
  seq bigint not null default nextval('decision_history'),
  location text,
  pattern_key text not null,
  decision text,
  params jsonb not null,
  match_score double precision not null,
  reliability double precision not null,
  confidence double precision not null,
  risk_class text not null,
  tier text not null check (tier in ('auto', 'suggest', 'queue', 'human', 'escalate')),
  band text not null check (band in ('auto', 'suggest', 'queue', 'human', 'escalate')),
  emergency boolean not null,
  shadow boolean not null,
  explanation jsonb not null,
  created_at timestamptz not null,
  resolved_at timestamptz
);
-- The operator queue: undecided proposals, emergencies first.
create index pattern_matches_open on pattern_matches (emergency desc, created_at) where resolved_at is null;

create table decision_patterns (
  key text primary key,
  decision text not null,
  variant text,
  state text not null check (state in ('learning', 'suggested', 'auto', 'locked', 'demoted')),
  hold text not null check (hold in ('none', 'locked', 'demoted')),
  reliability double precision not null,
  track jsonb not null,
  confidence_history jsonb not null,
  updated_at timestamptz not null
);

create table operator_decisions (
  seq bigint primary key default nextval('decision_history'),
  -- One operator decision per event: a second answer is refused, never silently merged.
  event_id uuid not null unique references events (id) on delete cascade,
  actor_type text not null check (actor_type in ('operator', 'api_key')),
  actor_id text not null,
  kind text not null check (kind in ('approve', 'veto', 'modify', 'reject', 'decide', 'override')),
  outcome text not null,
  proposed_decision text,
  decision text not null,
  params jsonb not null,
  reason text,
  confidence_at double precision,
  created_at timestamptz not null
);

-- Shadow mode: what automation would have done for each event and whether the operator agreed.
create table shadow_ledger (
  event_id uuid primary key references events (id) on delete cascade,
  location text,
  decision text,
  tier text not null,
  would_execute boolean not null,
  auto_execution boolean not null,
  operator_decision text,
  agreed boolean,
  created_at timestamptz not null,
  resolved_at timestamptz
);
create index shadow_ledger_location on shadow_ledger (location, created_at);
