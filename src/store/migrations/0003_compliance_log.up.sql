-- The seed plan's compliance_log: the tamper-evident audit chain. Append-only: UPDATE and DELETE are refused by a
-- trigger for every role, and revoked from PUBLIC; the only deletion path is compliance_log_prune(), which removes
-- the oldest whole segment (retention) and nothing else.
create table compliance_log (
  seq bigint primary key check (seq >= 1),
  at timestamptz not null,
  actor_type text not null check (actor_type in ('operator', 'api_key', 'system')),
  actor_id text not null,
  action text not null,
  resource_type text,
  resource_id text,
  location text,
  correlation_id text,
  body jsonb not null,
  prev_hash text not null,
  hash text not null
);
create index compliance_log_at on compliance_log (at);
create index compliance_log_action on compliance_log (action, at);

create table compliance_checkpoints (
  to_seq bigint primary key,
  from_seq bigint not null,
  document jsonb not null
);

create function compliance_log_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('clubos.audit_prune', true) = 'on' then
    return old;
  end if;
  raise exception 'compliance_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;

create trigger compliance_log_append_only
  before update or delete on compliance_log
  for each row execute function compliance_log_guard();

create function compliance_log_refuse_truncate() returns trigger language plpgsql as $$
begin
  raise exception 'compliance_log is append-only (TRUNCATE refused)' using errcode = 'insufficient_privilege';
end
$$;

create trigger compliance_log_no_truncate
  before truncate on compliance_log
  for each statement execute function compliance_log_refuse_truncate();

-- Retention: deletes the segment [p_from, p_to] only when it starts at the oldest stored entry, so no hole can be
-- cut into the chain. SECURITY DEFINER: the application role may execute it without holding DELETE itself.
create function compliance_log_prune(p_from bigint, p_to bigint) returns boolean
language plpgsql security definer set search_path = public as $$
declare
  oldest bigint;
begin
  select min(seq) into oldest from compliance_log;
  if oldest is null or oldest <> p_from or p_to < p_from then
    return false;
  end if;
  perform set_config('clubos.audit_prune', 'on', true);
  delete from compliance_log where seq between p_from and p_to;
  delete from compliance_checkpoints where to_seq < p_from;
  perform set_config('clubos.audit_prune', 'off', true);
  return true;
end
$$;

revoke update, delete, truncate on compliance_log from public;
revoke update, delete, truncate on compliance_checkpoints from public;
