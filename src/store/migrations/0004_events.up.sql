-- Intake: every customer message and device event, stored verbatim before it is acknowledged.
create table events (
  id uuid primary key,
  received_at timestamptz not null,
  occurred_at timestamptz not null,
  kind text not null check (kind in ('message', 'device_event')),
  channel text not null check (channel in ('sms', 'web', 'device')),
  sender text not null,
  location text,
  bay integer,
  text text not null,
  context jsonb not null,
  source_key_id uuid,
  idempotency_key text,
  request_hash text not null,
  status text not null default 'received' check (status in ('received', 'decided', 'failed')),
  decision jsonb,
  decided_at timestamptz
);
-- One event per idempotency key and caller (a key family keeps its idempotency across rotations).
create unique index events_idempotency on events (source_key_id, idempotency_key) where idempotency_key is not null;
create index events_received on events (received_at);
create index events_pending on events (received_at) where status = 'received';
create index events_sender on events (sender, occurred_at);
