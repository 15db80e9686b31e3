/* event_definitions--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION event_definitions" to load this file. \quit

-- Everything below is schema-qualified; this only guards the operators that
-- views and policies resolve once, at creation time.
SET LOCAL search_path TO pg_catalog, pg_temp;

-- Request bodies are JSON, whose strings are UTF-8, stored as they come.
DO $encoding$
BEGIN
	IF pg_catalog.getdatabaseencoding() OPERATOR(pg_catalog.<>) 'UTF8' THEN
		RAISE EXCEPTION 'event_definitions requires a UTF8 database, not %', pg_catalog.getdatabaseencoding()
			USING ERRCODE = 'feature_not_supported',
				  HINT = 'Create the database with ENCODING ''UTF8''.';
	END IF;
END
$encoding$;

/*
 * Roles.  They are cluster-wide, so they are created only when missing
 * (NOLOGIN, and given their hierarchy: a writer is a reader, an admin a
 * writer), and survive DROP EXTENSION (a second database reuses them).  A
 * role that exists already is left exactly as it is.
 */
DO $roles$
DECLARE
	r text;
	created text[] := '{}';
BEGIN
	FOREACH r IN ARRAY ARRAY['event_definitions_reader', 'event_definitions_writer',
							 'event_definitions_admin', 'event_definitions_gateway']
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			created := created OPERATOR(pg_catalog.||) r;
		END IF;
	END LOOP;
	IF 'event_definitions_writer' OPERATOR(pg_catalog.=) ANY (created) THEN
		GRANT event_definitions_reader TO event_definitions_writer;
	END IF;
	IF 'event_definitions_admin' OPERATOR(pg_catalog.=) ANY (created) THEN
		GRANT event_definitions_writer TO event_definitions_admin;
	END IF;
END
$roles$;

CREATE SCHEMA event_definitions_private;
COMMENT ON SCHEMA event_definitions_private IS
	'Tables and internal functions of the event_definitions extension; never expose it through PostgREST';

CREATE SCHEMA event_definitions;
COMMENT ON SCHEMA event_definitions IS
	'Public API of the event_definitions extension (PostHog event definitions): views and functions only';

/*
 * Tables.  Every table that belongs to a project carries project_id in every
 * primary and unique key, so that it can be distributed by project_id.
 */
