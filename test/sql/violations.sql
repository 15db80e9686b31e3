-- The violations log (view ingestion_violations): counts per (project,
-- event, property, violation) with first and last seen and at most
-- violation_examples example payloads, summed over the backends that
-- counted (one row each, so that concurrent ingestion never waits on one
-- row); readable like every view, within the reader's projects; the rows of
-- a deleted definition go with it.  Projects 7901 and 7902.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_violations_a, regress_violations_b, regress_violations_nobody;
RESET client_min_messages;
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
CREATE ROLE regress_violations_a LOGIN;
CREATE ROLE regress_violations_b LOGIN;
CREATE ROLE regress_violations_nobody LOGIN;
GRANT event_definitions_reader TO regress_violations_a;
GRANT event_definitions_writer TO regress_violations_b;
SELECT event_definitions.upsert_project(7901, 'Seven') ->> 'name', event_definitions.upsert_project(7902, 'Nine') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 7901, "first_name": "A", "login_role": "regress_violations_a"}') ->> 'id',
	   event_definitions.upsert_user('{"id": 7902, "first_name": "B", "login_role": "regress_violations_b"}') ->> 'id';
SELECT event_definitions.add_project_member(7901, 7901), event_definitions.add_project_member(7902, 7902);
-- the same event and group in both projects
SELECT p, event_definitions.create_property_group(p, '{"name": "G", "properties": [
	{"name": "plan", "property_type": "String", "is_required": true, "rules": {"enum": ["free", "pro"]}},
	{"name": "n", "property_type": "Numeric"}]}') ->> 'name',
	event_definitions.create_event_definition(p, '{"name": "buy"}') ->> 'name'
FROM (VALUES (7901), (7902)) v(p) ORDER BY p;
SELECT p, event_definitions.add_event_schema(p,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = p AND name = 'buy'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = p AND name = 'G')) IS NOT NULL
FROM (VALUES (7901), (7902)) v(p) ORDER BY p;
SELECT event_definitions.update_project_settings(7901, '{"violation_examples": 2}') ->> 'violation_examples';

-- ---------------------------------------------------------------- counts, times, examples
SELECT count(*) FILTER (WHERE NOT (r ->> 'accepted')::boolean) AS refused, count(*) AS events
FROM generate_series(1, 7) g,
	 LATERAL event_definitions.ingest_event(7901, 'buy',
		jsonb_build_object('plan', CASE WHEN g % 2 = 0 THEN 'gold' ELSE 'pro' END, 'n', CASE WHEN g <= 3 THEN 'x' ELSE '1' END, 'g', g),
		'2024-09-01T00:00:00Z'::timestamptz + g * interval '1 hour') r;
SELECT event_definitions.ingest_event(7901, 'buy', '{"n": 2}', '2024-09-02T00:00:00Z') -> 'violations' AS missing;
SELECT event_definitions.ingest_event(7902, 'buy', '{"plan": "gold"}', '2024-09-03T00:00:00Z') -> 'violations' AS other_project;
SELECT project_id, event, property, violation, count,
	   event_definitions_private.iso8601(first_seen) AS first_seen, event_definitions_private.iso8601(last_seen) AS last_seen,
	   jsonb_array_length(examples) AS nexamples, examples -> 0 AS first_example
