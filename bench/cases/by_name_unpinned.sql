-- by_name_c.sql through bench.by_name_unpinned: the same C entry point
-- without the extension's SET search_path (the cost of the pinning).
\set i random(1, 100000)
SELECT bench.by_name_unpinned(1, 'event_' || :i::text);