CREATE TABLE event_definitions_private.projects (
	project_id	bigint PRIMARY KEY,
	name		text NOT NULL DEFAULT '',
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE event_definitions_private.projects IS 'Projects (PostHog teams); managed by upsert_project';

CREATE TABLE event_definitions_private.users (
	id						integer PRIMARY KEY,
	uuid					uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid() UNIQUE,
	distinct_id				text CHECK (pg_catalog.char_length(distinct_id) OPERATOR(pg_catalog.<=) 200),
	first_name				text NOT NULL DEFAULT '' CHECK (pg_catalog.char_length(first_name) OPERATOR(pg_catalog.<=) 150),
	last_name				text NOT NULL DEFAULT '' CHECK (pg_catalog.char_length(last_name) OPERATOR(pg_catalog.<=) 150),
	email					text NOT NULL DEFAULT '',
	is_email_verified		boolean,
	hedgehog_config			jsonb,
	role_at_organization	text CHECK (role_at_organization IN ('', 'engineering', 'data', 'product', 'founder',
																 'leadership', 'marketing', 'sales', 'other')),
	login_role				regrole UNIQUE,
	obj						jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE event_definitions_private.users IS
	'Users (PostHog''s UserBasicSerializer fields) and the login role each one connects as; managed by upsert_user';
COMMENT ON COLUMN event_definitions_private.users.obj IS
	'The user as PostHog''s nested user object, kept by the users_render trigger';

CREATE TABLE event_definitions_private.project_members (
	project_id	bigint NOT NULL REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	user_id		integer NOT NULL REFERENCES event_definitions_private.users ON DELETE CASCADE,
	PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user_idx ON event_definitions_private.project_members (user_id);
COMMENT ON TABLE event_definitions_private.project_members IS
	'Which users may see and change which projects; the only isolation boundary';

CREATE TABLE event_definitions_private.event_definitions (
	project_id			bigint NOT NULL REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	id					uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
	name				text COLLATE "C" NOT NULL
						CHECK (pg_catalog.char_length(name) OPERATOR(pg_catalog.<=) 400),
	created_at			timestamptz,
	last_seen_at		timestamptz,
	last_seen_date		date GENERATED ALWAYS AS ((pg_catalog.timezone('UTC', last_seen_at))::date) STORED,
	enforcement_mode	text NOT NULL DEFAULT 'allow' CHECK (enforcement_mode IN ('allow', 'reject', 'enforce')),
	promoted_property	text CHECK (pg_catalog.char_length(promoted_property) OPERATOR(pg_catalog.<=) 400),
	owner_id			integer REFERENCES event_definitions_private.users ON DELETE SET NULL,
	description			text DEFAULT '',
	created_by_id		integer REFERENCES event_definitions_private.users ON DELETE SET NULL,
	updated_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_by_id		integer REFERENCES event_definitions_private.users ON DELETE SET NULL,
	verified			boolean NOT NULL DEFAULT false,
	verified_at			timestamptz,
	verified_by_id		integer REFERENCES event_definitions_private.users ON DELETE SET NULL,
	hidden				boolean DEFAULT false,
	default_columns		text[],
	tags				text[] COLLATE "C" NOT NULL DEFAULT '{}',
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, name),
	CONSTRAINT hidden_and_verified CHECK (NOT (verified AND COALESCE(hidden, false)))
);
-- default list ordering: last_seen_at::date DESC NULLS LAST, name
CREATE INDEX event_definitions_seen_idx
	ON event_definitions_private.event_definitions (project_id, last_seen_date DESC NULLS LAST, name);
CREATE INDEX event_definitions_created_idx
	ON event_definitions_private.event_definitions (project_id, created_at);
CREATE INDEX event_definitions_tags_idx
	ON event_definitions_private.event_definitions USING gin (tags);
CREATE INDEX event_definitions_promoted_idx
	ON event_definitions_private.event_definitions (project_id, name)
	WHERE promoted_property IS NOT NULL AND promoted_property OPERATOR(pg_catalog.<>) '';
COMMENT ON TABLE event_definitions_private.event_definitions IS
	'Event definitions: one row per (project, event name), PostHog''s EventDefinition and EnterpriseEventDefinition in one';
COMMENT ON COLUMN event_definitions_private.event_definitions.tags IS
	'Normalized tags: stripped, lower-cased, deduplicated, sorted by code point';
COMMENT ON COLUMN event_definitions_private.event_definitions.last_seen_date IS
	'UTC date of last_seen_at; serves the default list ordering from an index';

CREATE TABLE event_definitions_private.property_groups (
	project_id	bigint NOT NULL REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	id			uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
	name		text COLLATE "C" NOT NULL CHECK (pg_catalog.char_length(name) OPERATOR(pg_catalog.<=) 400),
	description	text NOT NULL DEFAULT '',
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by_id integer REFERENCES event_definitions_private.users ON DELETE SET NULL,
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, name)
);
COMMENT ON TABLE event_definitions_private.property_groups IS
	'Property groups (PostHog SchemaPropertyGroup): named sets of typed properties';

CREATE TABLE event_definitions_private.property_group_properties (
	project_id			bigint NOT NULL,
	id					uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
	property_group_id	uuid NOT NULL,
	name				text COLLATE "C" NOT NULL CHECK (pg_catalog.char_length(name) OPERATOR(pg_catalog.<=) 400),
	property_type		text NOT NULL CHECK (property_type IN ('String', 'Numeric', 'Boolean', 'DateTime', 'Object', 'Array')),
	is_required			boolean NOT NULL DEFAULT false,
	description			text NOT NULL DEFAULT '',
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, property_group_id, name),
	FOREIGN KEY (project_id, property_group_id)
		REFERENCES event_definitions_private.property_groups (project_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE event_definitions_private.property_group_properties IS
	'Typed properties of a property group (PostHog SchemaPropertyGroupProperty)';

CREATE TABLE event_definitions_private.event_schemas (
	project_id			bigint NOT NULL,
	id					uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
	event_definition_id	uuid NOT NULL,
	property_group_id	uuid NOT NULL,
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, event_definition_id, property_group_id),
	FOREIGN KEY (project_id, event_definition_id)
		REFERENCES event_definitions_private.event_definitions (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, property_group_id)
		REFERENCES event_definitions_private.property_groups (project_id, id) ON DELETE CASCADE
);
CREATE INDEX event_schemas_group_idx
	ON event_definitions_private.event_schemas (project_id, property_group_id);
COMMENT ON TABLE event_definitions_private.event_schemas IS
	'Which property groups are attached to which event definition (PostHog EventSchema)';

CREATE TABLE event_definitions_private.activity_log (
	project_id	bigint NOT NULL REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	id			bigint GENERATED ALWAYS AS IDENTITY,
	scope		text NOT NULL,
	item_id		text NOT NULL,
	activity	text NOT NULL CHECK (activity IN ('created', 'changed', 'deleted')),
	user_id		integer,
	detail		jsonb NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (project_id, id)
);
CREATE INDEX activity_log_item_idx
	ON event_definitions_private.activity_log (project_id, scope, item_id);
COMMENT ON TABLE event_definitions_private.activity_log IS
	'Activity log: one row per write of an event definition or property group, in the writing transaction';

CREATE TABLE event_definitions_private.event_usage (
	project_id	bigint NOT NULL REFERENCES event_definitions_private.projects ON DELETE CASCADE,
	event_name	text COLLATE "C" NOT NULL,
	day			date NOT NULL,
	count		bigint NOT NULL DEFAULT 0 CHECK (count OPERATOR(pg_catalog.>=) 0),
	PRIMARY KEY (project_id, event_name, day)
);
COMMENT ON TABLE event_definitions_private.event_usage IS
	'Daily query-usage counts per event name; source of the metrics endpoint';

SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.projects', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.users', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.project_members', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.event_definitions', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.property_groups', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.property_group_properties', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.event_schemas', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.activity_log', '');
-- the log's identity sequence too, or a restored log restarts its ids at 1
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.activity_log_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.event_usage', '');

