/* event_definitions--1.2--1.3.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION event_definitions UPDATE TO '1.3'" to load this file. \quit

SET LOCAL search_path TO pg_catalog, pg_temp;

/*
 * Writes run as the extension's owner, never as the caller: the roles keep
 * no write privilege on the tables (a writer could otherwise LOCK any of
 * them and stall every project), and the trigger that refused direct
 * writes goes with the privileges.  Reads keep SELECT, under row-level
 * security.
 */
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA event_definitions_private
	FROM event_definitions_reader, event_definitions_writer, event_definitions_admin;
DO $guard$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['event_definitions', 'property_groups', 'property_group_properties',
							 'event_schemas', 'activity_log', 'event_usage']
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER guard_write ON event_definitions_private.%I', t);
	END LOOP;
END
$guard$;
DROP FUNCTION event_definitions_private.guard_write();

/*
 * The acting identity belongs to the principal whose rights a call uses:
 * inside a SECURITY DEFINER function, that function's owner, not the
 * caller's login.  acting_user_id() runs as the caller to see which; the
 * identity is computed in C as the extension's owner, so nothing calls
 * visible_projects() any more.
 */
CREATE OR REPLACE FUNCTION event_definitions_private.acting_user_id() RETURNS integer
AS 'MODULE_PATHNAME', 'ed_acting_user_id_1_3'
LANGUAGE C STABLE SECURITY INVOKER PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions_private.acting_user_id() IS
	'The acting user: the JWT claim user_id or the setting event_definitions.user_id when the principal (the login role, or the owner of the SECURITY DEFINER function running) is a superuser, gateway or admin, else the user whose login_role the principal is';
DROP FUNCTION event_definitions_private.visible_projects();

/*
 * Argument types that take any spelling, so that PostHog's answer for a
 * malformed value (a 404 for an id that is not a UUID, a clamped limit) is
 * the extension's to give, over PostgREST too: an implicit cast makes a
 * uuid, an integer or a json value of a caller what it always was.  Each is
 * stored as text (textin/textout), and read by the C functions.
 */
CREATE TYPE event_definitions_private.any_id;
CREATE FUNCTION event_definitions_private.any_id_in(cstring) RETURNS event_definitions_private.any_id
AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.any_id_out(event_definitions_private.any_id) RETURNS cstring
AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.any_id_recv(internal) RETURNS event_definitions_private.any_id
AS 'textrecv' LANGUAGE internal STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.any_id_send(event_definitions_private.any_id) RETURNS bytea
AS 'textsend' LANGUAGE internal STABLE STRICT PARALLEL SAFE;
CREATE TYPE event_definitions_private.any_id (
	INPUT = event_definitions_private.any_id_in, OUTPUT = event_definitions_private.any_id_out,
	RECEIVE = event_definitions_private.any_id_recv, SEND = event_definitions_private.any_id_send,
	LIKE = pg_catalog.text, CATEGORY = 'S');
COMMENT ON TYPE event_definitions_private.any_id IS
	'An id argument as given: a uuid in any spelling the uuid type reads, or any other text, which finds nothing (404)';
CREATE CAST (pg_catalog.uuid AS event_definitions_private.any_id) WITH INOUT AS IMPLICIT;
CREATE CAST (pg_catalog.text AS event_definitions_private.any_id) WITHOUT FUNCTION AS IMPLICIT;

CREATE TYPE event_definitions_private.any_integer;
CREATE FUNCTION event_definitions_private.any_integer_in(cstring) RETURNS event_definitions_private.any_integer
AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.any_integer_out(event_definitions_private.any_integer) RETURNS cstring
AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.any_integer_recv(internal) RETURNS event_definitions_private.any_integer
AS 'textrecv' LANGUAGE internal STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.any_integer_send(event_definitions_private.any_integer) RETURNS bytea
AS 'textsend' LANGUAGE internal STABLE STRICT PARALLEL SAFE;
CREATE TYPE event_definitions_private.any_integer (
	INPUT = event_definitions_private.any_integer_in, OUTPUT = event_definitions_private.any_integer_out,
	RECEIVE = event_definitions_private.any_integer_recv, SEND = event_definitions_private.any_integer_send,
	LIKE = pg_catalog.text, CATEGORY = 'S');
COMMENT ON TYPE event_definitions_private.any_integer IS
	'A paging argument as given: an integer of any size (PostHog clamps it), or text that PostHog''s validation rejects (400)';
CREATE CAST (pg_catalog.int4 AS event_definitions_private.any_integer) WITH INOUT AS IMPLICIT;
CREATE CAST (pg_catalog.int8 AS event_definitions_private.any_integer) WITH INOUT AS IMPLICIT;
CREATE CAST (pg_catalog.numeric AS event_definitions_private.any_integer) WITH INOUT AS IMPLICIT;
CREATE CAST (pg_catalog.text AS event_definitions_private.any_integer) WITHOUT FUNCTION AS IMPLICIT;

