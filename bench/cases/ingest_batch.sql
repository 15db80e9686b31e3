-- A batch of 1,000 events over the same 1,000 names (bench.ingest_batches).
\set b random(0, 19)
SELECT event_definitions.ingest_events(1, b.events) IS NOT NULL FROM bench.ingest_batches b WHERE b.batch = :b;