/*
 * Identity and access.
 */
/*
 * The identity functions that the row-level security policies call (C,
 * src/identity.c).  Policies call them as uncorrelated subqueries, so once
 * per (sub)query, and the answers are computed once per command.
 */
CREATE FUNCTION event_definitions_private.acting_user_id() RETURNS integer
AS 'MODULE_PATHNAME', 'ed_acting_user_id'
LANGUAGE C STABLE SECURITY DEFINER PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions_private.acting_user_id() IS
	'The acting user: the JWT claim user_id or the setting event_definitions.user_id for gateway, admin and superuser connections, else the user whose login_role is session_user';

CREATE FUNCTION event_definitions_private.is_admin() RETURNS boolean
AS 'MODULE_PATHNAME', 'ed_is_admin'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION event_definitions_private.is_admin() IS
	'True when the current role holds event_definitions_admin and so sees every project';

CREATE FUNCTION event_definitions_private.visible_projects() RETURNS bigint[]
AS 'MODULE_PATHNAME', 'ed_visible_projects'
LANGUAGE C STABLE SECURITY DEFINER PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions_private.visible_projects() IS
	'Projects the acting user is a member of';

CREATE FUNCTION event_definitions_private.visible_users() RETURNS integer[]
AS 'MODULE_PATHNAME', 'ed_visible_users'
LANGUAGE C STABLE SECURITY DEFINER PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions_private.visible_users() IS
	'The acting user and the users who share a project with it (whose names and e-mail addresses it may see)';

-- Identities are kept per session; these triggers tell every backend when
-- users or memberships change.
CREATE FUNCTION event_definitions_private.identity_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'ed_identity_changed'
LANGUAGE C;
COMMENT ON FUNCTION event_definitions_private.identity_changed() IS
	'Invalidates the identities kept by acting_user_id(), visible_projects() and visible_users()';
CREATE TRIGGER users_identity_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_definitions_private.users
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.identity_changed();
CREATE TRIGGER project_members_identity_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_definitions_private.project_members
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.identity_changed();
-- also under session_replication_role = replica (logical replication, restores)
ALTER TABLE event_definitions_private.users ENABLE ALWAYS TRIGGER users_identity_changed;
ALTER TABLE event_definitions_private.project_members ENABLE ALWAYS TRIGGER project_members_identity_changed;

