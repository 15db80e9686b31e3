-- Batch ingestion: ingest_events(project_id, events jsonb) answers exactly
-- what ingest_event answers for each element, in input order, and leaves
-- exactly the same catalog and violation counts.  Two twin projects get the
-- same configuration: 8001 ingests one batch, 8002 the same events one call
-- at a time.  Then the batch's own errors and limits.
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
SET event_definitions.enable_reject_mode = on;
CREATE FUNCTION pg_temp.setup(p bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM event_definitions.upsert_project(p, 'Twin ' || p);
	PERFORM event_definitions.update_project_settings(p, '{"event_name_pattern": "^[a-z_]+$", "unplanned_events": "flag",
		"violation_examples": 3}');
	PERFORM event_definitions.create_property_group(p, '{"name": "G", "properties": [
		{"name": "plan", "property_type": "String", "is_required": true, "rules": {"enum": ["free", "pro"]}},
		{"name": "n", "property_type": "Numeric", "rules": {"minimum": 0}},
		{"name": "at", "property_type": "DateTime"}]}');
	PERFORM event_definitions.create_event_definition(p, '{"name": "soft"}');
	PERFORM event_definitions.create_event_definition(p, '{"name": "strict", "enforcement_mode": "reject"}');
	PERFORM event_definitions.add_event_schema(p, d.id, g.id)
	FROM event_definitions_private.event_definitions d, event_definitions_private.property_groups g
	WHERE d.project_id = p AND g.project_id = p AND d.name IN ('soft', 'strict');
END
$$;
SELECT pg_temp.setup(8001), pg_temp.setup(8002);

CREATE TEMP TABLE batch (n serial, e jsonb);
INSERT INTO batch (e) VALUES
	('{"event": "soft", "properties": {"plan": "pro", "n": 1}, "timestamp": "2024-10-01T00:00:00Z"}'),
	('{"event": "soft", "properties": {"plan": "gold", "n": -1}, "timestamp": "2024-10-01T00:01:00Z"}'),
	('{"event": "strict", "properties": {"plan": "pro"}, "timestamp": "2024-10-01T00:02:00Z"}'),
	('{"event": "strict", "properties": {"n": "x"}, "timestamp": "2024-10-01T00:03:00Z"}'),
	('{"event": "brand_new", "properties": {}, "timestamp": "2024-10-01T00:04:00Z"}'),
	('{"event": "brand_new", "timestamp": "2024-10-01T00:05:00Z"}'),
	('{"event": "Bad Name", "properties": {"a": 1}, "timestamp": "2024-10-01T00:06:00Z"}'),
	('{"event": "soft", "properties": {"plan": "free", "at": "2024-10-01"}, "timestamp": 1727740800}'),
	('{"event": "soft", "properties": null, "timestamp": "2024-09-30T00:00:00Z"}'),
	('{"event": "strict", "properties": {"plan": "free", "at": "never"}, "timestamp": "2024-10-01T00:07:00Z"}'),
	('{"event": "later_new", "properties": {"plan": 1}, "timestamp": "2024-10-01T00:08:00Z"}'),
	('{"event": "soft", "properties": {"plan": "pro"}, "timestamp": "2024-10-02T00:00:00Z"}');

-- one batch
SELECT event_definitions.ingest_events(8001, (SELECT jsonb_agg(e ORDER BY n) FROM batch)) AS answer \gset
SELECT (:'answer'::jsonb) - 'results' AS totals;
-- one call per event (null properties and timestamps as ingest_event spells them)
CREATE TEMP TABLE singles AS
SELECT n, event_definitions.ingest_event(8002, e ->> 'event', NULLIF(e -> 'properties', 'null'),
	CASE jsonb_typeof(e -> 'timestamp') WHEN 'number' THEN to_timestamp((e ->> 'timestamp')::float8)
		ELSE (e ->> 'timestamp')::timestamptz END) AS r
FROM batch ORDER BY n;
-- the same answers, element by element
SELECT b.n, b.r = s.r AS same, b.r
FROM jsonb_array_elements(:'answer'::jsonb -> 'results') WITH ORDINALITY AS b(r, n)
JOIN singles s USING (n) ORDER BY n;
SELECT (:'answer'::jsonb -> 'accepted')::int = count(*) FILTER (WHERE (r ->> 'accepted')::boolean) AS same_accepted,
	   (:'answer'::jsonb -> 'rejected')::int = count(*) FILTER (WHERE NOT (r ->> 'accepted')::boolean) AS same_rejected
FROM singles;
-- the same catalog: names, first and last seen
SELECT name, event_definitions_private.iso8601(created_at) AS created_at, event_definitions_private.iso8601(last_seen_at) AS last_seen_at,
	   count(*) AS projects
FROM event_definitions_private.event_definitions WHERE project_id IN (8001, 8002)
GROUP BY 1, 2, 3 ORDER BY 1;
-- the same violation counts and examples
SELECT event, property, violation, count, examples, count(*) AS projects
FROM event_definitions.ingestion_violations WHERE project_id IN (8001, 8002)
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3;
-- the same activity: one "created" per name seen first
SELECT detail ->> 'name' AS name, activity, count(*) AS projects
FROM event_definitions_private.activity_log WHERE project_id IN (8001, 8002) AND scope = 'EventDefinition'
GROUP BY 1, 2 ORDER BY 1, 2;

-- ---------------------------------------------------------------- the batch's errors
CREATE TEMP TABLE bad (n serial, events text);
INSERT INTO bad (events) VALUES
	('{"event": "soft"}'),
	('[1]'),
	('[{"properties": {}}]'),
	('[{"event": null}]'),
	('[{"event": 5}]'),
	('[{"event": ""}]'),
	('[{"event": "ok"}, {"event": "soft", "properties": [1]}]'),
	('[{"event": "soft", "timestamp": "yesterday"}]'),
	('[{"event": "soft", "timestamp": true}]'),
	('null');
SELECT n, pg_temp.try(format('SELECT event_definitions.ingest_events(8001, %L)', events)) AS answer FROM bad ORDER BY n;
-- an empty batch
SELECT event_definitions.ingest_events(8001, '[]');
-- at most 10,000 events: the 10,001st is refused before anything is written
SELECT pg_temp.try($$SELECT event_definitions.ingest_events(8001,
	(SELECT jsonb_agg(jsonb_build_object('event', 'many_' || g)) FROM generate_series(1, 10001) g)) ->> 'accepted'$$) AS too_many;
SELECT count(*) AS written FROM event_definitions_private.event_definitions WHERE project_id = 8001 AND name LIKE 'many\_%';
SELECT event_definitions.ingest_events(8001,
	(SELECT jsonb_agg(jsonb_build_object('event', 'many_' || g % 100, 'timestamp', '2024-10-03T00:00:00Z')) FROM generate_series(1, 10000) g)) - 'results';
SELECT count(*) AS written FROM event_definitions_private.event_definitions WHERE project_id = 8001 AND name LIKE 'many\_%';
-- a project the caller cannot see is a 404, whatever the batch
SELECT pg_temp.try($$SELECT event_definitions.ingest_events(8099, '[{"event": "x"}]')$$) AS missing_project;
RESET event_definitions.enable_reject_mode;
