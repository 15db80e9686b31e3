-- ingest_c.sql through bench.ingest_event_unpinned: the same C entry point
-- without the extension's SET search_path (the cost of the pinning).
\set i random(1, 1000)
SELECT bench.ingest_event_unpinned(1, 'event_' || :i::text, '{}');
