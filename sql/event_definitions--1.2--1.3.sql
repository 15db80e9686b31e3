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

NOTIFY pgrst, 'reload schema';

/*
 * Governance: project settings, value rules on properties, the violations
 * log.  Ingestion keeps, per backend, what an event's checks need (its
 * definition, its properties and rules, the project's settings); every
 * change to any of that sends a relcache invalidation of project_settings
 * (the "ingestion configuration" relation), which tells every backend to
 * forget what it kept.
 */
CREATE TABLE event_definitions_private.project_settings (
	project_id				bigint PRIMARY KEY REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	event_name_pattern		text,
	property_name_pattern	text,
	stale_after_days		integer NOT NULL DEFAULT 30 CHECK (stale_after_days OPERATOR(pg_catalog.>=) 1),
	unplanned_events		text NOT NULL DEFAULT 'allow' CHECK (unplanned_events IN ('allow', 'flag', 'reject')),
	violation_examples		integer NOT NULL DEFAULT 5
							CHECK (violation_examples OPERATOR(pg_catalog.>=) 0 AND violation_examples OPERATOR(pg_catalog.<=) 100),
	updated_at				timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_by_id			integer REFERENCES event_definitions_private.users ON DELETE SET NULL
);
COMMENT ON TABLE event_definitions_private.project_settings IS
	'A project''s governance settings (naming patterns, staleness, unplanned events, violation examples); no row means the defaults';

ALTER TABLE event_definitions_private.property_group_properties
	ADD COLUMN rules jsonb,
	ADD COLUMN is_optional_in_types boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN event_definitions_private.property_group_properties.rules IS
	'Value rules (a JSON Schema subset: enum, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, minItems, maxItems, format), validated when written';
COMMENT ON COLUMN event_definitions_private.property_group_properties.is_optional_in_types IS
	'PostHog''s is_optional_in_types: a required property the generated types still mark optional';

CREATE TABLE event_definitions_private.ingestion_violations (
	project_id	bigint NOT NULL REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	event		text COLLATE "C" NOT NULL,
	property	text COLLATE "C" NOT NULL DEFAULT '',
	violation	text NOT NULL,
	shard		integer NOT NULL,
	count		bigint NOT NULL CHECK (count OPERATOR(pg_catalog.>) 0),
	first_seen	timestamptz NOT NULL,
	last_seen	timestamptz NOT NULL,
	examples	jsonb NOT NULL DEFAULT '[]',
	PRIMARY KEY (project_id, event, property, violation, shard)
);
COMMENT ON TABLE event_definitions_private.ingestion_violations IS
	'Violation counts of ingestion per (project, event, property, violation), one row per backend that counted (shard), so concurrent ingestion never waits on one row; read through the view event_definitions.ingestion_violations';