CREATE TYPE event_definitions_private.json_list;
CREATE FUNCTION event_definitions_private.json_list_in(cstring) RETURNS event_definitions_private.json_list
AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.json_list_out(event_definitions_private.json_list) RETURNS cstring
AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.json_list_recv(internal) RETURNS event_definitions_private.json_list
AS 'textrecv' LANGUAGE internal STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION event_definitions_private.json_list_send(event_definitions_private.json_list) RETURNS bytea
AS 'textsend' LANGUAGE internal STABLE STRICT PARALLEL SAFE;
CREATE TYPE event_definitions_private.json_list (
	INPUT = event_definitions_private.json_list_in, OUTPUT = event_definitions_private.json_list_out,
	RECEIVE = event_definitions_private.json_list_recv, SEND = event_definitions_private.json_list_send,
	LIKE = pg_catalog.text, CATEGORY = 'S');
COMMENT ON TYPE event_definitions_private.json_list IS
	'A list argument as given: JSON text (["a","b"]), or an array literal ({a,b}) as postgrest-js writes arrays in a query string';
CREATE CAST (pg_catalog.json AS event_definitions_private.json_list) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (pg_catalog.jsonb AS event_definitions_private.json_list) WITH INOUT AS IMPLICIT;
CREATE CAST (pg_catalog.text AS event_definitions_private.json_list) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (pg_catalog.text[] AS event_definitions_private.json_list) WITH INOUT AS IMPLICIT;

COMMENT ON FUNCTION event_definitions_private.any_id_in(cstring) IS 'Input function of type any_id (textin)';
COMMENT ON FUNCTION event_definitions_private.any_id_out(event_definitions_private.any_id) IS 'Output function of type any_id (textout)';
COMMENT ON FUNCTION event_definitions_private.any_id_recv(internal) IS 'Binary input function of type any_id (textrecv)';
COMMENT ON FUNCTION event_definitions_private.any_id_send(event_definitions_private.any_id) IS 'Binary output function of type any_id (textsend)';
COMMENT ON FUNCTION event_definitions_private.any_integer_in(cstring) IS 'Input function of type any_integer (textin)';
COMMENT ON FUNCTION event_definitions_private.any_integer_out(event_definitions_private.any_integer) IS 'Output function of type any_integer (textout)';
COMMENT ON FUNCTION event_definitions_private.any_integer_recv(internal) IS 'Binary input function of type any_integer (textrecv)';
COMMENT ON FUNCTION event_definitions_private.any_integer_send(event_definitions_private.any_integer) IS 'Binary output function of type any_integer (textsend)';
COMMENT ON FUNCTION event_definitions_private.json_list_in(cstring) IS 'Input function of type json_list (textin)';
COMMENT ON FUNCTION event_definitions_private.json_list_out(event_definitions_private.json_list) IS 'Output function of type json_list (textout)';
COMMENT ON FUNCTION event_definitions_private.json_list_recv(internal) IS 'Binary input function of type json_list (textrecv)';
COMMENT ON FUNCTION event_definitions_private.json_list_send(event_definitions_private.json_list) IS 'Binary output function of type json_list (textsend)';

/*
 * The functions whose arguments take these types are made again (their
 * signatures change); every function of the API now pins search_path, so
 * nothing of a caller's schemas (an operator, a type, a domain in pg_temp)
 * runs inside them, and carries its PARALLEL label: reads are safe in a
 * parallel worker, writes unsafe.
 */
DROP FUNCTION event_definitions.list_event_definitions(bigint, integer, integer, text, text, text, boolean, json, text, json, boolean);
CREATE FUNCTION event_definitions.list_event_definitions(
	project_id bigint,
	"limit" event_definitions_private.any_integer DEFAULT 100,
	"offset" event_definitions_private.any_integer DEFAULT 0,
	search text DEFAULT NULL,
	event_type text DEFAULT 'event',
	ordering text DEFAULT NULL,
	exclude_hidden boolean DEFAULT false,
	excluded_properties event_definitions_private.json_list DEFAULT NULL,
	names text DEFAULT NULL,
	tags event_definitions_private.json_list DEFAULT NULL,
	exclude_stale boolean DEFAULT false)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_list_event_definitions_1_3'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.list_event_definitions(bigint, event_definitions_private.any_integer, event_definitions_private.any_integer, text, text, text, boolean, event_definitions_private.json_list, text, event_definitions_private.json_list, boolean) IS
	'GET /event_definitions/: one page {count, next, previous, count_is_capped, results} with PostHog''s filters and ordering';

