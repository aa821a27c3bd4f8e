drop table performance_metrics;
