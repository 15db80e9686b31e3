--
-- The Go generator (PostHog cases 61-63): the whole file it writes for a
-- fixed fixture (our own golden output; the 'Generated at' timestamp is
-- masked), and the result object around it.  Identifier and selection rules
-- are in codegen_rules; test/codegen/check compiles the output.
--

-- fixture helpers: rows inserted directly with fixed ids
-- ev(): an event definition; grp(): a property group of [name, type,
-- required] triples attached to an event
CREATE FUNCTION pg_temp.uid(n int) RETURNS uuid LANGUAGE sql AS $$
	SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid
$$;
CREATE FUNCTION pg_temp.ev(project bigint, n int, name text, hidden boolean DEFAULT false,
	verified boolean DEFAULT false) RETURNS void LANGUAGE sql AS $$
	INSERT INTO event_definitions_private.event_definitions (project_id, id, name, hidden, verified)
	VALUES (project, pg_temp.uid(n), name, hidden, verified)
$$;
CREATE FUNCTION pg_temp.grp(project bigint, n int, event text, props jsonb) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO event_definitions_private.property_groups (project_id, id, name)
	VALUES (project, pg_temp.uid(n), 'group ' || n);
	INSERT INTO event_definitions_private.property_group_properties
		(project_id, property_group_id, name, property_type, is_required)
	SELECT project, pg_temp.uid(n), p ->> 0, p ->> 1, (p ->> 2)::boolean
	FROM jsonb_array_elements(props) AS p;
	INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id)
	SELECT project, d.id, pg_temp.uid(n) FROM event_definitions_private.event_definitions d
	WHERE d.project_id = project AND d.name = event;
$$;


-- the fixture (the same in the three golden files): PostHog's TypeScript
-- snapshot events, the schema-hash reference events, every property type,
-- two groups on one event, and events that are not selected
SELECT event_definitions.upsert_project(6301, 'Codegen Go') ->> 'name' AS project;
SELECT event_definitions.upsert_project(6302, 'Codegen Go other') ->> 'name' AS project;
SELECT pg_temp.ev(6301, 1, 'test_event'), pg_temp.ev(6301, 2, 'optional_event'),
	pg_temp.ev(6301, 3, 'untyped_event'), pg_temp.ev(6301, 4, E'a''a\\''b"c>?>%}}%%>c<[[?${{%}}cake'''),
	pg_temp.ev(6301, 5, 'file_downloaded', verified => true), pg_temp.ev(6301, 6, 'user_signed_up'),
	pg_temp.ev(6301, 7, '$pageview', hidden => true), pg_temp.ev(6301, 8, '$autocapture'),
	pg_temp.ev(6302, 9, 'other_project_event');
SELECT pg_temp.grp(6301, 11, 'test_event', '[["required_field", "Numeric", true], ["optional_field", "String", false]]'),
	pg_temp.grp(6301, 12, 'optional_event', '[["optional_only", "String", false]]'),
	pg_temp.grp(6301, 13, E'a''a\\''b"c>?>%}}%%>c<[[?${{%}}cake''', '[["quote\"d", "Boolean", true]]'),
	pg_temp.grp(6301, 14, 'file_downloaded', '[["file_size", "Numeric", true], ["file_name", "String", true],
		["file_extension", "String", false], ["downloaded_at", "DateTime", true]]'),
	pg_temp.grp(6301, 15, 'user_signed_up', '[["plan", "String", true], ["email", "String", true]]'),
	pg_temp.grp(6301, 16, 'user_signed_up', '[["tags", "Array", false], ["settings", "Object", false],
		["is_trial", "Boolean", false], ["signed_up_at", "DateTime", false]]'),
	pg_temp.grp(6301, 17, '$pageview', '[["$current_url", "String", true]]'),
	pg_temp.grp(6301, 18, '$autocapture', '[["$el_text", "String", true]]');

-- the result object: four keys; the hash is the one of codegen_python and
-- codegen_golang (same fixture)
SELECT r - 'content' AS result, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(r) AS k) AS keys
FROM event_definitions.event_definitions_golang(6301) AS r;
SELECT (r ->> 'content') ~ 'Generated at: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\n' AS has_timestamp,
	right(r ->> 'content', 1) = E'\n' AS ends_with_newline
FROM event_definitions.event_definitions_golang(6301) AS r;

-- the file
\pset format unaligned
\pset tuples_only on
SELECT regexp_replace(r ->> 'content', 'Generated at: [0-9T:.-]+', 'Generated at: <masked>')
FROM event_definitions.event_definitions_golang(6301) AS r;
