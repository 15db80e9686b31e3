SELECT bench.promoted_plpgsql(1);
