-- Name search with pg_trgm (version 1.1): create_search_index() builds a
-- trigram index once pg_trgm is installed, the list's search predicate can
-- use it, and results are the same with and without it.
SELECT event_definitions.upsert_project(9971, 'search') IS NOT NULL AS project;
INSERT INTO event_definitions_private.event_definitions (project_id, name)
SELECT 9971, (ARRAY['checkout', 'signup', 'Page View', 'ÉVÉNEMENT spécial'])[1 + g % 4] || '_' || g
FROM generate_series(1, 400) g;
CREATE FUNCTION pg_temp.names(r jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT r ->> 'count' || ': ' || COALESCE(string_agg(e ->> 'name', ', ' ORDER BY o), '')
	FROM jsonb_array_elements(r -> 'results') WITH ORDINALITY AS t(e, o)
$$;
-- without the index (pg_trgm not installed yet): the function says so
SELECT event_definitions_private.create_search_index() AS created_without_pg_trgm;
SELECT pg_temp.names(event_definitions.list_event_definitions(9971, 5, search => 'page vi 1')) AS before;
SELECT pg_temp.names(event_definitions.list_event_definitions(9971, 5, search => 'événement 3')) AS before_unicode;

CREATE EXTENSION pg_trgm;
SELECT event_definitions_private.create_search_index() AS created;
SELECT indexdef FROM pg_indexes WHERE indexname = 'event_definitions_name_search_idx';
-- the predicate the list sends matches the index (shown alone, as the project's own
-- index would win on this small table)
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT 1 FROM event_definitions_private.event_definitions d
WHERE d.name COLLATE "default" OPERATOR(pg_catalog.~~*) '%page vi%'::text;
RESET enable_seqscan;
-- same answers with the index
SELECT pg_temp.names(event_definitions.list_event_definitions(9971, 5, search => 'page vi 1')) AS after;
SELECT pg_temp.names(event_definitions.list_event_definitions(9971, 5, search => 'événement 3')) AS after_unicode;
-- idempotent
SET client_min_messages = warning;
SELECT event_definitions_private.create_search_index() AS again;
RESET client_min_messages;
-- only admins may build it
SELECT has_function_privilege('event_definitions_writer', 'event_definitions_private.create_search_index()', 'EXECUTE') AS writer_may,
       has_function_privilege('event_definitions_admin', 'event_definitions_private.create_search_index()', 'EXECUTE') AS admin_may;

DROP INDEX event_definitions_private.event_definitions_name_search_idx;
DROP EXTENSION pg_trgm;
DELETE FROM event_definitions_private.projects WHERE project_id = 9971;