-- Project data changes only through the API's write functions (or a
-- superuser): the table privileges they need do not let a writer skip the
-- API's validation, verification rules or activity log.
CREATE FUNCTION event_definitions_private.guard_write() RETURNS trigger
AS 'MODULE_PATHNAME', 'ed_guard_write'
LANGUAGE C;
COMMENT ON FUNCTION event_definitions_private.guard_write() IS
	'Refuses writes to project data that do not come from the functions of schema event_definitions';
DO $guard$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['event_definitions', 'property_groups', 'property_group_properties',
							 'event_schemas', 'activity_log', 'event_usage']
	LOOP
		EXECUTE pg_catalog.format(
			'CREATE TRIGGER guard_write BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE'
			' ON event_definitions_private.%I FOR EACH STATEMENT'
			' EXECUTE FUNCTION event_definitions_private.guard_write()', t);
	END LOOP;
END
$guard$;

-- Row-level security: a project's rows are visible only to its members and to admins.
DO $rls$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['projects', 'project_members', 'event_definitions', 'property_groups',
							 'property_group_properties', 'event_schemas', 'activity_log', 'event_usage']
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE event_definitions_private.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('ALTER TABLE event_definitions_private.%I FORCE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format(
			'CREATE POLICY project_access ON event_definitions_private.%I '
			'USING ((SELECT event_definitions_private.is_admin()) '
			'OR project_id = ANY ((SELECT event_definitions_private.visible_projects())::bigint[]))', t);
	END LOOP;
END
$rls$;

ALTER TABLE event_definitions_private.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_definitions_private.users FORCE ROW LEVEL SECURITY;
CREATE POLICY user_access ON event_definitions_private.users
	USING ((SELECT event_definitions_private.is_admin())
		   OR id = ANY ((SELECT event_definitions_private.visible_users())::integer[]));

/*
 * Internal functions (C) and rendering helpers.
 */
CREATE FUNCTION event_definitions_private.iso8601(timestamptz) RETURNS text
AS 'MODULE_PATHNAME', 'ed_iso8601'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION event_definitions_private.iso8601(timestamptz) IS
	'ISO-8601 UTC text with Z, microseconds only when non-zero, as PostHog writes timestamps';

-- Each user's nested object is stored with the user (kept by a trigger), so
-- rendering a definition reads four objects instead of building them.
CREATE FUNCTION event_definitions_private.render_user() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.obj := pg_catalog.jsonb_build_object(
		'id', NEW.id,
		'uuid', NEW.uuid,
		'distinct_id', NEW.distinct_id,
		'first_name', NEW.first_name,
		'last_name', NEW.last_name,
		'email', NEW.email,
		'is_email_verified', NEW.is_email_verified,
		'hedgehog_config',
		CASE WHEN pg_catalog.jsonb_typeof(NEW.hedgehog_config) = 'object' AND NEW.hedgehog_config <> '{}'
			 THEN pg_catalog.jsonb_build_object(
				 'use_as_profile', NEW.hedgehog_config -> 'use_as_profile',
				 'color', NEW.hedgehog_config -> 'color',
				 'accessories', NEW.hedgehog_config -> 'accessories',
				 'skin', NEW.hedgehog_config -> 'skin')
		END,
		'role_at_organization', NEW.role_at_organization);
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION event_definitions_private.render_user() IS
	'Keeps users.obj, the user as PostHog''s nested user object';

CREATE TRIGGER users_render
	BEFORE INSERT OR UPDATE ON event_definitions_private.users
	FOR EACH ROW EXECUTE FUNCTION event_definitions_private.render_user();

CREATE VIEW event_definitions_private.user_objects WITH (security_invoker = true) AS
SELECT u.id, u.obj FROM event_definitions_private.users u;
COMMENT ON VIEW event_definitions_private.user_objects IS
	'Each user as PostHog''s nested user object';

