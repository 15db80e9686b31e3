-- The release chain: install 1.0, use it with the current module, update
-- to 1.1, 1.2 and then 1.3, and find the data intact and each release's
-- new behaviour in place; a fresh install of the default version has the
-- same objects.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regress_upgrade;
DROP DATABASE IF EXISTS regress_fresh;
DROP ROLE IF EXISTS regress_upgrade_member, regress_upgrade_admin;
RESET client_min_messages;
-- new databases like this one (UTF8, same locale), whatever template1 is
SELECT current_database() AS origdb, datcollate AS db_collate, datctype AS db_ctype
  FROM pg_database WHERE datname = current_database() \gset
CREATE DATABASE regress_upgrade TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE :'db_collate' LC_CTYPE :'db_ctype';
CREATE ROLE regress_upgrade_member LOGIN IN ROLE event_definitions_writer;
CREATE ROLE regress_upgrade_admin IN ROLE event_definitions_admin;
CREATE DATABASE regress_fresh TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE :'db_collate' LC_CTYPE :'db_ctype';
\c regress_upgrade
SET client_min_messages = warning;
CREATE EXTENSION event_definitions VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'event_definitions';

SELECT event_definitions.upsert_project(1, 'one') IS NOT NULL AS project;
SET event_definitions.user_id = '';
SELECT count(event_definitions.create_event_definition(1, json_build_object('name', 'event_' || g, 'tags', json_build_array('t' || g % 3))))
FROM generate_series(1, 30) g;
-- 1.0 SQL with the current module: exact counts, no count_is_capped key
SELECT j->'count' AS count, j ? 'count_is_capped' AS has_capped_key
FROM event_definitions.list_event_definitions(1, 5) j;

ALTER EXTENSION event_definitions UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'event_definitions';

-- data intact, new behaviour
SELECT count(*) AS definitions, count(DISTINCT tags) AS tag_sets
FROM event_definitions_private.event_definitions;
SELECT j->'count' AS count, j->'count_is_capped' AS capped
FROM event_definitions.list_event_definitions(1, 5) j;
SELECT event_definitions.create_event_definition(1, '{"name": "after_upgrade"}') ->> 'name' AS created;
SELECT count(*) AS activity FROM event_definitions.activity_log;

-- 1.2: one policy subquery, of a function that runs as the caller; the
-- policies still filter (a member of project 2 only) and still let an
-- admin see everything
ALTER EXTENSION event_definitions UPDATE TO '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'event_definitions';
SELECT tablename, qual FROM pg_policies WHERE schemaname = 'event_definitions_private' ORDER BY tablename;
SELECT p.proname, p.prosecdef FROM pg_proc p
WHERE p.pronamespace = 'event_definitions_private'::regnamespace AND p.proname LIKE 'policy\_%' ORDER BY 1;
SELECT event_definitions.upsert_project(2, 'two') IS NOT NULL AS project;
SELECT event_definitions.create_event_definition(2, '{"name": "in_two"}') ->> 'name' AS created;
-- 1.2 SQL with the current module: property groups and ingestion work
-- without the tables of 1.3 (default settings, no rules, no violations log)
SELECT event_definitions.create_property_group(2, '{"name": "G", "properties": [
	{"name": "p", "property_type": "String", "is_required": true}]}') -> 'properties' -> 0 ->> 'name' AS property;
SELECT event_definitions.create_property_group(2, '{"name": "H", "properties": [
	{"name": "p", "property_type": "String", "rules": {"enum": ["a"]}}]}') ->> 'name' AS rules_before_1_3;
