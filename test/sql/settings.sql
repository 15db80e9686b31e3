-- Project settings: project_settings() and update_project_settings() (PATCH,
-- validated field by field, logged with scope Project), the naming rules they
-- set on create_event_definition, property groups and ingestion, and
-- naming_violations() for names that were there before a rule.  Projects
-- 7601 and 7602.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_settings_writer, regress_settings_reader, regress_settings_other;
RESET client_min_messages;
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
CREATE ROLE regress_settings_writer LOGIN;
CREATE ROLE regress_settings_reader LOGIN;
CREATE ROLE regress_settings_other LOGIN;
GRANT event_definitions_writer TO regress_settings_writer, regress_settings_other;
GRANT event_definitions_reader TO regress_settings_reader;
SELECT event_definitions.upsert_project(7601, 'Settings') ->> 'name', event_definitions.upsert_project(7602, 'Other') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 7601, "first_name": "Wes", "login_role": "regress_settings_writer"}') ->> 'id',
	   event_definitions.upsert_user('{"id": 7602, "first_name": "Rae", "login_role": "regress_settings_reader"}') ->> 'id',
	   event_definitions.upsert_user('{"id": 7603, "first_name": "Oz", "login_role": "regress_settings_other"}') ->> 'id';
SELECT event_definitions.add_project_member(7601, 7601), event_definitions.add_project_member(7601, 7602),
	   event_definitions.add_project_member(7602, 7603);
-- names that exist before any rule
SELECT event_definitions.create_event_definition(7601, '{"name": "Legacy Event"}') ->> 'name',
	   event_definitions.create_event_definition(7601, '{"name": "good_event"}') ->> 'name';
SELECT event_definitions.create_property_group(7601, '{"name": "Old", "properties": [
	{"name": "CamelCase", "property_type": "String"}, {"name": "snake_case", "property_type": "String"}]}') ->> 'name';

-- ---------------------------------------------------------------- defaults and reads
-- a project without a settings row has the defaults
SELECT event_definitions.project_settings(7601);
SELECT count(*) AS settings_rows FROM event_definitions_private.project_settings WHERE project_id = 7601;
SELECT pg_temp.try($$SELECT event_definitions.project_settings(7699)$$) AS missing_project;

-- ---------------------------------------------------------------- every setting and its validation
SET SESSION AUTHORIZATION regress_settings_writer;
SELECT event_definitions.update_project_settings(7601, '{"event_name_pattern": "^[a-z][a-z0-9_]*$"}');
-- PATCH: only the keys given change
SELECT event_definitions.update_project_settings(7601, '{"stale_after_days": 7, "violation_examples": 2}');
SELECT event_definitions.update_project_settings(7601, '{"unplanned_events": "flag", "property_name_pattern": "^[a-z_]+$"}');
SELECT event_definitions.update_project_settings(7601, '{}');
-- back to no pattern with null
SELECT event_definitions.update_project_settings(7601, '{"property_name_pattern": null}') -> 'property_name_pattern' AS cleared;
SELECT event_definitions.update_project_settings(7601, '{"property_name_pattern": "^[a-z_]+$"}') -> 'property_name_pattern' AS set_again;
CREATE TEMP TABLE bad (n serial, body text);
INSERT INTO bad (body) VALUES
	('{"event_name_pattern": "(unclosed"}'),
	('{"event_name_pattern": "a{3,2}"}'),
	('{"property_name_pattern": "[z-a]"}'),
	('{"event_name_pattern": ["a"]}'),
	('{"event_name_pattern": ""}'),
	('{"stale_after_days": 0}'),
	('{"stale_after_days": -1}'),
	('{"stale_after_days": 36501}'),
	('{"stale_after_days": "ten"}'),
	('{"stale_after_days": 1.5}'),
	('{"stale_after_days": null}'),
	('{"unplanned_events": "drop"}'),
	('{"unplanned_events": null}'),
	('{"violation_examples": -1}'),
	('{"violation_examples": 101}'),
	('[1]'),
	('not json');
SELECT n, pg_temp.try(format('SELECT event_definitions.update_project_settings(7601, %L)', body)) AS answer
FROM bad ORDER BY n;
-- the rejected bodies changed nothing
SELECT event_definitions.project_settings(7601);
-- another project's settings are not this member's
SELECT pg_temp.try($$SELECT event_definitions.update_project_settings(7602, '{"stale_after_days": 3}')$$) AS other_project;
SELECT pg_temp.try($$SELECT event_definitions.project_settings(7602)$$) AS other_project_read;
RESET SESSION AUTHORIZATION;
-- a reader reads them and cannot change them
SET SESSION AUTHORIZATION regress_settings_reader;
SELECT event_definitions.project_settings(7601) ->> 'stale_after_days' AS reader_reads;
SELECT pg_temp.try($$SELECT event_definitions.update_project_settings(7601, '{"stale_after_days": 3}')$$) AS reader_writes;
SELECT count(*) AS reader_sees_rows FROM event_definitions_private.project_settings;
RESET SESSION AUTHORIZATION;
-- no write privilege on the table itself
SET SESSION AUTHORIZATION regress_settings_writer;
SELECT pg_temp.try($$UPDATE event_definitions_private.project_settings SET stale_after_days = 1$$) AS direct_write;
RESET SESSION AUTHORIZATION;

