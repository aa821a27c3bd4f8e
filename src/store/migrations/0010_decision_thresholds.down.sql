drop table if exists decision_thresholds;
