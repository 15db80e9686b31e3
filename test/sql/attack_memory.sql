-- Attack: arguments of many megabytes, from a reader and a writer login.
-- Every JSON (and list) argument is refused above 2.5 MB (PostHog's Django
-- limit) or 100,000 values with SQLSTATE PT413, which PostgREST answers
-- with HTTP 413, naming the limit; one backend's peak memory (VmHWM) grows
-- by at most 64 MB over a reader's calls, and a writer's call by at most 8 MB over
-- a built-in function given the same argument; an accepted argument just under the
-- limits costs a small multiple of its size.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_memory_reader, regress_memory_writer;
RESET client_min_messages;
SELECT current_user AS superuser_name \gset

CREATE ROLE regress_memory_reader LOGIN IN ROLE event_definitions_reader;
CREATE ROLE regress_memory_writer LOGIN IN ROLE event_definitions_writer;
SELECT event_definitions.upsert_project(9601, 'Memory') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 9611, "first_name": "R", "login_role": "regress_memory_reader"}') ->> 'id' AS reader,
	   event_definitions.upsert_user('{"id": 9612, "first_name": "W", "login_role": "regress_memory_writer"}') ->> 'id' AS writer;
SELECT event_definitions.add_project_member(9601, 9611), event_definitions.add_project_member(9601, 9612);
SELECT count(event_definitions.create_event_definition(9601, json_build_object('name', 'e' || g, 'tags', json_build_array('t')))) AS created
FROM generate_series(1, 50) g;

-- the calling backend's peak resident memory, in kB (for any login)
CREATE FUNCTION public.regress_memory_peak_kb() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
$$;
GRANT EXECUTE ON FUNCTION public.regress_memory_peak_kb() TO PUBLIC;
-- a try() every login can call: runs sql with $1 bound to arg (no copy
-- of the argument in a query text)
CREATE FUNCTION public.regress_memory_try(sql text, arg anyelement) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text;
BEGIN
	EXECUTE sql USING arg;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || ' | ' || det;
END $$;
GRANT EXECUTE ON FUNCTION public.regress_memory_try(text, anyelement) TO PUBLIC;

-- the arguments, made here (in another backend than the calls): ten
-- megabytes of JSON (a list of a million names) in each shape
CREATE TABLE public.regress_memory_big AS
SELECT (SELECT json_agg('n' || g) FROM generate_series(1, 1000000) g)::text AS list;
ALTER TABLE public.regress_memory_big ADD names text[], ADD create_body text, ADD update_body text,
	ADD tags_body text, ADD verified_body text, ADD group_body text, ADD properties text, ADD many_values text;
UPDATE public.regress_memory_big SET
	names = ARRAY(SELECT pg_catalog.json_array_elements_text(list::json)),
	create_body = json_build_object('name', 'x', 'tags', list::json)::text,
	update_body = json_build_object('default_columns', list::json)::text,
	tags_body = json_build_object('ids', '[]'::json, 'action', 'add', 'tags', list::json)::text,
	verified_body = json_build_object('ids', list::json, 'verified', true)::text,
	group_body = json_build_object('name', 'g', 'description', list)::text,
	properties = json_build_object('p', list::json)::text,
	many_values = json_build_object('name', 'x', 'default_columns', (SELECT json_agg(1) FROM generate_series(1, 200000)))::text;
SELECT length(list) > 10000000 AS ten_megabytes, array_length(names, 1) AS names
FROM public.regress_memory_big;
GRANT SELECT ON public.regress_memory_big TO PUBLIC;

-- as the reader: the list's json arguments, promoted_properties' names, the generators' project
\c - regress_memory_reader
SELECT public.regress_memory_peak_kb() AS start_kb \gset
SELECT public.regress_memory_try('SELECT event_definitions.list_event_definitions(9601, tags => $1)', list) AS tags_10mb
FROM public.regress_memory_big;
SELECT public.regress_memory_try('SELECT event_definitions.list_event_definitions(9601, excluded_properties => $1)', list) AS excluded_10mb
FROM public.regress_memory_big;
SELECT public.regress_memory_try('SELECT event_definitions.list_event_definitions(9601, names => $1)', list) AS names_10mb
FROM public.regress_memory_big;
SELECT public.regress_memory_try('SELECT event_definitions.list_event_definitions(9601, search => $1)', list) AS search_10mb
FROM public.regress_memory_big;
SELECT public.regress_memory_try('SELECT event_definitions.list_event_definitions(9601, ordering => $1)', list) AS ordering_10mb
FROM public.regress_memory_big;
SELECT public.regress_memory_try('SELECT event_definitions.promoted_properties(9601, $1)',
	names) AS promoted_10mb