FROM event_definitions.ingestion_violations WHERE project_id IN (7901, 7902)
ORDER BY project_id, event, property, violation;
-- the examples are the first ones seen, at most violation_examples of them
SELECT e -> 'properties' ->> 'g' AS g, e ->> 'timestamp' AS ts
FROM event_definitions.ingestion_violations v, jsonb_array_elements(v.examples) e
WHERE project_id = 7901 AND violation = 'not_in_enum' ORDER BY 1;
-- the rows of other backends (shards) are summed, their examples follow by first sight
-- (another backend's row, written here as it would write it)
INSERT INTO event_definitions_private.ingestion_violations
	(project_id, event, property, violation, shard, count, first_seen, last_seen, examples)
VALUES (7901, 'buy', 'plan', 'not_in_enum', -1, 10, '2024-08-31T00:00:00Z', '2024-09-10T00:00:00Z',
		'[{"timestamp": "2024-08-31T00:00:00Z", "properties": {"plan": "other"}}]');
SELECT count, event_definitions_private.iso8601(first_seen) AS first_seen, event_definitions_private.iso8601(last_seen) AS last_seen,
	   examples -> 0 -> 'properties' ->> 'plan' AS first_example, jsonb_array_length(examples) AS nexamples
FROM event_definitions.ingestion_violations WHERE project_id = 7901 AND violation = 'not_in_enum';
-- this backend's row is still one row
SELECT count(*) AS own_rows FROM event_definitions_private.ingestion_violations
WHERE project_id = 7901 AND violation = 'not_in_enum' AND shard <> -1;
-- violation_examples = 0 keeps none; raising it shows more of what was kept
SELECT event_definitions.update_project_settings(7901, '{"violation_examples": 0}') ->> 'violation_examples';
SELECT violation, jsonb_array_length(examples) AS nexamples FROM event_definitions.ingestion_violations
WHERE project_id = 7901 ORDER BY 1;
SELECT event_definitions.update_project_settings(7901, '{"violation_examples": 100}') ->> 'violation_examples';
SELECT violation, jsonb_array_length(examples) AS nexamples FROM event_definitions.ingestion_violations
WHERE project_id = 7901 ORDER BY 1;
-- a large payload is kept as its size only
SELECT event_definitions.ingest_event(7901, 'buy', jsonb_build_object('plan', 'big', 'pad', repeat('x', 5000)), '2024-09-05T00:00:00Z') ->> 'accepted';
SELECT e FROM event_definitions.ingestion_violations v, jsonb_array_elements(v.examples) e
WHERE project_id = 7901 AND violation = 'not_in_enum' AND e ->> 'timestamp' = '2024-09-05T00:00:00Z';

-- ---------------------------------------------------------------- isolation
-- a reader of 7901 sees 7901's rows only, a member of 7902 only 7902's, a login without a role nothing
SET SESSION AUTHORIZATION regress_violations_a;
SELECT DISTINCT project_id FROM event_definitions.ingestion_violations ORDER BY 1;
SELECT DISTINCT project_id FROM event_definitions_private.ingestion_violations ORDER BY 1;
SELECT pg_temp.try($$DELETE FROM event_definitions_private.ingestion_violations$$) AS reader_deletes;
SET SESSION AUTHORIZATION regress_violations_b;
SELECT DISTINCT project_id FROM event_definitions.ingestion_violations ORDER BY 1;
SELECT pg_temp.try($$UPDATE event_definitions_private.ingestion_violations SET count = 1$$) AS writer_updates;
-- a writer's ingestion counts in its own project, never in another
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7901, 'buy', '{}') ->> 'accepted'$$) AS other_project;
SELECT event_definitions.ingest_event(7902, 'buy', '{}', '2024-09-06T00:00:00Z') ->> 'accepted' AS own_project;
SET SESSION AUTHORIZATION regress_violations_nobody;
SELECT pg_temp.try($$SELECT count(*) FROM event_definitions.ingestion_violations$$) AS no_role;
RESET SESSION AUTHORIZATION;
SELECT project_id, violation, count FROM event_definitions.ingestion_violations WHERE project_id IN (7901, 7902) ORDER BY 1, 2;

-- ---------------------------------------------------------------- gone with the definition, the project
SELECT event_definitions.delete_event_definition(7901,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7901 AND name = 'buy'));
SELECT project_id, count(*) FROM event_definitions_private.ingestion_violations
WHERE project_id IN (7901, 7902) GROUP BY 1 ORDER BY 1;
DELETE FROM event_definitions_private.projects WHERE project_id = 7902;
SELECT count(*) AS left_over FROM event_definitions_private.ingestion_violations WHERE project_id IN (7901, 7902);

DROP OWNED BY regress_violations_a, regress_violations_b, regress_violations_nobody;
DROP ROLE regress_violations_a, regress_violations_b, regress_violations_nobody;