-- The fields an activity-log entry records, before and after a write.
CREATE FUNCTION event_definitions_private.snapshot(d event_definitions_private.event_definitions)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'name', d.name,
		'description', d.description,
		'owner', d.owner_id,
		'tags', pg_catalog.to_jsonb(d.tags),
		'verified', d.verified,
		'hidden', d.hidden,
		'enforcement_mode', d.enforcement_mode,
		'promoted_property', d.promoted_property,
		'default_columns', pg_catalog.to_jsonb(d.default_columns))
$$;
COMMENT ON FUNCTION event_definitions_private.snapshot(event_definitions_private.event_definitions) IS
	'The logged fields of an event definition, for activity-log diffs';

CREATE FUNCTION event_definitions_private.changes(before jsonb, after jsonb, action text, scope text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
				'type', scope, 'action', action, 'field', k.key,
				'before', before -> k.key, 'after', after -> k.key) ORDER BY k.key), '[]')
	FROM (SELECT pg_catalog.jsonb_object_keys(COALESCE(after, before)) AS key) k
	WHERE (before -> k.key) IS DISTINCT FROM (after -> k.key)
	  AND NOT (COALESCE(before -> k.key, 'null') = 'null'
			   AND COALESCE(after -> k.key, 'null') = 'null')
$$;
COMMENT ON FUNCTION event_definitions_private.changes(jsonb, jsonb, text, text) IS
	'PostHog''s activity "changes" list between two snapshots (NULL before for created, NULL after for deleted)';

-- A property group in the API's shape, and the fields its activity log records.
CREATE FUNCTION event_definitions_private.property_group_object(project_id bigint, id uuid)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'id', g.id,
		'name', g.name,
		'description', g.description,
		'properties', COALESCE((
			SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'id', p.id, 'name', p.name, 'property_type', p.property_type,
					'is_required', p.is_required, 'description', p.description) ORDER BY p.name)
			FROM event_definitions_private.property_group_properties p
			WHERE p.project_id = g.project_id AND p.property_group_id = g.id), '[]'::jsonb),
		'created_at', event_definitions_private.iso8601(g.created_at),
		'updated_at', event_definitions_private.iso8601(g.updated_at),
		'created_by', (SELECT u.obj FROM event_definitions_private.user_objects u WHERE u.id = g.created_by_id))
	FROM event_definitions_private.property_groups g
	WHERE g.project_id = $1 AND g.id = $2
$$;
COMMENT ON FUNCTION event_definitions_private.property_group_object(bigint, uuid) IS
	'A property group with its properties (by name), as the property-group functions return it';

CREATE FUNCTION event_definitions_private.property_group_snapshot(project_id bigint, id uuid)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'name', g.name,
		'description', g.description,
		'properties', COALESCE((
			SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'name', p.name, 'property_type', p.property_type,
					'is_required', p.is_required, 'description', p.description) ORDER BY p.name)
			FROM event_definitions_private.property_group_properties p
			WHERE p.project_id = g.project_id AND p.property_group_id = g.id), '[]'::jsonb))
	FROM event_definitions_private.property_groups g
	WHERE g.project_id = $1 AND g.id = $2
$$;
COMMENT ON FUNCTION event_definitions_private.property_group_snapshot(bigint, uuid) IS
	'The logged fields of a property group, for activity-log diffs';

-- The change feed: one NOTIFY event_definitions per activity-log entry, sent
-- at commit (never for rolled-back work).  The payload names the changed
-- fields, not their values, so it stays far below the 8000-byte limit.
CREATE FUNCTION event_definitions_private.notify_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pg_catalog.pg_notify('event_definitions', pg_catalog.json_build_object(
		'project_id', NEW.project_id,
		'scope', NEW.scope,
		'id', NEW.item_id,
		'name', NEW.detail ->> 'name',
		'action', NEW.activity,
		'fields', (SELECT COALESCE(pg_catalog.json_agg(c ->> 'field'), '[]'::json)
				   FROM pg_catalog.jsonb_array_elements(NEW.detail -> 'changes') AS c))::text);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION event_definitions_private.notify_change() IS
	'Sends the change feed (LISTEN event_definitions) for each activity-log entry';

CREATE TRIGGER activity_log_notify
	AFTER INSERT ON event_definitions_private.activity_log
	FOR EACH ROW EXECUTE FUNCTION event_definitions_private.notify_change();

