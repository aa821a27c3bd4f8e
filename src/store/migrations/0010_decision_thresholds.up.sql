-- Confidence thresholds set by an admin at run time (PATTERN_CONFIDENCE_* from the environment apply while no
-- row exists). One row: every instance reads the same thresholds. The checks repeat the application's rule so
-- no write path can store thresholds that leave a band empty.
create table decision_thresholds (
  id smallint primary key check (id = 1),
  high double precision not null check (high > 0 and high <= 1),
  medium double precision not null check (medium > 0 and medium <= 1),
  low double precision not null check (low > 0 and low <= 1),
  updated_by text not null,
  updated_at timestamptz not null,
  check (low < medium and medium < high)
);
