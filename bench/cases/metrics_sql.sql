\set i random(1, 100000)
SELECT bench.metrics_sql(1, md5('1-' || :i::text)::uuid);
