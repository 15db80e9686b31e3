--
-- DROP EXTENSION leaves nothing behind (in a database of its own): no
-- schemas, functions, types, tables, views, sequences, triggers, policies,
-- dependencies or shared dependencies on the roles.  The four roles are
-- cluster-wide and stay (as documented), so CREATE EXTENSION works again.
--
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_drop_extension_dora, regress_drop_extension_reader;
DROP DATABASE IF EXISTS regress_drop_ext;
RESET client_min_messages;
-- new databases like this one (UTF8, same locale), whatever template1 is
SELECT current_database() AS origdb, datcollate AS db_collate, datctype AS db_ctype
  FROM pg_database WHERE datname = current_database() \gset
CREATE DATABASE regress_drop_ext TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE :'db_collate' LC_CTYPE :'db_ctype';
\c regress_drop_ext
SET client_min_messages = warning;
CREATE EXTENSION event_definitions;
RESET client_min_messages;
SELECT extversion IS NOT NULL AS installed FROM pg_extension WHERE extname = 'event_definitions';
SELECT oid AS ext_oid FROM pg_extension WHERE extname = 'event_definitions' \gset

-- some data through the API (the login role must exist for upsert_user)
CREATE ROLE regress_drop_extension_dora LOGIN;
SELECT event_definitions.upsert_project(8301, 'Dropped') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 8301, "first_name": "Dora", "login_role": "regress_drop_extension_dora"}')
	->> 'first_name' AS user1;
SELECT event_definitions.add_project_member(8301, 8301);
SET event_definitions.user_id = '8301';
SELECT event_definitions.create_event_definition(8301,
	'{"name": "signup", "tags": ["Growth"], "owner": 8301, "verified": true}') ->> 'name' AS created;
SELECT event_definitions.create_property_group(8301,
	'{"name": "Checkout", "properties": [{"name": "total", "property_type": "Numeric", "is_required": true}]}')
	->> 'name' AS group_created;
SELECT event_definitions.add_event_schema(8301,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 8301 AND name = 'signup'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 8301 AND name = 'Checkout')) IS NOT NULL AS attached;
SELECT event_definitions.record_event_usage(8301, 'signup', 3);
SELECT count(*) AS activity FROM event_definitions.activity_log WHERE project_id = 8301;
-- a grant to a role of our own, to prove the shared dependency goes too
CREATE ROLE regress_drop_extension_reader NOLOGIN;
GRANT event_definitions_reader TO regress_drop_extension_reader;
GRANT SELECT ON event_definitions.event_definitions TO regress_drop_extension_reader;
SELECT count(*) > 0 AS has_shared_dependencies FROM pg_shdepend
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND refclassid = 'pg_authid'::regclass
  AND refobjid IN (SELECT oid FROM pg_roles WHERE rolname LIKE 'event_definitions\_%'
				   OR rolname = 'regress_drop_extension_reader');

-- what the extension owns before the drop
SELECT classid::regclass AS catalog, count(*) > 0 AS has_members
FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND refobjid = :ext_oid AND deptype = 'e'
GROUP BY 1 ORDER BY 1::text;

-- a user object that depends on the extension blocks a plain DROP EXTENSION
CREATE VIEW public.my_signups AS SELECT name FROM event_definitions.event_definitions;
\set VERBOSITY terse
DROP EXTENSION event_definitions;
\set VERBOSITY default
DROP VIEW public.my_signups;

DROP EXTENSION event_definitions;

-- nothing is left
SELECT count(*) AS extension_rows FROM pg_extension WHERE extname = 'event_definitions';
SELECT count(*) AS dependencies FROM pg_depend
WHERE (refclassid = 'pg_extension'::regclass AND refobjid = :ext_oid)
   OR (classid = 'pg_extension'::regclass AND objid = :ext_oid);
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname LIKE 'event_definitions%';
SELECT count(*) AS functions FROM pg_proc
WHERE probin LIKE '%event_definitions%' OR proname LIKE 'ed\_%' OR prosrc LIKE '%event_definitions%';
SELECT count(*) AS relations FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
SELECT count(*) AS types FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
SELECT count(*) AS triggers FROM pg_trigger WHERE NOT tgisinternal;
SELECT count(*) AS event_triggers FROM pg_event_trigger;
SELECT count(*) AS policies FROM pg_policy;
SELECT count(*) AS init_privs FROM pg_init_privs i
WHERE NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = i.objoid)
  AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE oid = i.objoid)
  AND NOT EXISTS (SELECT 1 FROM pg_namespace WHERE oid = i.objoid)
  AND NOT EXISTS (SELECT 1 FROM pg_type WHERE oid = i.objoid);
SELECT count(*) AS comments FROM pg_description d
WHERE d.description LIKE '%event_definitions%' OR d.description LIKE '%PostHog%';
-- no object of this database still depends on the roles
SELECT count(*) AS shared_dependencies FROM pg_shdepend
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND refclassid = 'pg_authid'::regclass
  AND refobjid IN (SELECT oid FROM pg_roles WHERE rolname LIKE 'event_definitions\_%'
				   OR rolname = 'regress_drop_extension_reader');
-- the API is gone
\set VERBOSITY terse
SELECT event_definitions.list_event_definitions(8301);
\set VERBOSITY default
-- the roles stay (cluster-wide), with their memberships
SELECT r.rolname, r.rolcanlogin,
	   ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
			 WHERE m.member = r.oid ORDER BY 1) AS member_of
FROM pg_roles r WHERE r.rolname LIKE 'event_definitions\_%' ORDER BY 1;

-- CREATE EXTENSION again works, empty, and the API answers
SET client_min_messages = warning;
CREATE EXTENSION event_definitions;
RESET client_min_messages;
SELECT count(*) AS projects FROM event_definitions_private.projects;
SELECT event_definitions.upsert_project(8301, 'Again') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 8301, "first_name": "Dora"}') ->> 'first_name' AS user1;
SELECT event_definitions.add_project_member(8301, 8301);
SELECT event_definitions.create_event_definition(8301, '{"name": "signup"}') ->> 'name' AS created;
SELECT event_definitions.list_event_definitions(8301) -> 'count' AS listed;
SELECT count(*) AS activity FROM event_definitions.activity_log WHERE project_id = 8301;

-- clean up: the database and our role
\c :origdb
DROP DATABASE regress_drop_ext;
DROP ROLE regress_drop_extension_reader;
DROP ROLE regress_drop_extension_dora;
SELECT count(*) AS leftover FROM pg_database WHERE datname = 'regress_drop_ext';
