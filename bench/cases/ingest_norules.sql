-- The same batches in project 10, whose properties carry no rules.
\set b random(0, 4)
SELECT event_definitions.ingest_events(10, b.events) IS NOT NULL FROM bench.rules_batches b WHERE b.project = 10 AND b.batch = :b;
