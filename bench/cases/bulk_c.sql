-- n counts this client's transactions (tools/bench passes -D n=-1): call n
-- adds "bench" to block n/2 when n is even and removes it when n is odd.
\set n :n + 1
\set block (:n / 2) % 150
\set phase :n % 2
SELECT event_definitions.bulk_update_tags(1, b.body) FROM bench.bulk_bodies b WHERE b.block = :block AND b.phase = :phase;
