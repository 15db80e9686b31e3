\set i random(1, 100000)
SELECT bench.by_name_sql(1, 'event_' || :i::text);
