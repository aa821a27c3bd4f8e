drop table setup_tokens;
drop table feature_flags;
