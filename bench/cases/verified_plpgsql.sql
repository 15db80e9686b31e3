-- as verified_c.sql, through the plpgsql baseline
\set n :n + 1
\set block (:n / 2) % 150
\set phase :n % 2
SELECT bench.bulk_update_verified_plpgsql(1, b.body) FROM bench.verified_bodies b WHERE b.block = :block AND b.phase = :phase;
