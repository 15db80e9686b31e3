-- A batch of 1,000 events of project 9: 10 properties each, every one with a value rule.
\set b random(0, 4)
SELECT event_definitions.ingest_events(9, b.events) IS NOT NULL FROM bench.rules_batches b WHERE b.project = 9 AND b.batch = :b;