FROM public.regress_memory_big;
SELECT public.regress_memory_peak_kb() - :start_kb < 64 * 1024 AS reader_peak_under_64mb;
-- just under the limits: a list of 90,000 names (0.9 MB), accepted at a
-- bounded cost (a query over an array of 90,000 values)
SELECT (SELECT json_agg('n' || g) FROM generate_series(1, 90000) g)::text AS under \gset
SELECT length(:'under') < 2621440 AS under_limit;
SELECT public.regress_memory_peak_kb() AS start_kb \gset
SELECT event_definitions.list_event_definitions(9601, tags => :'under') -> 'count' AS tags_under_limit;
SELECT event_definitions.list_event_definitions(9601, excluded_properties => :'under') -> 'count' AS excluded_under_limit;
SELECT public.regress_memory_peak_kb() - :start_kb < 48 * 1024 AS under_limit_peak_under_48mb;

-- as the writer: every body.  PostgreSQL itself holds a 10 MB argument
-- several times over before any function runs (the value read from the
-- row, the parameter, the json or jsonb input of the cast: about 50 MB for
-- json, 100 MB for jsonb), so each call is measured against a built-in
-- function given the same argument (its floor), each in a fresh backend:
-- the extension's call may raise the peak by at most 8 MB more
-- (include/memory_vs_floor.psql).
\c - regress_memory_writer
\getenv abs_srcdir PG_ABS_SRCDIR
\set floor 'SELECT pg_catalog.json_typeof($1::json)'
\set call 'SELECT event_definitions.create_event_definition(9601, $1::json)'
\set col create_body
\i :abs_srcdir/sql/include/memory_vs_floor.psql
SELECT format('SELECT event_definitions.update_event_definition(9601, %L, $1::json)',
	(SELECT id FROM event_definitions.event_definitions WHERE project_id = 9601 AND name = 'e1')) AS call \gset
\set col update_body
\i :abs_srcdir/sql/include/memory_vs_floor.psql
\set call 'SELECT event_definitions.bulk_update_tags(9601, $1::json)'
\set col tags_body
\i :abs_srcdir/sql/include/memory_vs_floor.psql
\set call 'SELECT event_definitions.bulk_update_verified(9601, $1::json)'
\set col verified_body
\i :abs_srcdir/sql/include/memory_vs_floor.psql
\set call 'SELECT event_definitions.create_property_group(9601, $1::json)'
\set col group_body
\i :abs_srcdir/sql/include/memory_vs_floor.psql
-- a body of many small values, under 2.5 MB: refused for its values
\set call 'SELECT event_definitions.create_event_definition(9601, $1::json)'
\set col many_values
\i :abs_srcdir/sql/include/memory_vs_floor.psql
\set floor 'SELECT pg_catalog.jsonb_typeof($1::jsonb)'
\set call 'SELECT event_definitions.ingest_event(9601, ''e1'', $1::jsonb)'
\set col properties
\i :abs_srcdir/sql/include/memory_vs_floor.psql

-- nothing was written
\c - :superuser_name
SELECT count(*) AS definitions, count(*) FILTER (WHERE name = 'x') AS named_x,
	   count(*) FILTER (WHERE verified) AS verified, count(*) FILTER (WHERE default_columns IS NOT NULL) AS with_columns
FROM event_definitions_private.event_definitions WHERE project_id = 9601;
SELECT count(*) AS groups FROM event_definitions_private.property_groups WHERE project_id = 9601;

DROP TABLE public.regress_memory_big;
DROP FUNCTION public.regress_memory_peak_kb(), public.regress_memory_try(text, anyelement);
DELETE FROM event_definitions_private.projects WHERE project_id = 9601;
DELETE FROM event_definitions_private.users WHERE id IN (9611, 9612);
DROP ROLE regress_memory_reader, regress_memory_writer;
