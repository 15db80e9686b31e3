-- Concurrent bulk updates over overlapping windows (bench.bulk_overlap):
-- each client picks a random window per call and alternates add / remove.
\set n :n + 1
\set w random(0, 39)
\set phase :n % 2
SELECT event_definitions.bulk_update_tags(1, b.body) FROM bench.bulk_overlap b WHERE b.win = :w AND b.phase = :phase;
