/* event_definitions--1.1--1.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION event_definitions UPDATE TO '1.2'" to load this file. \quit

SET LOCAL search_path TO pg_catalog, pg_temp;

/*
 * Cheaper policies.  A policy used to run two subqueries per query, one of
 * them a SECURITY DEFINER function (a change of user and of search_path on
 * every call); now it runs one subquery of a function that runs as the
 * caller and answers from the identity kept for the session.  (When that
 * identity must be computed, the function has visible_projects() compute it
 * as the extension's owner.)  NULL means every row: an admin's view.
 * "x = ANY (NULL) IS NOT FALSE" is true, and the arrays hold no NULLs, so
 * for everybody else it is plain membership.
 */
CREATE FUNCTION event_definitions_private.policy_projects() RETURNS bigint[]
AS 'MODULE_PATHNAME', 'ed_policy_projects'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION event_definitions_private.policy_projects() IS
	'The projects the row-level security policies let the caller see: NULL for every project (an admin), else the acting user''s projects';

CREATE FUNCTION event_definitions_private.policy_users() RETURNS integer[]
AS 'MODULE_PATHNAME', 'ed_policy_users'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION event_definitions_private.policy_users() IS
	'The users the policy of the users table lets the caller see: NULL for every user (an admin), else the acting user and those who share a project with it';

REVOKE ALL ON FUNCTION event_definitions_private.policy_projects() FROM PUBLIC;
REVOKE ALL ON FUNCTION event_definitions_private.policy_users() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_definitions_private.policy_projects() TO event_definitions_reader;
GRANT EXECUTE ON FUNCTION event_definitions_private.policy_users() TO event_definitions_reader;

DO $rls$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['projects', 'project_members', 'event_definitions', 'property_groups',
							 'property_group_properties', 'event_schemas', 'activity_log', 'event_usage']
	LOOP
		EXECUTE pg_catalog.format(
			'ALTER POLICY project_access ON event_definitions_private.%I '
			'USING ((project_id OPERATOR(pg_catalog.=) ANY ('
			'(SELECT event_definitions_private.policy_projects())::bigint[])) IS NOT FALSE)', t);
	END LOOP;
END
$rls$;

ALTER POLICY user_access ON event_definitions_private.users
	USING ((id OPERATOR(pg_catalog.=) ANY ((SELECT event_definitions_private.policy_users())::integer[])) IS NOT FALSE);

-- What the old policies called and nothing calls now.  (visible_projects()
-- stays: policy_projects() has it compute the identity.)
DROP FUNCTION event_definitions_private.is_admin();
DROP FUNCTION event_definitions_private.visible_users();
