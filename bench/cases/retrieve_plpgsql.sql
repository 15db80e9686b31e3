\set i random(1, 100000)
SELECT bench.retrieve_plpgsql(1, md5('1-' || :i::text)::uuid);