SELECT event_definitions.add_event_schema(2,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 2 AND name = 'in_two'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 2 AND name = 'G')) IS NOT NULL AS attached;
SELECT event_definitions.ingest_event(2, 'in_two', '{}', '2024-01-01T00:00:00Z');
SELECT event_definitions.ingest_event(2, 'Brand New', '{}', '2024-01-01T00:00:00Z') ->> 'accepted' AS new_name;
SELECT event_definitions.upsert_user('{"id": 901, "first_name": "Up", "email": "up@example.com", "login_role": "regress_upgrade_member"}') ->> 'id' AS user;
SELECT event_definitions.add_project_member(2, 901) IS NOT NULL AS member;
SET SESSION AUTHORIZATION regress_upgrade_member;
SELECT project_id, count(*) FROM event_definitions.event_definitions GROUP BY 1 ORDER BY 1;
SELECT id FROM event_definitions_private.users ORDER BY id;
SELECT event_definitions.list_event_definitions(1);
RESET SESSION AUTHORIZATION;
SET ROLE regress_upgrade_admin;
SELECT project_id, count(*) FROM event_definitions.event_definitions GROUP BY 1 ORDER BY 1;
RESET ROLE;
-- 1.2 SQL with the current module: the writer's direct write is refused by
-- the old trigger, its write through the API goes through
SET SESSION AUTHORIZATION regress_upgrade_member;
UPDATE event_definitions_private.event_definitions SET description = 'x' WHERE project_id = 2;
SELECT event_definitions.create_event_definition(2, '{"name": "by_member"}') ->> 'name' AS created;
RESET SESSION AUTHORIZATION;

-- 1.3: writes run as the extension's owner, so the roles hold no write
-- privilege and the trigger that refused direct writes is gone; every
-- function pins search_path and has its PARALLEL label; ids and paging
-- numbers take any spelling
ALTER EXTENSION event_definitions UPDATE TO '1.3';
SELECT extversion FROM pg_extension WHERE extname = 'event_definitions';
SELECT r.rolname, pg_catalog.bool_or(has_table_privilege(r.oid, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')) AS may_write
FROM pg_roles r, pg_class c
WHERE r.rolname LIKE 'event\_definitions\_%' AND c.relnamespace = 'event_definitions_private'::regnamespace
  AND c.relkind = 'r'
GROUP BY 1 ORDER BY 1;
SELECT count(*) AS guard_triggers FROM pg_trigger WHERE tgname = 'guard_write';
SELECT p.proname FROM pg_proc p
WHERE p.pronamespace IN ('event_definitions'::regnamespace, 'event_definitions_private'::regnamespace)
  AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
  AND NOT COALESCE(p.proconfig @> '{"search_path=pg_catalog, pg_temp"}', false)
ORDER BY 1;
SELECT p.proparallel, p.provolatile, count(*) FROM pg_proc p
WHERE p.pronamespace = 'event_definitions'::regnamespace GROUP BY 1, 2 ORDER BY 1, 2;
SET SESSION AUTHORIZATION regress_upgrade_member;
UPDATE event_definitions_private.event_definitions SET description = 'x' WHERE project_id = 2;
SELECT event_definitions.create_event_definition(2, '{"name": "after_1_3"}') ->> 'name' AS created;
-- what 1.2 wrote is in the 1.3 catalog and its plan; ingestion counts violations now
SELECT e ->> 'name' AS event, e -> 'property_groups' AS groups
FROM jsonb_array_elements(event_definitions.export_tracking_plan(2) -> 'events') e ORDER BY 1;
SELECT event_definitions.ingest_event(2, 'in_two', '{}', '2024-01-01T00:00:00Z') ->> 'accepted' AS accepted;
SELECT event, property, violation, count FROM event_definitions.ingestion_violations WHERE project_id = 2;
SELECT event_definitions.retrieve_event_definition(2, 'undefined');
SELECT j->'count' AS count, jsonb_array_length(j->'results') AS page
FROM event_definitions.list_event_definitions(2, "limit" => 9223372036854775808, "offset" => 0) j;
RESET SESSION AUTHORIZATION;

-- the same objects as a fresh install
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/fingerprint.psql
SELECT string_agg(kind || '=' || digest, ' ' ORDER BY kind) AS upgraded FROM fingerprint \gset

\c regress_fresh
SET client_min_messages = warning;
CREATE EXTENSION event_definitions;
SELECT extversion FROM pg_extension WHERE extname = 'event_definitions';
\i :abs_srcdir/sql/include/fingerprint.psql
SELECT string_agg(kind || '=' || digest, ' ' ORDER BY kind) = :'upgraded' AS same_objects_as_upgraded
FROM fingerprint;

\c :origdb
DROP DATABASE regress_upgrade;
DROP DATABASE regress_fresh;
DROP ROLE regress_upgrade_member;
DROP ROLE regress_upgrade_admin;
