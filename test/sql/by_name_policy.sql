-- event_definition_by_name reads its row from the unique index without a
-- query when the table's row-level security is the extension's own policy;
-- otherwise (another policy, row_security off) it runs the query, so every
-- policy still applies.  Project 9701 (Bea's), 9702 (not hers).
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_by_name_writer;
RESET client_min_messages;
CREATE ROLE regress_by_name_writer LOGIN;
GRANT event_definitions_writer TO regress_by_name_writer;
SELECT current_user AS superuser_name \gset
SELECT event_definitions.upsert_project(9701, 'Hers') ->> 'name';
SELECT event_definitions.upsert_project(9702, 'Not hers') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 9711, "first_name": "Bea", "login_role": "regress_by_name_writer"}') ->> 'first_name';
SELECT event_definitions.add_project_member(9701, 9711);
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, owner_id, tags, last_seen_at) VALUES
	(9701, 'e1000000-0000-4000-8000-000000000001', 'public', 9711, '{a,b}', '2020-01-02Z'),
	(9701, 'e1000000-0000-4000-8000-000000000002', 'secret', NULL, '{}', NULL),
	(9702, 'e1000000-0000-4000-8000-000000000003', 'public', NULL, '{}', NULL);

\c - regress_by_name_writer
\i :abs_srcdir/sql/include/try_terse.psql
-- the same answer as retrieve (a query through the view's shape)
SELECT event_definitions.event_definition_by_name(9701, 'public')
	 = event_definitions.retrieve_event_definition(9701, 'e1000000-0000-4000-8000-000000000001') AS same_as_retrieve;
SELECT event_definitions.event_definition_by_name(9701, 'public') ->> 'owner' IS NOT NULL AS owner_shown;
-- another project's name answers like a missing one
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9702, 'public')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9701, 'missing')$$);
-- inside a read-only transaction with a snapshot: a row inserted later is not seen
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT event_definitions.event_definition_by_name(9701, 'secret') ->> 'name' AS before_insert;
COMMIT;

\c - :superuser_name
-- another policy: the query runs, and that policy applies too
CREATE POLICY regress_hide_secret ON event_definitions_private.event_definitions AS RESTRICTIVE
	USING (name OPERATOR(pg_catalog.<>) 'secret');
\c - regress_by_name_writer
\i :abs_srcdir/sql/include/try_terse.psql
SELECT event_definitions.event_definition_by_name(9701, 'public') ->> 'name' AS with_policy;
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9701, 'secret')$$) AS hidden_by_policy;
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9702, 'public')$$) AS other_project;
\c - :superuser_name
DROP POLICY regress_hide_secret ON event_definitions_private.event_definitions;
\c - regress_by_name_writer
\i :abs_srcdir/sql/include/try_terse.psql
SELECT event_definitions.event_definition_by_name(9701, 'secret') ->> 'name' AS policy_gone;
-- row_security off: the query refuses, as it does for any read under a policy
SET row_security = off;
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9701, 'public')$$) AS row_security_off;
RESET row_security;

\c - :superuser_name
-- a superuser bypasses row-level security: every project
SET event_definitions.user_id = '9711';
SELECT event_definitions.event_definition_by_name(9702, 'public') ->> 'id' AS superuser_sees;
RESET event_definitions.user_id;
DELETE FROM event_definitions_private.projects WHERE project_id IN (9701, 9702);
DELETE FROM event_definitions_private.users WHERE id = 9711;
DROP ROLE regress_by_name_writer;
