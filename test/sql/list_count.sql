-- list_event_definitions: the count of an unfiltered page comes from the
-- counts the definitions' trigger keeps (definition_counts); it must equal
-- count(*) of the rows after every kind of write.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_list_count_reader;
RESET client_min_messages;
SELECT event_definitions.upsert_project(9601, 'Counted') ->> 'name';
SELECT event_definitions.upsert_project(9602, 'Other') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 9611, "first_name": "Cora"}') ->> 'first_name';
SELECT event_definitions.add_project_member(9601, 9611);
SELECT event_definitions.add_project_member(9602, 9611);
SET event_definitions.user_id = '9611';
-- the list's count (unfiltered, and filtered: counted from the rows), the
-- rows, and the sum of the counts
CREATE FUNCTION public.list_count_counts(p bigint) RETURNS text LANGUAGE sql AS $$
	SELECT format('list %s, filtered %s, rows %s, counts %s',
		event_definitions.list_event_definitions(p) -> 'count',
		event_definitions.list_event_definitions(p, exclude_hidden => true) -> 'count',
		(SELECT count(*) FROM event_definitions_private.event_definitions d WHERE d.project_id = p),
		(SELECT sum(n) FROM event_definitions_private.definition_counts c WHERE c.project_id = p))
$$;
SELECT public.list_count_counts(9601) AS empty;
-- created through the API, inserted directly, by ingestion (one and a batch)
SELECT event_definitions.create_event_definition(9601, '{"name": "created"}') ->> 'name';
INSERT INTO event_definitions_private.event_definitions (project_id, name)
SELECT 9601, 'direct_' || i FROM generate_series(1, 25) i;
SELECT event_definitions.ingest_event(9601, 'ingested', '{}') ->> 'accepted';
SELECT event_definitions.ingest_events(9601, '[{"event": "batch_1"}, {"event": "batch_2"}, {"event": "batch_1"},
	{"event": "ingested"}, {"event": "created"}]') ->> 'accepted';
-- a name already there adds nothing
INSERT INTO event_definitions_private.event_definitions (project_id, name) VALUES (9601, 'created')
ON CONFLICT (project_id, name) DO NOTHING;
SELECT public.list_count_counts(9601) AS after_inserts;
-- deleted one by one, in bulk, directly
SELECT event_definitions.delete_event_definition(9601,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 9601 AND name = 'created'));
SELECT event_definitions.bulk_delete_event_definitions(9601, json_build_object('ids',
	(SELECT json_agg(id) FROM event_definitions_private.event_definitions
	 WHERE project_id = 9601 AND name IN ('direct_1', 'direct_2', 'direct_3')))) -> 'skipped';
DELETE FROM event_definitions_private.event_definitions WHERE project_id = 9601 AND name LIKE 'direct\_2_';
SELECT public.list_count_counts(9601) AS after_deletes;
-- moved to another project (both counts follow), and a rolled-back insert counts nothing
UPDATE event_definitions_private.event_definitions SET project_id = 9602 WHERE project_id = 9601 AND name LIKE 'direct\__';
UPDATE event_definitions_private.event_definitions SET description = 'x' WHERE project_id = 9601;
BEGIN;
INSERT INTO event_definitions_private.event_definitions (project_id, name) VALUES (9601, 'rolled_back');
SELECT public.list_count_counts(9601) AS in_transaction;
ROLLBACK;
SELECT public.list_count_counts(9601) AS after_move, public.list_count_counts(9602) AS other_after_move;
-- a reader sees the same count, through row-level security
CREATE ROLE regress_list_count_reader LOGIN;
GRANT event_definitions_reader TO regress_list_count_reader;
UPDATE event_definitions_private.users SET login_role = 'regress_list_count_reader' WHERE id = 9611;
SELECT current_user AS superuser_name \gset
\c - regress_list_count_reader
SELECT event_definitions.list_event_definitions(9601) -> 'count' AS reader_count;
SELECT count(*) AS counts_rows_visible_elsewhere FROM event_definitions_private.definition_counts
WHERE project_id NOT IN (9601, 9602);
\c - :superuser_name
SET event_definitions.user_id = '9611';
-- counts that are missing altogether (say, a restore with triggers off): the rows are counted
DELETE FROM event_definitions_private.definition_counts WHERE project_id = 9601;
SELECT event_definitions.list_event_definitions(9601) -> 'count' AS count_without_counts;
INSERT INTO event_definitions_private.definition_counts
SELECT 9601, 0, count(*) FROM event_definitions_private.event_definitions WHERE project_id = 9601;
-- TRUNCATE empties the counts (rolled back: the database is shared)
BEGIN;
TRUNCATE event_definitions_private.event_definitions CASCADE;
SELECT count(*) AS counts_after_truncate FROM event_definitions_private.definition_counts;
ROLLBACK;
-- a deleted project takes its counts along
SELECT event_definitions.upsert_project(9603, 'Gone') ->> 'name';
INSERT INTO event_definitions_private.event_definitions (project_id, name) VALUES (9603, 'a'), (9603, 'b');
SELECT sum(n) AS counts_before FROM event_definitions_private.definition_counts WHERE project_id = 9603;
DELETE FROM event_definitions_private.projects WHERE project_id = 9603;
SELECT count(*) AS counts_after FROM event_definitions_private.definition_counts WHERE project_id = 9603;
SELECT public.list_count_counts(9601) AS finally, public.list_count_counts(9602) AS other_finally;

RESET event_definitions.user_id;
DELETE FROM event_definitions_private.projects WHERE project_id IN (9601, 9602);
DELETE FROM event_definitions_private.users WHERE id = 9611;
DROP FUNCTION public.list_count_counts(bigint);
DROP ROLE regress_list_count_reader;
