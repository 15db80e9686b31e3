SELECT bench.list_sql(1);
