drop table if exists kill_switches;
drop table if exists circuit_breakers;
drop table if exists executions;
