drop index if exists executions_learn_seq;
drop index if exists pattern_matches_seq;
drop table if exists engine_snapshot_claim;
drop table if exists engine_snapshots;
