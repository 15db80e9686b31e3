/* event_definitions--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION event_definitions UPDATE TO '1.1'" to load this file. \quit

SET LOCAL search_path TO pg_catalog, pg_temp;

/*
 * Large projects.  Each project keeps the number of its definitions, so the
 * list can tell a large project (PostHog: above 50,000 definitions the count
 * is capped at 10,000; above 100,000 the default order is by name) without
 * counting it.  Statement-level triggers keep the number, once per statement.
 */
ALTER TABLE event_definitions_private.projects
	ADD COLUMN definition_count bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN event_definitions_private.projects.definition_count IS
	'Number of event definitions of the project, kept by triggers; decides capped list counts';

UPDATE event_definitions_private.projects p
SET definition_count = c.n
FROM (SELECT d.project_id, pg_catalog.count(*) AS n
	  FROM event_definitions_private.event_definitions d GROUP BY d.project_id) c
WHERE c.project_id = p.project_id;

CREATE FUNCTION event_definitions_private.count_definitions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE event_definitions_private.projects p
		SET definition_count = p.definition_count + c.n
		FROM (SELECT project_id, pg_catalog.count(*) AS n FROM new_rows GROUP BY project_id) c
		WHERE p.project_id = c.project_id;
	ELSE
		UPDATE event_definitions_private.projects p
		SET definition_count = GREATEST(p.definition_count - c.n, 0)
		FROM (SELECT project_id, pg_catalog.count(*) AS n FROM old_rows GROUP BY project_id) c
		WHERE p.project_id = c.project_id;
	END IF;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION event_definitions_private.count_definitions() FROM PUBLIC;
COMMENT ON FUNCTION event_definitions_private.count_definitions() IS
	'Keeps projects.definition_count (statement-level, from the transition table)';

CREATE TRIGGER event_definitions_counted_insert
	AFTER INSERT ON event_definitions_private.event_definitions
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.count_definitions();
CREATE TRIGGER event_definitions_counted_delete
	AFTER DELETE ON event_definitions_private.event_definitions
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION event_definitions_private.count_definitions();

/*
 * A project row is always inserted before its definitions (foreign key), so
 * it starts at 0 whatever the row says.  This keeps the count exact across
 * pg_dump/pg_restore: the restored projects row carries the dumped count,
 * and restoring the definitions afterwards counts them again.  (With
 * triggers disabled, --disable-triggers, the dumped count is kept as is.)
 */
CREATE FUNCTION event_definitions_private.start_definition_count() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.definition_count := 0;
	RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION event_definitions_private.start_definition_count() FROM PUBLIC;
COMMENT ON FUNCTION event_definitions_private.start_definition_count() IS
	'A new projects row starts with definition_count 0 (its definitions are inserted, and counted, later)';
CREATE TRIGGER projects_start_definition_count
	BEFORE INSERT ON event_definitions_private.projects
	FOR EACH ROW EXECUTE FUNCTION event_definitions_private.start_definition_count();

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
AS 'MODULE_PATHNAME', 'ed_list_event_definitions_v2'
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

/*
 * The activity log's identity sequence is data too: without this, a dump
 * restores the log's rows but restarts the sequence at 1, and the next
 * write after a restore collides with activity_log_pkey.
 */
SELECT pg_catalog.pg_extension_config_dump('event_definitions_private.activity_log_id_seq', '');

NOTIFY pgrst, 'reload schema';