-- every change in the activity log, scope Project, with the fields that changed
SELECT scope, item_id, activity, user_id, detail ->> 'name' AS name,
	   (SELECT jsonb_agg(c - 'type' ORDER BY c ->> 'field') FROM jsonb_array_elements(detail -> 'changes') c) AS changes
FROM event_definitions_private.activity_log WHERE project_id = 7601 AND scope = 'Project' ORDER BY id;

-- ---------------------------------------------------------------- naming on create
SET SESSION AUTHORIZATION regress_settings_writer;
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(7601, '{"name": "Bad Name"}') ->> 'name'$$) AS bad_create;
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(7601, '{"name": "fine_name"}') ->> 'name'$$) AS good_create;
-- an existing name that breaks the rule stays as it is and can still be changed
SELECT pg_temp.try($$SELECT event_definitions.update_event_definition(7601,
	(SELECT id FROM event_definitions.event_definitions WHERE project_id = 7601 AND name = 'Legacy Event'),
	'{"description": "kept"}') ->> 'description'$$) AS legacy_update;
-- the other project has no rule
SET SESSION AUTHORIZATION regress_settings_other;
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(7602, '{"name": "Bad Name"}') ->> 'name'$$) AS other_project_create;
-- property names in property groups
SET SESSION AUTHORIZATION regress_settings_writer;
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(7601, '{"name": "New", "properties": [
	{"name": "ok_name", "property_type": "String"}, {"name": "NotOk", "property_type": "String"}]}') ->> 'name'$$) AS bad_property;
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(7601, '{"name": "New", "properties": [
	{"name": "ok_name", "property_type": "String"}]}') ->> 'name'$$) AS good_property;
-- a long hostile name is quoted short in the message
SELECT pg_temp.try(format('SELECT event_definitions.create_event_definition(7601, %L)',
	json_build_object('name', E'\n' || repeat('X', 300))::text)) AS long_bad_name;

-- ---------------------------------------------------------------- existing names that break the rules
SELECT event_definitions.naming_violations(7601);
SELECT pg_temp.try($$SELECT event_definitions.naming_violations(7602)$$) AS other_project_names;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------- naming at ingestion
-- a new name that breaks the pattern is reported (as "naming"), and under
-- "flag" also as unplanned; the definition is created (flag creates)
SELECT event_definitions.ingest_event(7601, 'Bad Ingested', '{}', '2024-06-01T00:00:00Z');
SELECT event_definitions.ingest_event(7601, 'good_ingested', '{}', '2024-06-01T00:00:00Z');
-- a name already known is not checked again
SELECT event_definitions.ingest_event(7601, 'Legacy Event', '{}', '2024-06-01T00:00:00Z');
-- under "reject" a name that breaks the pattern is not created
SELECT event_definitions.update_project_settings(7601, '{"unplanned_events": "reject"}') ->> 'unplanned_events';
SELECT event_definitions.ingest_event(7601, 'Also Bad', '{}', '2024-06-01T00:00:00Z');
SELECT name FROM event_definitions_private.event_definitions WHERE project_id = 7601 ORDER BY name;

-- ---------------------------------------------------------------- stale_after_days
-- exclude_stale hides what was last seen more than stale_after_days ago (7 here)
UPDATE event_definitions_private.event_definitions SET last_seen_at = now() - interval '10 days'
WHERE project_id = 7601 AND name = 'good_event';
UPDATE event_definitions_private.event_definitions SET last_seen_at = now() - interval '3 days'
WHERE project_id = 7601 AND name = 'fine_name';
SELECT r ->> 'name' FROM jsonb_array_elements(event_definitions.list_event_definitions(7601, exclude_stale => true) -> 'results') r
WHERE r ->> 'name' IN ('good_event', 'fine_name') ORDER BY 1;
SELECT event_definitions.update_project_settings(7601, '{"stale_after_days": 30}') ->> 'stale_after_days';
SELECT r ->> 'name' FROM jsonb_array_elements(event_definitions.list_event_definitions(7601, exclude_stale => true) -> 'results') r
WHERE r ->> 'name' IN ('good_event', 'fine_name') ORDER BY 1;

-- ---------------------------------------------------------------- dropped with the project
SELECT event_definitions_private.iso8601(updated_at) IS NOT NULL AS has_row FROM event_definitions_private.project_settings WHERE project_id = 7601;
DELETE FROM event_definitions_private.projects WHERE project_id = 7602;
SELECT count(*) AS other_rows FROM event_definitions_private.project_settings WHERE project_id = 7602;

DROP OWNED BY regress_settings_writer, regress_settings_reader, regress_settings_other;
DROP ROLE regress_settings_writer, regress_settings_reader, regress_settings_other;