/*
 * The public API: views.
 */
CREATE VIEW event_definitions.event_definitions WITH (security_invoker = true) AS
SELECT d.id,
	   d.name::text AS name,
	   (SELECT u.obj FROM event_definitions_private.users u WHERE u.id = d.owner_id) AS owner,
	   d.description,
	   d.tags::text[] AS tags,
	   event_definitions_private.iso8601(d.created_at) AS created_at,
	   event_definitions_private.iso8601(d.updated_at) AS updated_at,
	   (SELECT u.obj FROM event_definitions_private.users u WHERE u.id = d.updated_by_id) AS updated_by,
	   event_definitions_private.iso8601(d.last_seen_at) AS last_seen_at,
	   event_definitions_private.iso8601(d.updated_at) AS last_updated_at,
	   d.verified,
	   event_definitions_private.iso8601(d.verified_at) AS verified_at,
	   (SELECT u.obj FROM event_definitions_private.users u WHERE u.id = d.verified_by_id) AS verified_by,
	   d.hidden,
	   d.enforcement_mode,
	   d.promoted_property,
	   false AS is_action,
	   NULL::integer AS action_id,
	   false AS is_calculating,
	   NULL::text AS last_calculated_at,
	   (SELECT u.obj FROM event_definitions_private.users u WHERE u.id = d.created_by_id) AS created_by,
	   false AS post_to_slack,
	   COALESCE(d.default_columns, '{}') AS default_columns,
	   '{}'::text[] AS media_preview_urls,
	   d.project_id
FROM event_definitions_private.event_definitions d;
COMMENT ON VIEW event_definitions.event_definitions IS
	'One row per event definition in PostHog''s retrieve shape, plus project_id; rows of projects the acting user may see';

CREATE VIEW event_definitions.activity_log WITH (security_invoker = true) AS
SELECT a.project_id, a.scope, a.item_id, a.activity, a.user_id, a.detail, a.created_at
FROM event_definitions_private.activity_log a;
COMMENT ON VIEW event_definitions.activity_log IS
	'Activity log of event definitions and property groups: created/changed/deleted with PostHog''s changes list';

/*
 * The public API: functions.  The write functions pin search_path, so that
 * every statement they run (kept plans are re-planned when search_path
 * differs) resolves names and operators in pg_catalog first: a role cannot
 * slip its own operator into a write and run it while the write guard is
 * open.
 */
CREATE FUNCTION event_definitions.list_event_definitions(
	project_id bigint,
	"limit" integer DEFAULT 100,
	"offset" integer DEFAULT 0,
	search text DEFAULT NULL,
	event_type text DEFAULT 'event',
	ordering text DEFAULT NULL,
	exclude_hidden boolean DEFAULT false,
	excluded_properties json DEFAULT NULL,
	names text DEFAULT NULL,
	tags json DEFAULT NULL,
	exclude_stale boolean DEFAULT false)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_list_event_definitions'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.list_event_definitions(bigint, integer, integer, text, text, text, boolean, json, text, json, boolean) IS
	'GET /event_definitions/: one page {count, next, previous, results} with PostHog''s filters and ordering';

