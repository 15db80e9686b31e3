-- bulk_delete_event_definitions: API.md ({"ids": [...]}, at most 500 ->
-- {"deleted": [ids], "skipped": [{"id", "reason"}]}), on the bulk skeleton.
-- Project 9501 (ours), 9502 (another project); user 9511 (Wanda) writes
-- through a login role, user 9512 (Rita) only reads.
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_bulk_delete_writer;
DROP ROLE IF EXISTS regress_bulk_delete_reader;
RESET client_min_messages;
CREATE ROLE regress_bulk_delete_writer LOGIN;
GRANT event_definitions_writer TO regress_bulk_delete_writer;
CREATE ROLE regress_bulk_delete_reader LOGIN;
GRANT event_definitions_reader TO regress_bulk_delete_reader;
SELECT current_user AS superuser_name \gset

-- what a project holds: definitions, attached groups, usage, violations, log
CREATE FUNCTION public.bulk_delete_state(p bigint) RETURNS text
LANGUAGE sql AS $$
	SELECT concat_ws(' | ',
		'definitions ' || (SELECT string_agg(name, ',' ORDER BY name) FROM event_definitions_private.event_definitions
						   WHERE project_id = p),
		'schemas ' || (SELECT count(*) FROM event_definitions_private.event_schemas WHERE project_id = p),
		'usage ' || (SELECT string_agg(DISTINCT event_name, ',' ORDER BY event_name) FROM event_definitions_private.event_usage
					 WHERE project_id = p),
		'violations ' || (SELECT string_agg(DISTINCT event, ',' ORDER BY event) FROM event_definitions_private.ingestion_violations
						  WHERE project_id = p),
		'log ' || (SELECT count(*) FROM event_definitions_private.activity_log WHERE project_id = p))
$$;

SELECT event_definitions.upsert_project(9501, 'Ours') ->> 'name';
SELECT event_definitions.upsert_project(9502, 'Theirs') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 9511, "first_name": "Wanda", "login_role": "regress_bulk_delete_writer"}') ->> 'first_name';
SELECT event_definitions.upsert_user('{"id": 9512, "first_name": "Rita", "login_role": "regress_bulk_delete_reader"}') ->> 'first_name';
SELECT event_definitions.add_project_member(9501, 9511);
SELECT event_definitions.add_project_member(9501, 9512);

INSERT INTO event_definitions_private.event_definitions (project_id, id, name, description, tags, owner_id) VALUES
	(9501, 'e0000000-0000-4000-8000-000000000001', 'a_junk', 'Junk', '{pii}', 9511),
	(9501, 'e0000000-0000-4000-8000-000000000002', 'b_junk', '', '{}', NULL),
	(9501, 'e0000000-0000-4000-8000-000000000003', 'c_keep', '', '{}', NULL),
	(9501, 'e0000000-0000-4000-8000-000000000004', 'd_single', '', '{}', NULL),
	(9502, 'f0000000-0000-4000-8000-000000000001', 'foreign', '', '{}', NULL);
INSERT INTO event_definitions_private.property_groups (project_id, id, name)
VALUES (9501, 'e00000a0-0000-4000-8000-000000000001', 'Group');
INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id) VALUES
	(9501, 'e0000000-0000-4000-8000-000000000001', 'e00000a0-0000-4000-8000-000000000001'),
	(9501, 'e0000000-0000-4000-8000-000000000003', 'e00000a0-0000-4000-8000-000000000001');
INSERT INTO event_definitions_private.event_usage (project_id, event_name, day, count) VALUES
	(9501, 'a_junk', current_date, 3), (9501, 'b_junk', current_date, 1), (9501, 'c_keep', current_date, 2),
	(9501, 'no_definition', current_date, 5), (9502, 'a_junk', current_date, 7);
INSERT INTO event_definitions_private.ingestion_violations
	(project_id, event, property, violation, shard, count, first_seen, last_seen) VALUES
	(9501, 'a_junk', 'plan', 'type_mismatch', 1, 4, now(), now()),
	(9501, 'a_junk', 'plan', 'type_mismatch', 2, 1, now(), now()),
	(9501, 'c_keep', '', 'naming', 1, 1, now(), now()),
	(9502, 'a_junk', '', 'naming', 1, 1, now(), now());
SELECT public.bulk_delete_state(9501) AS ours, public.bulk_delete_state(9502) AS theirs;

-- as Wanda's login: two definitions go (one spelled in capitals, one repeated);
-- an unknown id, another project's id and a malformed id are skipped, each once
\c - regress_bulk_delete_writer
\i :abs_srcdir/sql/include/try_terse.psql
SELECT event_definitions.bulk_delete_event_definitions(9501, '{"ids": [
	"e0000000-0000-4000-8000-000000000002",
	"e0000000-0000-4000-8000-00000000beef",
	"E0000000-0000-4000-8000-000000000001",
	"f0000000-0000-4000-8000-000000000001",
	"not-a-uuid",
	"e0000000-0000-4000-8000-000000000002",
	"e0000000-0000-4000-8000-00000000beef",
	"not-a-uuid",
	"{e0000000-0000-4000-8000-000000000001}"]}');
