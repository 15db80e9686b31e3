-- bulk_update_verified over the blocks of bulk_c.sql: verify, then unverify
\set n :n + 1
\set block (:n / 2) % 150
\set phase :n % 2
SELECT event_definitions.bulk_update_verified(1, b.body) FROM bench.verified_bodies b WHERE b.block = :block AND b.phase = :phase;