DROP FUNCTION event_definitions.retrieve_event_definition(bigint, uuid);
CREATE FUNCTION event_definitions.retrieve_event_definition(project_id bigint, id event_definitions_private.any_id)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_retrieve_event_definition'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.retrieve_event_definition(bigint, event_definitions_private.any_id) IS
	'GET /event_definitions/{id}/: one definition, or SQLSTATE PT404';

DROP FUNCTION event_definitions.update_event_definition(bigint, uuid, json);
CREATE FUNCTION event_definitions.update_event_definition(project_id bigint, id event_definitions_private.any_id, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_update_event_definition'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.update_event_definition(bigint, event_definitions_private.any_id, json) IS
	'PATCH /event_definitions/{id}/: partial update with PostHog''s verification rules; name is read-only';

DROP FUNCTION event_definitions.delete_event_definition(bigint, uuid);
CREATE FUNCTION event_definitions.delete_event_definition(project_id bigint, id event_definitions_private.any_id)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_delete_event_definition'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.delete_event_definition(bigint, event_definitions_private.any_id) IS
	'DELETE /event_definitions/{id}/: delete a definition, or SQLSTATE PT404';

DROP FUNCTION event_definitions.event_definition_metrics(bigint, uuid);
CREATE FUNCTION event_definitions.event_definition_metrics(project_id bigint, id event_definitions_private.any_id)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_event_definition_metrics'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.event_definition_metrics(bigint, event_definitions_private.any_id) IS
	'GET /event_definitions/{id}/metrics/: {"query_usage_30_day": n} from the usage table';

DROP FUNCTION event_definitions.retrieve_property_group(bigint, uuid);
CREATE FUNCTION event_definitions.retrieve_property_group(project_id bigint, id event_definitions_private.any_id)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_retrieve_property_group'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.retrieve_property_group(bigint, event_definitions_private.any_id) IS
	'One property group with its properties, or SQLSTATE PT404';

DROP FUNCTION event_definitions.update_property_group(bigint, uuid, json);
CREATE FUNCTION event_definitions.update_property_group(project_id bigint, id event_definitions_private.any_id, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_update_property_group'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.update_property_group(bigint, event_definitions_private.any_id, json) IS
	'Partial update of a property group; a "properties" list replaces the old one';

DROP FUNCTION event_definitions.delete_property_group(bigint, uuid);
CREATE FUNCTION event_definitions.delete_property_group(project_id bigint, id event_definitions_private.any_id)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_delete_property_group'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.delete_property_group(bigint, event_definitions_private.any_id) IS
	'Delete a property group (and detach it from every event), or SQLSTATE PT404';

DROP FUNCTION event_definitions.add_event_schema(bigint, uuid, uuid);
CREATE FUNCTION event_definitions.add_event_schema(project_id bigint, event_definition_id event_definitions_private.any_id,
												   property_group_id event_definitions_private.any_id)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_add_event_schema'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.add_event_schema(bigint, event_definitions_private.any_id, event_definitions_private.any_id) IS
	'Attach a property group to an event definition (idempotent)';

DROP FUNCTION event_definitions.remove_event_schema(bigint, uuid, uuid);
CREATE FUNCTION event_definitions.remove_event_schema(project_id bigint, event_definition_id event_definitions_private.any_id,
													  property_group_id event_definitions_private.any_id)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_remove_event_schema'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.remove_event_schema(bigint, event_definitions_private.any_id, event_definitions_private.any_id) IS
	'Detach a property group from an event definition, or SQLSTATE PT404 when it was not attached';

ALTER FUNCTION event_definitions.event_definition_by_name(bigint, text)
	PARALLEL SAFE SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions.promoted_properties(bigint, text[])
	PARALLEL SAFE SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions.event_definitions_typescript(bigint)
	PARALLEL SAFE SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions.event_definitions_python(bigint)
	PARALLEL SAFE SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions.event_definitions_golang(bigint)
	PARALLEL SAFE SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions.list_property_groups(bigint)
	PARALLEL SAFE SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions_private.property_group_object(bigint, uuid) PARALLEL SAFE;
ALTER FUNCTION event_definitions_private.property_group_snapshot(bigint, uuid) PARALLEL SAFE;
ALTER FUNCTION event_definitions_private.policy_projects() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions_private.policy_users() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions_private.identity_changed() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION event_definitions_private.iso8601(timestamptz) SET search_path = pg_catalog, pg_temp;

/* the write functions already pin search_path; they are PARALLEL UNSAFE */
ALTER FUNCTION event_definitions.create_event_definition(bigint, json) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.record_event_usage(bigint, text, integer, date) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.ingest_event(bigint, text, jsonb, timestamptz) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.bulk_update_tags(bigint, json) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.bulk_update_verified(bigint, json) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.create_property_group(bigint, json) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.upsert_project(bigint, text) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.upsert_user(json) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.add_project_member(bigint, integer) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions.remove_project_member(bigint, integer) PARALLEL UNSAFE;
ALTER FUNCTION event_definitions_private.create_search_index() PARALLEL UNSAFE;

REVOKE ALL ON FUNCTION
	event_definitions.list_event_definitions(bigint, event_definitions_private.any_integer, event_definitions_private.any_integer, text, text, text, boolean, event_definitions_private.json_list, text, event_definitions_private.json_list, boolean),
	event_definitions.retrieve_event_definition(bigint, event_definitions_private.any_id),
	event_definitions.update_event_definition(bigint, event_definitions_private.any_id, json),
	event_definitions.delete_event_definition(bigint, event_definitions_private.any_id),
	event_definitions.event_definition_metrics(bigint, event_definitions_private.any_id),
	event_definitions.retrieve_property_group(bigint, event_definitions_private.any_id),
	event_definitions.update_property_group(bigint, event_definitions_private.any_id, json),
	event_definitions.delete_property_group(bigint, event_definitions_private.any_id),
	event_definitions.add_event_schema(bigint, event_definitions_private.any_id, event_definitions_private.any_id),
	event_definitions.remove_event_schema(bigint, event_definitions_private.any_id, event_definitions_private.any_id),
	event_definitions_private.any_id_in(cstring), event_definitions_private.any_id_out(event_definitions_private.any_id),
	event_definitions_private.any_id_recv(internal), event_definitions_private.any_id_send(event_definitions_private.any_id),
	event_definitions_private.any_integer_in(cstring), event_definitions_private.any_integer_out(event_definitions_private.any_integer),
	event_definitions_private.any_integer_recv(internal), event_definitions_private.any_integer_send(event_definitions_private.any_integer),
	event_definitions_private.json_list_in(cstring), event_definitions_private.json_list_out(event_definitions_private.json_list),
	event_definitions_private.json_list_recv(internal), event_definitions_private.json_list_send(event_definitions_private.json_list)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	event_definitions.list_event_definitions(bigint, event_definitions_private.any_integer, event_definitions_private.any_integer, text, text, text, boolean, event_definitions_private.json_list, text, event_definitions_private.json_list, boolean),
	event_definitions.retrieve_event_definition(bigint, event_definitions_private.any_id),
	event_definitions.event_definition_metrics(bigint, event_definitions_private.any_id),
	event_definitions.retrieve_property_group(bigint, event_definitions_private.any_id),
	event_definitions_private.any_id_in(cstring), event_definitions_private.any_id_out(event_definitions_private.any_id),
	event_definitions_private.any_id_recv(internal), event_definitions_private.any_id_send(event_definitions_private.any_id),
	event_definitions_private.any_integer_in(cstring), event_definitions_private.any_integer_out(event_definitions_private.any_integer),
	event_definitions_private.any_integer_recv(internal), event_definitions_private.any_integer_send(event_definitions_private.any_integer),
	event_definitions_private.json_list_in(cstring), event_definitions_private.json_list_out(event_definitions_private.json_list),
	event_definitions_private.json_list_recv(internal), event_definitions_private.json_list_send(event_definitions_private.json_list)
TO event_definitions_reader;
GRANT EXECUTE ON FUNCTION
	event_definitions.update_event_definition(bigint, event_definitions_private.any_id, json),
	event_definitions.delete_event_definition(bigint, event_definitions_private.any_id),
	event_definitions.update_property_group(bigint, event_definitions_private.any_id, json),
	event_definitions.delete_property_group(bigint, event_definitions_private.any_id),
	event_definitions.add_event_schema(bigint, event_definitions_private.any_id, event_definitions_private.any_id),
	event_definitions.remove_event_schema(bigint, event_definitions_private.any_id, event_definitions_private.any_id)
TO event_definitions_writer;

/*
 * The change feed names no names and carries no values: LISTEN needs no
 * privilege, so every login hears it.  Listeners read the row through the
 * API, under row-level security.
 */
CREATE OR REPLACE FUNCTION event_definitions_private.notify_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pg_catalog.pg_notify('event_definitions', pg_catalog.json_build_object(
		'project_id', NEW.project_id,
		'scope', NEW.scope,
		'id', NEW.item_id,
		'action', NEW.activity,
		'fields', (SELECT COALESCE(pg_catalog.json_agg(c OPERATOR(pg_catalog.->>) 'field'), '[]'::json)
				   FROM pg_catalog.jsonb_array_elements(NEW.detail OPERATOR(pg_catalog.->) 'changes') AS c))::text);
	RETURN NULL;
END
$$;

NOTIFY pgrst, 'reload schema';
