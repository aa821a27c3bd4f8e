drop table shadow_ledger;
drop table operator_decisions;
drop table decision_patterns;
drop table pattern_matches;
drop sequence decision_history;
