/* event_definitions--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION event_definitions UPDATE TO '1.1'" to load this file. \quit

SET LOCAL search_path TO pg_catalog, pg_temp;

/*
 * Large projects (PostHog: above 50,000 definitions the list count is capped
 * at 10,000; above 100,000 the default order is by name).  The list tells a
 * large project from the planner's statistics of project_id (the most
 * common values and their frequencies, scaled to the table's current size),
 * so neither a count nor a counter row that every insert would update.
 */
-- list_event_definitions now caps counts of large projects (count_is_capped)
CREATE OR REPLACE FUNCTION event_definitions.list_event_definitions(
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
AS 'MODULE_PATHNAME', 'ed_list_event_definitions_1_1'
LANGUAGE C STABLE;
COMMENT ON FUNCTION event_definitions.list_event_definitions(bigint, integer, integer, text, text, text, boolean, json, text, json, boolean) IS
	'GET /event_definitions/: one page {count, next, previous, count_is_capped, results} with PostHog''s filters and ordering';

/*
 * Name search.  With pg_trgm in the database, a trigram index serves the
 * case-insensitive substring search of the list; without it, search scans
 * the project's rows.  create_search_index() builds it later, once an
 * administrator has installed pg_trgm.
 */
CREATE FUNCTION event_definitions_private.create_search_index() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	trgm_schema name;
BEGIN
	SELECT n.nspname INTO trgm_schema
	FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pg_trgm';
	IF trgm_schema IS NULL THEN
		RETURN false;
	END IF;
	EXECUTE pg_catalog.format(
		'CREATE INDEX IF NOT EXISTS event_definitions_name_search_idx'
		' ON event_definitions_private.event_definitions'
		' USING gin ((name COLLATE "default") %I.gin_trgm_ops)', trgm_schema);
	RETURN true;
END
$$;
REVOKE ALL ON FUNCTION event_definitions_private.create_search_index() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_definitions_private.create_search_index() TO event_definitions_admin;
COMMENT ON FUNCTION event_definitions_private.create_search_index() IS
	'Builds the trigram index for list search when pg_trgm is installed; returns whether it exists now';

SELECT event_definitions_private.create_search_index();

NOTIFY pgrst, 'reload schema';
