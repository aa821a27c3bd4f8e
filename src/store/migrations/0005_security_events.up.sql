-- Security events: injection detections, rate-limit hits and bans, load shedding. High-volume and
-- queryable for the dashboard; the tamper-evident audit log keeps the lower-volume lifecycle events.
create table security_events (
  id bigserial primary key,
  at timestamptz not null,
  kind text not null,
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  route text,
  method text,
  ip text,
  principal text,
  correlation_id text,
  action text not null check (action in ('blocked', 'flagged', 'limited', 'banned', 'shed')),
  detail jsonb not null
);
create index security_events_at on security_events (at);
create index security_events_kind on security_events (kind, at);