-- deleting again finds nothing
SELECT event_definitions.bulk_delete_event_definitions(9501, '{"ids": ["e0000000-0000-4000-8000-000000000001"]}');
\c - :superuser_name
\i :abs_srcdir/sql/include/try_terse.psql
-- their schemas, usage and violations went with them; the rest stays
SELECT public.bulk_delete_state(9501) AS ours, public.bulk_delete_state(9502) AS theirs;
-- one 'deleted' entry per definition, by Wanda, in id order, as delete_event_definition writes it
SET event_definitions.user_id = '9511';
SELECT event_definitions.delete_event_definition(9501, 'e0000000-0000-4000-8000-000000000004');
RESET event_definitions.user_id;
SELECT a.item_id, a.activity, a.user_id, a.detail
FROM event_definitions_private.activity_log a WHERE a.project_id = 9501 ORDER BY a.id;
-- a definition made again under a deleted name starts without usage or violations
SET event_definitions.user_id = '9511';
SELECT event_definitions.create_event_definition(9501, '{"name": "a_junk"}') ->> 'name';
SELECT event_definitions.event_definition_metrics(9501, (SELECT id FROM event_definitions_private.event_definitions
														 WHERE project_id = 9501 AND name = 'a_junk'));
RESET event_definitions.user_id;
SELECT count(*) AS violations FROM event_definitions.ingestion_violations WHERE project_id = 9501 AND event = 'a_junk';

-- invalid requests are rejected (400) and delete nothing
SELECT public.bulk_delete_state(9501) AS before \gset
SET event_definitions.user_id = '9511';
SELECT pg_temp.try(format('SELECT event_definitions.bulk_delete_event_definitions(9501, %L)', b)) AS result
FROM (VALUES
	(1, json_build_object('ids', (SELECT json_agg('e0000000-0000-4000-8000-000000000003'::text) FROM generate_series(1, 501)))::text),
	(2, '{"ids": []}'),
	(3, '{}'),
	(4, '{"ids": null}'),
	(5, '{"ids": "e0000000-0000-4000-8000-000000000003"}'),
	(6, '{"ids": ["e0000000-0000-4000-8000-000000000003", 17]}'),
	(7, '{"ids": ["e0000000-0000-4000-8000-000000000003", null]}'),
	(8, '["e0000000-0000-4000-8000-000000000003"]'),
	(9, 'not json')
) AS t(n, b) ORDER BY n;
-- an unknown project is 404, whatever the body
SELECT pg_temp.try($$SELECT event_definitions.bulk_delete_event_definitions(9599, '{"ids": []}')$$);
SELECT public.bulk_delete_state(9501) = :'before' AS nothing_deleted;
-- 500 ids are allowed: repeats of one id delete it once
SELECT event_definitions.bulk_delete_event_definitions(9501,
	json_build_object('ids', (SELECT json_agg('e0000000-0000-4000-8000-000000000003'::text) FROM generate_series(1, 500))));
RESET event_definitions.user_id;

-- a reader may not call it, nor a writer outside the project (404, nothing deleted)
\c - regress_bulk_delete_reader
\i :abs_srcdir/sql/include/try_terse.psql
SELECT pg_temp.try(format($f$SELECT event_definitions.bulk_delete_event_definitions(9501, '{"ids": ["%s"]}')$f$,
	(SELECT v.id FROM event_definitions.event_definitions v WHERE v.project_id = 9501 AND v.name = 'a_junk')));
\c - regress_bulk_delete_writer
\i :abs_srcdir/sql/include/try_terse.psql
SELECT pg_temp.try($$SELECT event_definitions.bulk_delete_event_definitions(9502, '{"ids": ["f0000000-0000-4000-8000-000000000001"]}')$$);
\c - :superuser_name
\i :abs_srcdir/sql/include/try_terse.psql
SELECT public.bulk_delete_state(9501) AS ours, public.bulk_delete_state(9502) AS theirs;
-- its declaration
SELECT p.provolatile, p.proparallel, p.prosecdef, p.proconfig,
	   has_function_privilege('event_definitions_reader', p.oid, 'EXECUTE') AS reader,
	   has_function_privilege('event_definitions_writer', p.oid, 'EXECUTE') AS writer,
	   has_function_privilege('public', p.oid, 'EXECUTE') AS public
FROM pg_proc p WHERE p.oid = 'event_definitions.bulk_delete_event_definitions(bigint, json)'::regprocedure;

DROP FUNCTION public.bulk_delete_state(bigint);
DELETE FROM event_definitions_private.projects WHERE project_id IN (9501, 9502);
DELETE FROM event_definitions_private.users WHERE id IN (9511, 9512);
DROP OWNED BY regress_bulk_delete_writer;
DROP OWNED BY regress_bulk_delete_reader;
DROP ROLE regress_bulk_delete_writer;
DROP ROLE regress_bulk_delete_reader;
