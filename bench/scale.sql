-- Project 8, the project at scale: :scale_rows definitions named
-- <object>_<verb>_<n> (bench.event_name), generated like project 1, then
-- VACUUM ANALYZE, pg_trgm and the search index.  Run by tools/bench before
-- the first group of cases with the hook "scale" (BENCH_SCALE_ROWS, 0 skips
-- it).  Prints one line: the seconds of the load, the VACUUM ANALYZE and
-- the index build, the size of the table with its indexes and of the
-- trigram index.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT clock_timestamp() AS t_start \gset
SELECT event_definitions.upsert_project(8, 'Bench project 8') \g /dev/null
SELECT event_definitions.add_project_member(8, u) FROM generate_series(2, 5) u \g /dev/null
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, created_at, last_seen_at, description, owner_id, created_by_id, updated_by_id,
	 updated_at, verified, verified_at, verified_by_id, hidden, tags)
SELECT 8, md5('8-' || i)::uuid, bench.event_name(i),
	   timestamptz '2024-01-01 00:00:00+00' + i * interval '11 seconds',
	   CASE WHEN i % 17 <> 0
			THEN timestamptz '2025-06-30 12:00:00+00' - ((i * 7919) % 120) * interval '1 day'
				 - (i % 43200) * interval '1 second' END,
	   CASE WHEN i % 3 = 0 THEN 'Description of event ' || i ELSE '' END,
	   CASE WHEN i % 7 = 0 THEN 1 + i % 5 END,
	   1 + i % 5, 1 + (i + 1) % 5,
	   timestamptz '2025-07-01 00:00:00+00' + i * interval '1 second',
	   i % 11 = 0,
	   CASE WHEN i % 11 = 0 THEN timestamptz '2025-07-02 00:00:00+00' END,
	   CASE WHEN i % 11 = 0 THEN 1 + (i + 2) % 5 END,
	   i % 13 = 0 AND i % 11 <> 0,
	   CASE WHEN i % 4 = 0 THEN (ARRAY['{pii}', '{core,revenue}', '{marketing}', '{core}'])[1 + (i / 4) % 4]::text[]
			ELSE '{}' END
FROM generate_series(1::bigint, :scale_rows) i;
SELECT clock_timestamp() AS t_loaded \gset
VACUUM ANALYZE event_definitions_private.event_definitions;
SELECT clock_timestamp() AS t_vacuumed \gset
CREATE EXTENSION pg_trgm;
SELECT event_definitions_private.create_search_index() \g /dev/null
SELECT clock_timestamp() AS t_indexed \gset

-- project 8 is listed by name with a capped count, and the search finds
DO $$
DECLARE
	large jsonb := event_definitions.list_event_definitions(8);
	found jsonb := event_definitions.list_event_definitions(8, search => 'completed_4243');
BEGIN
	IF (large ->> 'count')::int <> 10000 OR NOT (large ->> 'count_is_capped')::boolean
	   OR jsonb_array_length(large -> 'results') <> 100
	   OR ARRAY(SELECT r ->> 'name' FROM jsonb_array_elements(large -> 'results') r)
		  IS DISTINCT FROM ARRAY(SELECT d.name FROM event_definitions_private.event_definitions d
								 WHERE d.project_id = 8 ORDER BY d.name LIMIT 100) THEN
		RAISE EXCEPTION 'project 8 is not listed by name with a capped count: %', large - 'results';
	END IF;
	IF (found ->> 'count')::int NOT BETWEEN 1 AND 99 OR (found ->> 'count_is_capped')::boolean
	   OR EXISTS (SELECT FROM jsonb_array_elements(found -> 'results') r
				  WHERE strpos(r ->> 'name', 'completed_4243') = 0) THEN
		RAISE EXCEPTION 'unexpected search result in project 8: %', found - 'results';
	END IF;
END
$$;

SELECT concat_ws(E'\t',
	round(extract(epoch FROM :'t_loaded'::timestamptz - :'t_start'::timestamptz), 1),
	round(extract(epoch FROM :'t_vacuumed'::timestamptz - :'t_loaded'::timestamptz), 1),
	round(extract(epoch FROM :'t_indexed'::timestamptz - :'t_vacuumed'::timestamptz), 1),
	pg_size_pretty(pg_total_relation_size('event_definitions_private.event_definitions')),
	pg_size_pretty(pg_relation_size('event_definitions_private.event_definitions_name_search_idx')));
