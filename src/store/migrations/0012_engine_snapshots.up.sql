-- Snapshots of an instance's decision engine, so a restart restores it and replays only the history after it
-- instead of all of it. A snapshot covers the history up to `position` (the catch-up cursor); `applied` lists
-- the steps above `floor` it already holds (a step drawn below the cursor may commit later: it is applied
-- on restore because it is not listed). Only a snapshot of the same codec version and engine fingerprint
-- (settings, modules, state shape) is restored. The newest two of each kind are kept.
create table engine_snapshots (
  id bigint generated always as identity primary key,
  position bigint not null check (position >= -1),
  floor bigint not null check (floor <= position),
  -- [[step key, seq], ...] of the steps applied above floor
  applied jsonb not null check (jsonb_typeof(applied) = 'array'),
  codec_version integer not null,
  fingerprint text not null,
  created_by text not null,
  created_at timestamptz not null,
  payload bytea not null
);
create index engine_snapshots_newest on engine_snapshots (codec_version, fingerprint, position desc);

-- One writer at a time across instances: the row is claimed with a lease by a conditional update, and a
-- snapshot is saved only while its writer still holds the claim.
create table engine_snapshot_claim (
  id smallint primary key check (id = 1),
  claimed_by text,
  claimed_until timestamptz
);
insert into engine_snapshot_claim (id) values (1);

-- The tail after a snapshot is read by sequence number (catch-up reads the same way every 2 s).
create index pattern_matches_seq on pattern_matches (seq);
create index executions_learn_seq on executions (learn_seq) where learn_seq is not null;