COMMENT ON COLUMN event_definitions_private.ingestion_violations.property IS
	'The property, or '''' for a violation of the event itself (naming, unplanned_event)';

SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.project_settings', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.ingestion_violations', '');

DO $rls$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['project_settings', 'ingestion_violations']
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE event_definitions_private.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('ALTER TABLE event_definitions_private.%I FORCE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format(
			'CREATE POLICY project_access ON event_definitions_private.%I '
			'USING ((project_id OPERATOR(pg_catalog.=) ANY ('
			'(SELECT event_definitions_private.policy_projects())::bigint[])) IS NOT FALSE)', t);
	END LOOP;
END
$rls$;
GRANT SELECT ON event_definitions_private.project_settings, event_definitions_private.ingestion_violations
	TO event_definitions_reader;

-- what ingestion keeps goes whenever what it was computed from changes
CREATE FUNCTION event_definitions_private.ingest_config_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'ed_ingest_config_changed'
LANGUAGE C
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions_private.ingest_config_changed() IS
	'Tells every backend to forget the definitions, properties, rules and settings its ingestion keeps';
CREATE TRIGGER ingest_config_changed
	AFTER UPDATE OF project_id, name, enforcement_mode OR DELETE OR TRUNCATE ON event_definitions_private.event_definitions
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.ingest_config_changed();
CREATE TRIGGER ingest_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_definitions_private.event_schemas
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.ingest_config_changed();
CREATE TRIGGER ingest_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_definitions_private.property_group_properties
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.ingest_config_changed();
CREATE TRIGGER ingest_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_definitions_private.project_settings
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.ingest_config_changed();
CREATE TRIGGER ingest_config_changed
	AFTER DELETE OR TRUNCATE ON event_definitions_private.projects
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.ingest_config_changed();
ALTER TABLE event_definitions_private.event_definitions ENABLE ALWAYS TRIGGER ingest_config_changed;
ALTER TABLE event_definitions_private.event_schemas ENABLE ALWAYS TRIGGER ingest_config_changed;
ALTER TABLE event_definitions_private.property_group_properties ENABLE ALWAYS TRIGGER ingest_config_changed;
ALTER TABLE event_definitions_private.project_settings ENABLE ALWAYS TRIGGER ingest_config_changed;
ALTER TABLE event_definitions_private.projects ENABLE ALWAYS TRIGGER ingest_config_changed;


-- at most n examples of the shards' lists, oldest shard first
CREATE FUNCTION event_definitions_private.first_examples(lists jsonb[], n integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(pg_catalog.jsonb_agg(x.value ORDER BY x.list_ord, x.item_ord), '[]'::jsonb)
	FROM (SELECT e.value, l.ord AS list_ord, e.ord AS item_ord,
				 pg_catalog.row_number() OVER (ORDER BY l.ord, e.ord) AS rank
		  FROM pg_catalog.unnest(lists) WITH ORDINALITY AS l(list, ord),
			   LATERAL pg_catalog.jsonb_array_elements(l.list) WITH ORDINALITY AS e(value, ord)) x
	WHERE x.rank OPERATOR(pg_catalog.<=) COALESCE(n, 5)
$$;
COMMENT ON FUNCTION event_definitions_private.first_examples(jsonb[], integer) IS
	'The first n examples of a violation''s per-shard example lists';

CREATE VIEW event_definitions.ingestion_violations WITH (security_invoker = true) AS
SELECT v.project_id, v.event, NULLIF(v.property, '') AS property, v.violation,
	   pg_catalog.sum(v.count)::bigint AS count,
	   pg_catalog.min(v.first_seen) AS first_seen, pg_catalog.max(v.last_seen) AS last_seen,
	   event_definitions_private.first_examples(pg_catalog.array_agg(v.examples ORDER BY v.first_seen, v.shard),
												pg_catalog.min(s.violation_examples)) AS examples
FROM event_definitions_private.ingestion_violations v
LEFT JOIN event_definitions_private.project_settings s ON s.project_id OPERATOR(pg_catalog.=) v.project_id
GROUP BY v.project_id, v.event, v.property, v.violation;
COMMENT ON VIEW event_definitions.ingestion_violations IS
	'What ingestion found wrong, per (project, event, property, violation): how often, first and last seen, and at most violation_examples example payloads';
GRANT SELECT ON event_definitions.ingestion_violations TO event_definitions_reader;

/*
 * Governance functions, and batch ingestion.
 */
CREATE FUNCTION event_definitions.project_settings(project_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_project_settings'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.project_settings(bigint) IS
	'The project''s governance settings: event_name_pattern, property_name_pattern, stale_after_days, unplanned_events, violation_examples';

CREATE FUNCTION event_definitions.update_project_settings(project_id bigint, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_update_project_settings'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.update_project_settings(bigint, json) IS
	'PATCH of the project''s governance settings, logged in the activity log with scope Project';

CREATE FUNCTION event_definitions.naming_violations(project_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_naming_violations'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.naming_violations(bigint) IS
	'The existing event names and property names that break the project''s naming patterns (a pattern set later changes nothing)';

CREATE FUNCTION event_definitions.ingest_events(project_id bigint, events jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_ingest_events'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.ingest_events(bigint, jsonb) IS
	'Batch ingestion of at most 10,000 {"event", "properties", "timestamp"}: ingest_event''s semantics per element, in one statement''s work -> {accepted, rejected, results}';

REVOKE ALL ON FUNCTION event_definitions.project_settings(bigint), event_definitions.update_project_settings(bigint, json),
	event_definitions.naming_violations(bigint), event_definitions.ingest_events(bigint, jsonb),
	event_definitions_private.ingest_config_changed(),
	event_definitions_private.first_examples(jsonb[], integer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_definitions.project_settings(bigint), event_definitions.naming_violations(bigint),
	event_definitions_private.first_examples(jsonb[], integer)
TO event_definitions_reader;
GRANT EXECUTE ON FUNCTION event_definitions.update_project_settings(bigint, json), event_definitions.ingest_events(bigint, jsonb)
TO event_definitions_writer;

-- A property group's properties show (and log) is_optional_in_types and rules.
CREATE OR REPLACE FUNCTION event_definitions_private.property_group_object(project_id bigint, id uuid)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'id', g.id,
		'name', g.name,
		'description', g.description,
		'properties', COALESCE((
			SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'id', p.id, 'name', p.name, 'property_type', p.property_type,
					'is_required', p.is_required, 'is_optional_in_types', p.is_optional_in_types,
					'description', p.description, 'rules', p.rules) ORDER BY p.name)
			FROM event_definitions_private.property_group_properties p
			WHERE p.project_id OPERATOR(pg_catalog.=) g.project_id
			  AND p.property_group_id OPERATOR(pg_catalog.=) g.id), '[]'::pg_catalog.jsonb),
		'created_at', event_definitions_private.iso8601(g.created_at),
		'updated_at', event_definitions_private.iso8601(g.updated_at),
		'created_by', (SELECT u.obj FROM event_definitions_private.user_objects u
					   WHERE u.id OPERATOR(pg_catalog.=) g.created_by_id))
	FROM event_definitions_private.property_groups g
	WHERE g.project_id OPERATOR(pg_catalog.=) $1 AND g.id OPERATOR(pg_catalog.=) $2
$$;

CREATE OR REPLACE FUNCTION event_definitions_private.property_group_snapshot(project_id bigint, id uuid)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'name', g.name,
		'description', g.description,
		'properties', COALESCE((
			SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'name', p.name, 'property_type', p.property_type,
					'is_required', p.is_required, 'is_optional_in_types', p.is_optional_in_types,
					'description', p.description, 'rules', p.rules) ORDER BY p.name)
			FROM event_definitions_private.property_group_properties p
			WHERE p.project_id OPERATOR(pg_catalog.=) g.project_id
			  AND p.property_group_id OPERATOR(pg_catalog.=) g.id), '[]'::pg_catalog.jsonb))
	FROM event_definitions_private.property_groups g
	WHERE g.project_id OPERATOR(pg_catalog.=) $1 AND g.id OPERATOR(pg_catalog.=) $2
$$;

/*
 * Tracking plans as code (plan.c).  A plan's events are plan_event's
 * answers, its property groups property_group_snapshot's (what the activity
 * log records); equal catalogs export byte-equal plans.
 */
CREATE FUNCTION event_definitions_private.plan_owner(u event_definitions_private.users)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN u.email OPERATOR(pg_catalog.<>) '' THEN u.email ELSE u.uuid::pg_catalog.text END
$$;
COMMENT ON FUNCTION event_definitions_private.plan_owner(event_definitions_private.users) IS
	'A user as a tracking plan names an owner: the email, or the uuid of a user without one';

CREATE FUNCTION event_definitions_private.plan_event(d event_definitions_private.event_definitions)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'name', d.name,
		'description', d.description,
		'tags', pg_catalog.to_jsonb(ARRAY(SELECT t FROM pg_catalog.unnest(d.tags) AS t ORDER BY t)),
		'owner', (SELECT event_definitions_private.plan_owner(u) FROM event_definitions_private.users u
				  WHERE u.id OPERATOR(pg_catalog.=) d.owner_id),
		'verified', d.verified,
		'hidden', d.hidden,
		'enforcement_mode', d.enforcement_mode,
		'promoted_property', d.promoted_property,
		'property_groups', pg_catalog.to_jsonb(ARRAY(
			SELECT g.name FROM event_definitions_private.event_schemas s
			JOIN event_definitions_private.property_groups g
			  ON g.project_id OPERATOR(pg_catalog.=) s.project_id AND g.id OPERATOR(pg_catalog.=) s.property_group_id
			WHERE s.project_id OPERATOR(pg_catalog.=) d.project_id
			  AND s.event_definition_id OPERATOR(pg_catalog.=) d.id
			ORDER BY g.name)))
$$;
COMMENT ON FUNCTION event_definitions_private.plan_event(event_definitions_private.event_definitions) IS
	'An event definition as a tracking plan has it: what a team curates, the owner by email (or uuid), attached groups by name';

CREATE FUNCTION event_definitions.export_tracking_plan(project_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_export_tracking_plan'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.export_tracking_plan(bigint) IS
	'The project''s tracking plan {version, base_hash, settings, property_groups, events}, sorted so that equal catalogs export byte-equal plans';

CREATE FUNCTION event_definitions.diff_tracking_plan(project_id bigint, plan json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_diff_tracking_plan'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.diff_tracking_plan(bigint, json) IS
	'What applying the plan would change: {create, update: [{type, name, changes}], delete (with prune), unchanged}';

CREATE FUNCTION event_definitions.apply_tracking_plan(project_id bigint, plan json, prune boolean DEFAULT false)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_apply_tracking_plan'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.apply_tracking_plan(bigint, json, boolean) IS
	'Make the catalog equal to the plan in one transaction (deleting what it lacks only with prune), logged per object; PT409 when its base_hash is stale; answers the diff applied';

REVOKE ALL ON FUNCTION event_definitions_private.plan_owner(event_definitions_private.users),
	event_definitions_private.plan_event(event_definitions_private.event_definitions),
	event_definitions.export_tracking_plan(bigint), event_definitions.diff_tracking_plan(bigint, json),
	event_definitions.apply_tracking_plan(bigint, json, boolean)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_definitions_private.plan_owner(event_definitions_private.users),
	event_definitions_private.plan_event(event_definitions_private.event_definitions),
	event_definitions.export_tracking_plan(bigint), event_definitions.diff_tracking_plan(bigint, json)
TO event_definitions_reader;
GRANT EXECUTE ON FUNCTION event_definitions.apply_tracking_plan(bigint, json, boolean)
TO event_definitions_writer;

/*
 * Code generators: files of any size.  The jsonb answer of
 * event_definitions_golang / _python / _typescript holds a file of at most
 * 268435455 bytes (a jsonb string's limit, about 65,000 Go events of ten
 * properties); the _chunks functions return the same file, of any size, as
 * rows of text (chunk 1, 2, ... of at most chunk_bytes bytes each, cut
 * between characters), each row with the answer's other values.
 */
CREATE FUNCTION event_definitions.event_definitions_typescript_chunks(project_id bigint, chunk_bytes integer DEFAULT 1048576)
RETURNS TABLE (chunk integer, content text, event_count integer, schema_hash text, generator_version text)
AS 'MODULE_PATHNAME', 'ed_event_definitions_typescript_chunks'
LANGUAGE C STABLE PARALLEL SAFE ROWS 4
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.event_definitions_typescript_chunks(bigint, integer) IS
	'The file of GET /event_definitions/typescript/, of any size, as rows of text in chunk order (their concatenation is the file), each with event_count, schema_hash and generator_version';

CREATE FUNCTION event_definitions.event_definitions_python_chunks(project_id bigint, chunk_bytes integer DEFAULT 1048576)
RETURNS TABLE (chunk integer, content text, event_count integer, schema_hash text, generator_version text)
AS 'MODULE_PATHNAME', 'ed_event_definitions_python_chunks'
LANGUAGE C STABLE PARALLEL SAFE ROWS 4
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.event_definitions_python_chunks(bigint, integer) IS
	'The file of GET /event_definitions/python/, of any size, as rows of text in chunk order (their concatenation is the file), each with event_count, schema_hash and generator_version';

CREATE FUNCTION event_definitions.event_definitions_golang_chunks(project_id bigint, chunk_bytes integer DEFAULT 1048576)
RETURNS TABLE (chunk integer, content text, event_count integer, schema_hash text, generator_version text)
AS 'MODULE_PATHNAME', 'ed_event_definitions_golang_chunks'
LANGUAGE C STABLE PARALLEL SAFE ROWS 4
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.event_definitions_golang_chunks(bigint, integer) IS
	'The file of GET /event_definitions/golang/, of any size, as rows of text in chunk order (their concatenation is the file), each with event_count, schema_hash and generator_version';

COMMENT ON FUNCTION event_definitions.event_definitions_typescript(bigint) IS
	'GET /event_definitions/typescript/: {content, event_count, schema_hash, generator_version} for posthog-js (generator 1.1.0); a file too large for jsonb is an error, read it with event_definitions_typescript_chunks';
COMMENT ON FUNCTION event_definitions.event_definitions_python(bigint) IS
	'GET /event_definitions/python/: {content, event_count, schema_hash, generator_version} for posthog-python (generator 1.0.0); a file too large for jsonb is an error, read it with event_definitions_python_chunks';
COMMENT ON FUNCTION event_definitions.event_definitions_golang(bigint) IS
	'GET /event_definitions/golang/: {content, event_count, schema_hash, generator_version} for posthog-go (generator 1.0.0); a file too large for jsonb is an error, read it with event_definitions_golang_chunks';

REVOKE ALL ON FUNCTION event_definitions.event_definitions_typescript_chunks(bigint, integer),
	event_definitions.event_definitions_python_chunks(bigint, integer),
	event_definitions.event_definitions_golang_chunks(bigint, integer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_definitions.event_definitions_typescript_chunks(bigint, integer),
	event_definitions.event_definitions_python_chunks(bigint, integer),
	event_definitions.event_definitions_golang_chunks(bigint, integer)
TO event_definitions_reader;

/*
 * Performance and bulk delete: the change feed in one trigger call per
 * statement, bulk_delete_event_definitions, and what goes with a deleted
 * definition.
 */

-- The change feed: a statement-level trigger (C) reads the statement's new
-- activity-log entries and queues one NOTIFY for each, in order; a bulk
-- call's 500 entries no longer run a plpgsql trigger 500 times.  The
-- payload names no names and carries no values (LISTEN needs no privilege,
-- so every login hears it; listeners read the row through the API): the
-- project, the scope, the item's id, the action and the changed fields.
DROP TRIGGER activity_log_notify ON event_definitions_private.activity_log;
DROP FUNCTION event_definitions_private.notify_change();
CREATE FUNCTION event_definitions_private.notify_changes() RETURNS trigger
AS 'MODULE_PATHNAME', 'ed_notify_changes'
LANGUAGE C
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions_private.notify_changes() IS
	'Sends the change feed (LISTEN event_definitions): one notification per new activity-log entry of the statement, in order';
CREATE TRIGGER activity_log_notify
	AFTER INSERT ON event_definitions_private.activity_log
	REFERENCING NEW TABLE AS inserted
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.notify_changes();

-- What a deleted definition leaves behind goes with it: its schemas go by
-- the foreign key; its violations and usage counts (kept by name) by one
-- statement trigger.
CREATE FUNCTION event_definitions_private.drop_dependents() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM event_definitions_private.ingestion_violations v
	USING deleted d
	WHERE v.project_id OPERATOR(pg_catalog.=) d.project_id AND v.event OPERATOR(pg_catalog.=) d.name;
	DELETE FROM event_definitions_private.event_usage u
	USING deleted d
	WHERE u.project_id OPERATOR(pg_catalog.=) d.project_id AND u.event_name OPERATOR(pg_catalog.=) d.name;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION event_definitions_private.drop_dependents() IS
	'Deletes the ingestion violations and usage counts of deleted event definitions';
CREATE TRIGGER drop_dependents
	AFTER DELETE ON event_definitions_private.event_definitions
	REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.drop_dependents();
ALTER TABLE event_definitions_private.event_definitions ENABLE ALWAYS TRIGGER drop_dependents;

CREATE FUNCTION event_definitions.bulk_delete_event_definitions(project_id bigint, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_bulk_delete_event_definitions'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.bulk_delete_event_definitions(bigint, json) IS
	'Bulk delete of at most 500 event definitions {"ids": [...]} -> {"deleted": [ids], "skipped": [{"id", "reason"}]}, each logged like delete_event_definition';

REVOKE ALL ON FUNCTION event_definitions.bulk_delete_event_definitions(bigint, json),
	event_definitions_private.notify_changes(), event_definitions_private.drop_dependents()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_definitions.bulk_delete_event_definitions(bigint, json) TO event_definitions_writer;

-- How many definitions each project has, kept by a trigger as they are
-- written (src/counts.c): the count of an unfiltered list page is one
-- small read instead of a scan of up to 10,000 rows.  One row per
-- (project, backend that wrote), so concurrent writers never wait on one
-- row; the sum is exact in every snapshot, since each delta is written in
-- the transaction that inserts or deletes the definitions.  It is derived
-- data: not dumped, made again from the definitions a restore loads.
CREATE TABLE event_definitions_private.definition_counts (
	project_id	bigint NOT NULL REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	shard		integer NOT NULL,
	n			bigint NOT NULL,
	PRIMARY KEY (project_id, shard)
);
COMMENT ON TABLE event_definitions_private.definition_counts IS
	'Number of event definitions per project, as deltas per writing backend (shard); the sum over a project''s rows is its count';
ALTER TABLE event_definitions_private.definition_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_definitions_private.definition_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY project_access ON event_definitions_private.definition_counts
	USING ((project_id OPERATOR(pg_catalog.=) ANY ((SELECT event_definitions_private.policy_projects())::bigint[])) IS NOT FALSE);
GRANT SELECT ON event_definitions_private.definition_counts TO event_definitions_reader;
INSERT INTO event_definitions_private.definition_counts (project_id, shard, n)
SELECT d.project_id, 0, pg_catalog.count(*) FROM event_definitions_private.event_definitions d GROUP BY d.project_id;

CREATE FUNCTION event_definitions_private.count_definitions() RETURNS trigger
AS 'MODULE_PATHNAME', 'ed_count_definitions'
LANGUAGE C
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions_private.count_definitions() IS
	'Keeps definition_counts: adds the inserted and deleted definitions of a statement, and definitions moved between projects';
CREATE TRIGGER count_inserted
	AFTER INSERT ON event_definitions_private.event_definitions
	REFERENCING NEW TABLE AS inserted
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.count_definitions();
CREATE TRIGGER count_deleted
	AFTER DELETE ON event_definitions_private.event_definitions
	REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.count_definitions();
CREATE TRIGGER count_moved
	AFTER UPDATE OF project_id ON event_definitions_private.event_definitions
	FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id)
	EXECUTE FUNCTION event_definitions_private.count_definitions();
CREATE TRIGGER count_truncated
	AFTER TRUNCATE ON event_definitions_private.event_definitions
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.count_definitions();
ALTER TABLE event_definitions_private.event_definitions ENABLE ALWAYS TRIGGER count_inserted;
ALTER TABLE event_definitions_private.event_definitions ENABLE ALWAYS TRIGGER count_deleted;
ALTER TABLE event_definitions_private.event_definitions ENABLE ALWAYS TRIGGER count_moved;
ALTER TABLE event_definitions_private.event_definitions ENABLE ALWAYS TRIGGER count_truncated;
REVOKE ALL ON FUNCTION event_definitions_private.count_definitions() FROM PUBLIC;
