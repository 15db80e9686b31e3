-- The floor of bulk_c.sql: one raw UPDATE of the same block's 500 rows
-- (add "bench", then remove it), nothing checked, logged or answered.
\set n :n + 1
\set block (:n / 2) % 150
\set phase :n % 2
UPDATE event_definitions_private.event_definitions d
SET tags = CASE WHEN :phase = 0 THEN d.tags || '{bench}'::text[] ELSE array_remove(d.tags, 'bench') END
WHERE d.project_id = 1 AND d.id = ANY ((SELECT b.ids FROM bench.bulk_ids b WHERE b.block = :block)::uuid[]);
