SELECT bench.list_plpgsql(1);
