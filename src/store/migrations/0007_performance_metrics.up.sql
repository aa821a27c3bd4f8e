-- PerformanceGuard samples for the dashboard: one row per instance at most every 10 s, never per request.
create table performance_metrics (
  id bigserial primary key,
  at timestamptz not null,
  instance text not null,
  event_loop_delay_ms double precision not null,
  event_loop_utilization double precision not null,
  cpu_percent double precision not null,
  rss_mb double precision not null,
  heap_used_mb double precision not null,
  pressure double precision not null,
  shed_level smallint not null check (shed_level between 0 and 3),
  shed_requests integer not null
);
create index performance_metrics_at on performance_metrics (at);
