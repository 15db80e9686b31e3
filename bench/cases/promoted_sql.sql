SELECT bench.promoted_sql(1);
