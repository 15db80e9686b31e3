-- Parallel plans: the view, its row-level security and the read functions
-- work in a parallel query, as a writer login (policies active), the way
-- PostgREST's count=exact reads the view.  The plan is forced parallel
-- here, whatever the server's settings.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_parallel_writer;
RESET client_min_messages;
SELECT current_user AS superuser_name \gset
CREATE ROLE regress_parallel_writer LOGIN IN ROLE event_definitions_writer;
SELECT event_definitions.upsert_project(9951, 'Parallel') ->> 'name' AS p1,
	   event_definitions.upsert_project(9952, 'Other') ->> 'name' AS p2;
SELECT event_definitions.upsert_user('{"id": 9961, "first_name": "P", "login_role": "regress_parallel_writer"}') ->> 'id' AS writer;
SELECT event_definitions.add_project_member(9951, 9961);
INSERT INTO event_definitions_private.event_definitions (project_id, name, owner_id, tags, last_seen_at)
SELECT p, 'event_' || g, CASE WHEN p = 9951 AND g % 7 = 0 THEN 9961 END, ARRAY['t' || g % 5],
	   '2024-01-01Z'::timestamptz + g * interval '1 minute'
FROM generate_series(1, 20000) g, (VALUES (9951), (9952)) v(p);
ANALYZE event_definitions_private.event_definitions;

\c - regress_parallel_writer
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SET enable_indexonlyscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM event_definitions.event_definitions WHERE project_id = 9951;
SELECT count(*) FROM event_definitions.event_definitions WHERE project_id = 9951;
-- the other project stays invisible in a parallel plan too
SELECT count(*) FROM event_definitions.event_definitions;
SELECT count(*) FILTER (WHERE owner IS NOT NULL) AS owned, count(DISTINCT tags) AS tag_sets,
	   min(last_seen_at) AS first_seen
FROM event_definitions.event_definitions WHERE project_id = 9951;
-- PostgREST's count=exact over the view, in a parallel plan
SELECT (SELECT pg_catalog.count(*) FROM (SELECT 1 FROM event_definitions.event_definitions
		WHERE project_id = 9951) pgrst_source_count) AS total_result_set;
-- the read functions, called from a parallel query
SELECT count(*) AS by_name_calls, count(*) FILTER (WHERE r ->> 'name' = 'event_' || g) AS answered
FROM generate_series(1, 50) g, LATERAL (SELECT event_definitions.event_definition_by_name(9951, 'event_' || g)) AS x(r);

\c - :superuser_name
DELETE FROM event_definitions_private.event_definitions WHERE project_id IN (9951, 9952);
DELETE FROM event_definitions_private.projects WHERE project_id IN (9951, 9952);
DELETE FROM event_definitions_private.users WHERE id = 9961;
DROP ROLE regress_parallel_writer;
