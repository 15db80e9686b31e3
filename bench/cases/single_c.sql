-- The rows of bulk_c.sql's blocks, one call each: 500 adds over a block,
-- then 500 removes.
\set n :n + 1
\set j ((:n / 1000) % 150) * 500 + :n % 500
\set phase (:n / 500) % 2
SELECT event_definitions.update_event_definition(1, md5('1-' || (:j::integer + :j::integer / 3 + 1))::uuid,
	CASE WHEN :phase::integer = 0 THEN '{"tags": ["bench"]}' ELSE '{"tags": []}' END::json);
