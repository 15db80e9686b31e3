-- Attack: a confused deputy.  A writer of project 9801 writes a SECURITY
-- DEFINER function that calls the API, and a reader of project 9802 calls
-- it: the rights would be the writer's, the project scope the reader's
-- login.  The acting identity belongs to the principal whose rights the
-- call uses, the function's owner, so the function can reach only the
-- writer's own projects; the reader's project stays as it was.  PostgREST's
-- flow (a gateway login that SET ROLEs and names the user in its claims)
-- is unchanged.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS regress_deputy CASCADE;
DROP ROLE IF EXISTS regress_deputy_writer, regress_deputy_reader, regress_deputy_gw;
RESET client_min_messages;
SELECT current_user AS superuser_name \gset
CREATE ROLE regress_deputy_writer LOGIN IN ROLE event_definitions_writer;
CREATE ROLE regress_deputy_reader LOGIN IN ROLE event_definitions_reader;
CREATE ROLE regress_deputy_gw LOGIN NOINHERIT IN ROLE event_definitions_gateway, event_definitions_reader, event_definitions_writer;
SELECT event_definitions.upsert_project(9801, 'Writer''s') ->> 'name' AS p1,
	   event_definitions.upsert_project(9802, 'Reader''s') ->> 'name' AS p2;
SELECT event_definitions.upsert_user('{"id": 9811, "first_name": "Wanda", "login_role": "regress_deputy_writer"}') ->> 'id' AS writer,
	   event_definitions.upsert_user('{"id": 9812, "first_name": "Rita", "login_role": "regress_deputy_reader"}') ->> 'id' AS reader;
SELECT event_definitions.add_project_member(9801, 9811), event_definitions.add_project_member(9802, 9812);
CREATE SCHEMA regress_deputy AUTHORIZATION regress_deputy_writer;
GRANT USAGE ON SCHEMA regress_deputy TO regress_deputy_reader;
SET event_definitions.user_id = '9812';
SELECT event_definitions.create_event_definition(9802, '{"name": "readers_event"}') ->> 'name' AS fixture;
RESET event_definitions.user_id;
CREATE FUNCTION public.regress_deputy_try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text; st text; msg text;
BEGIN
	EXECUTE sql INTO r;
	RETURN COALESCE(r, 'ok');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ': ' || msg;
END $$;
GRANT EXECUTE ON FUNCTION public.regress_deputy_try(text) TO PUBLIC;

-- the writer's deputies: a write and a read of any project, with its rights
\c - regress_deputy_writer
CREATE FUNCTION regress_deputy.create_it(p bigint, name text) RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT event_definitions.create_event_definition(p, json_build_object('name', name)) ->> 'name'
$$;
CREATE FUNCTION regress_deputy.tag_them(p bigint, ids json) RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT event_definitions.bulk_update_tags(p, json_build_object('ids', ids,
		'action', 'set', 'tags', json_build_array('owned')))::text
$$;
CREATE FUNCTION regress_deputy.list_them(p bigint) RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT event_definitions.list_event_definitions(p) ->> 'count'
$$;
CREATE FUNCTION regress_deputy.acting() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT event_definitions_private.acting_user_id()
$$;
GRANT EXECUTE ON FUNCTION regress_deputy.create_it(bigint, text), regress_deputy.tag_them(bigint, json),
	regress_deputy.list_them(bigint), regress_deputy.acting() TO regress_deputy_reader;

-- the reader calls them on its own project: the writer's identity, which
-- has no access to it, so nothing is found and nothing is written
\c - regress_deputy_reader
SELECT event_definitions_private.acting_user_id() AS reader_acts_as,
	   regress_deputy.acting() AS deputy_acts_as;
SELECT public.regress_deputy_try('SELECT regress_deputy.create_it(9802, ''planted'')') AS create_in_readers_project;
SELECT public.regress_deputy_try(format('SELECT regress_deputy.tag_them(9802, %L)',
	(SELECT json_agg(id) FROM event_definitions.event_definitions WHERE project_id = 9802))) AS tag_readers_project;
SELECT public.regress_deputy_try('SELECT regress_deputy.list_them(9802)') AS list_readers_project;
-- and on the writer's project: what the writer could do itself, as itself
SELECT public.regress_deputy_try('SELECT regress_deputy.create_it(9801, ''by_deputy'')') AS create_in_writers_project;
-- the reader's own rights stay a reader's
SELECT public.regress_deputy_try('SELECT event_definitions.create_event_definition(9802, ''{"name": "x"}'') ->> ''name''') AS reader_writes;

-- PostgREST's flow: the gateway login SET ROLEs to the writer role and
-- names the user in its claims; that user's projects are reachable
\c - regress_deputy_gw
BEGIN;
SELECT set_config('role', 'event_definitions_writer', true) AS role,
	   set_config('request.jwt.claims', '{"role": "event_definitions_writer", "user_id": 9812}', true) IS NOT NULL AS claims;
SELECT event_definitions.create_event_definition(9802, '{"name": "through_gateway"}') ->> 'name' AS gateway_create;
SELECT public.regress_deputy_try('SELECT event_definitions.create_event_definition(9801, ''{"name": "x"}'') ->> ''name''') AS gateway_other_project;
COMMIT;

\c - :superuser_name
SELECT project_id, name, created_by_id FROM event_definitions_private.event_definitions
WHERE project_id IN (9801, 9802) ORDER BY 1, 2;
SELECT project_id, count(*) AS tagged FROM event_definitions_private.event_definitions
WHERE project_id IN (9801, 9802) AND tags <> '{}' GROUP BY 1 ORDER BY 1;
SET client_min_messages = warning;
DROP SCHEMA regress_deputy CASCADE;
RESET client_min_messages;
DROP FUNCTION public.regress_deputy_try(text);
DELETE FROM event_definitions_private.projects WHERE project_id IN (9801, 9802);
DELETE FROM event_definitions_private.users WHERE id IN (9811, 9812);
DROP ROLE regress_deputy_writer, regress_deputy_reader, regress_deputy_gw;