CREATE FUNCTION event_definitions.create_event_definition(project_id bigint, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_create_event_definition'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.create_event_definition(bigint, json) IS
	'POST /event_definitions/: create a definition from PostHog''s request body';

CREATE FUNCTION event_definitions.retrieve_event_definition(project_id bigint, id uuid)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_retrieve_event_definition'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.retrieve_event_definition(bigint, uuid) IS
	'GET /event_definitions/{id}/: one definition, or SQLSTATE PT404';

CREATE FUNCTION event_definitions.update_event_definition(project_id bigint, id uuid, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_update_event_definition'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.update_event_definition(bigint, uuid, json) IS
	'PATCH /event_definitions/{id}/: partial update with PostHog''s verification rules; name is read-only';

CREATE FUNCTION event_definitions.delete_event_definition(project_id bigint, id uuid)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_delete_event_definition'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.delete_event_definition(bigint, uuid) IS
	'DELETE /event_definitions/{id}/: delete a definition, or SQLSTATE PT404';

CREATE FUNCTION event_definitions.event_definition_metrics(project_id bigint, id uuid)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_event_definition_metrics'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.event_definition_metrics(bigint, uuid) IS
	'GET /event_definitions/{id}/metrics/: {"query_usage_30_day": n} from the usage table';

CREATE FUNCTION event_definitions.record_event_usage(project_id bigint, event_name text,
													 count integer DEFAULT 1, day date DEFAULT CURRENT_DATE)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_record_event_usage'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.record_event_usage(bigint, text, integer, date) IS
	'Count query usage ("viewed") of an event on a day; read back by event_definition_metrics';

CREATE FUNCTION event_definitions.bulk_update_tags(project_id bigint, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_bulk_update_tags'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.bulk_update_tags(bigint, json) IS
	'POST /event_definitions/bulk_update_tags/: {"ids", "action": add|remove|set, "tags"} -> {updated, skipped}';

CREATE FUNCTION event_definitions.bulk_update_verified(project_id bigint, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_bulk_update_verified'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.bulk_update_verified(bigint, json) IS
	'POST /event_definitions/bulk_update_verified/: {"ids", "verified"} -> {updated, skipped}';

CREATE FUNCTION event_definitions.event_definition_by_name(project_id bigint, name text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_event_definition_by_name'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.event_definition_by_name(bigint, text) IS
	'GET /event_definitions/by_name/?name=: exact, case-sensitive lookup, or SQLSTATE PT404';

CREATE FUNCTION event_definitions.promoted_properties(project_id bigint, names text[] DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_promoted_properties'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.promoted_properties(bigint, text[]) IS
	'GET /event_definitions/promoted_properties/: {"promoted_properties": {event: property}} for non-empty values';

CREATE FUNCTION event_definitions.event_definitions_typescript(project_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_event_definitions_typescript'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.event_definitions_typescript(bigint) IS
	'GET /event_definitions/typescript/: {content, event_count, schema_hash, generator_version} for posthog-js';

CREATE FUNCTION event_definitions.event_definitions_python(project_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_event_definitions_python'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.event_definitions_python(bigint) IS
	'GET /event_definitions/python/: {content, event_count, schema_hash, generator_version} for posthog-python';

CREATE FUNCTION event_definitions.event_definitions_golang(project_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_event_definitions_golang'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.event_definitions_golang(bigint) IS
	'GET /event_definitions/golang/: {content, event_count, schema_hash, generator_version} for posthog-go';

CREATE FUNCTION event_definitions.ingest_event(project_id bigint, event text, properties jsonb,
											   "timestamp" timestamptz DEFAULT pg_catalog.now())
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_ingest_event'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.ingest_event(bigint, text, jsonb, timestamptz) IS
	'Ingestion: upsert the definition (created_at on first sight, last_seen_at forward only) and check the properties against its property groups -> {accepted, violations}';

CREATE FUNCTION event_definitions.create_property_group(project_id bigint, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_create_property_group'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.create_property_group(bigint, json) IS
	'Create a property group {"name", "description", "properties": [{"name", "property_type", "is_required", "description"}]}';

CREATE FUNCTION event_definitions.retrieve_property_group(project_id bigint, id uuid)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_retrieve_property_group'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.retrieve_property_group(bigint, uuid) IS
	'One property group with its properties, or SQLSTATE PT404';

CREATE FUNCTION event_definitions.update_property_group(project_id bigint, id uuid, body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_update_property_group'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.update_property_group(bigint, uuid, json) IS
	'Partial update of a property group; a "properties" list replaces the old one';

CREATE FUNCTION event_definitions.delete_property_group(project_id bigint, id uuid)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_delete_property_group'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.delete_property_group(bigint, uuid) IS
	'Delete a property group (and detach it from every event), or SQLSTATE PT404';

CREATE FUNCTION event_definitions.list_property_groups(project_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_list_property_groups'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.list_property_groups(bigint) IS
	'All property groups of a project, by name: {count, next, previous, results}';

CREATE FUNCTION event_definitions.add_event_schema(project_id bigint, event_definition_id uuid, property_group_id uuid)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_add_event_schema'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.add_event_schema(bigint, uuid, uuid) IS
	'Attach a property group to an event definition (idempotent)';

CREATE FUNCTION event_definitions.remove_event_schema(project_id bigint, event_definition_id uuid, property_group_id uuid)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_remove_event_schema'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.remove_event_schema(bigint, uuid, uuid) IS
	'Detach a property group from an event definition, or SQLSTATE PT404 when it was not attached';

CREATE FUNCTION event_definitions.upsert_project(project_id bigint, name text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_upsert_project'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.upsert_project(bigint, text) IS
	'Admin: create or rename a project';

CREATE FUNCTION event_definitions.upsert_user(body json)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ed_upsert_user'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.upsert_user(json) IS
	'Admin: create or update a user from PostHog''s user object (plus optional login_role)';

CREATE FUNCTION event_definitions.add_project_member(project_id bigint, user_id integer)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_add_project_member'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.add_project_member(bigint, integer) IS
	'Admin: give a user access to a project (idempotent)';

CREATE FUNCTION event_definitions.remove_project_member(project_id bigint, user_id integer)
RETURNS void
AS 'MODULE_PATHNAME', 'ed_remove_project_member'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION event_definitions.remove_project_member(bigint, integer) IS
	'Admin: take a user''s access to a project away';

/*
 * Privileges: nothing for PUBLIC; the roles get what their PostHog scope allows.
 */
REVOKE ALL ON SCHEMA event_definitions_private FROM PUBLIC;
REVOKE ALL ON SCHEMA event_definitions FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA event_definitions_private FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA event_definitions FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA event_definitions_private FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA event_definitions FROM PUBLIC;

GRANT USAGE ON SCHEMA event_definitions, event_definitions_private TO event_definitions_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA event_definitions_private TO event_definitions_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA event_definitions TO event_definitions_reader;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA event_definitions_private TO event_definitions_reader;

GRANT EXECUTE ON FUNCTION
	event_definitions.list_event_definitions(bigint, integer, integer, text, text, text, boolean, json, text, json, boolean),
	event_definitions.retrieve_event_definition(bigint, uuid),
	event_definitions.event_definition_metrics(bigint, uuid),
	event_definitions.event_definition_by_name(bigint, text),
	event_definitions.promoted_properties(bigint, text[]),
	event_definitions.retrieve_property_group(bigint, uuid),
	event_definitions.list_property_groups(bigint),
	event_definitions.event_definitions_typescript(bigint),
	event_definitions.event_definitions_python(bigint),
	event_definitions.event_definitions_golang(bigint)
TO event_definitions_reader;

GRANT INSERT, UPDATE, DELETE ON
	event_definitions_private.event_definitions,
	event_definitions_private.property_groups,
	event_definitions_private.property_group_properties,
	event_definitions_private.event_schemas,
	event_definitions_private.event_usage
TO event_definitions_writer;
GRANT INSERT ON event_definitions_private.activity_log TO event_definitions_writer;
GRANT EXECUTE ON FUNCTION
	event_definitions.create_event_definition(bigint, json),
	event_definitions.update_event_definition(bigint, uuid, json),
	event_definitions.delete_event_definition(bigint, uuid),
	event_definitions.record_event_usage(bigint, text, integer, date),
	event_definitions.ingest_event(bigint, text, jsonb, timestamptz),
	event_definitions.bulk_update_tags(bigint, json),
	event_definitions.bulk_update_verified(bigint, json),
	event_definitions.create_property_group(bigint, json),
	event_definitions.update_property_group(bigint, uuid, json),
	event_definitions.delete_property_group(bigint, uuid),
	event_definitions.add_event_schema(bigint, uuid, uuid),
	event_definitions.remove_event_schema(bigint, uuid, uuid)
TO event_definitions_writer;

GRANT INSERT, UPDATE, DELETE ON
	event_definitions_private.projects,
	event_definitions_private.users,
	event_definitions_private.project_members
TO event_definitions_admin;
GRANT EXECUTE ON FUNCTION
	event_definitions.upsert_project(bigint, text),
	event_definitions.upsert_user(json),
	event_definitions.add_project_member(bigint, integer),
	event_definitions.remove_project_member(bigint, integer)
TO event_definitions_admin;

-- PostgREST: pick up the new schema
NOTIFY pgrst, 'reload schema';
