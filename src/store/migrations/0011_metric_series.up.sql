-- The metrics series (GET /v1/metrics/decisions/series) reads proposals by the time they were made, across
-- every location: the (location, created_at) index cannot serve that.
create index shadow_ledger_created on shadow_ledger (created_at);
