drop function compliance_log_prune(bigint, bigint);
drop table compliance_checkpoints;
drop table compliance_log;
drop function compliance_log_refuse_truncate();
drop function compliance_log_guard();
