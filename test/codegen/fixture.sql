-- Fixture of test/codegen/check: project 1 with tricky events (PostHog's
-- TypeScript snapshot events, keywords and reserved words as property names,
-- names that collide as Go identifiers, non-ASCII and control characters),
-- project 2 without events, project 3 with one property typed differently
-- by two groups (the merged field is Boolean: Go must not import "time").
\set ON_ERROR_STOP 1
SELECT event_definitions.upsert_project(p, 'codegen check ' || p) IS NOT NULL FROM generate_series(1, 3) AS p;
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

SELECT pg_temp.ev(1, n::int, name) FROM unnest(ARRAY[
	'test_event', 'optional_event', 'untyped_event', E'a''a\\''b"c>?>%}}%%>c<[[?${{%}}cake''',
	'file_downloaded', 'user_signed_up', 'user signed up', '$pageview', '$autocapture',
	'keywords', 'caf' || U&'\00e9 \2615', U&'\65e5\672c\8a9e', '', E'ctl\x01\n\t"\\',
	E'del\x7f' || U&'\2028\feff', 'exception', 'Event', '123 start']) WITH ORDINALITY AS e(name, n);
SELECT pg_temp.grp(1, 101, 'test_event', '[["required_field", "Numeric", true], ["optional_field", "String", false]]');
SELECT pg_temp.grp(1, 102, 'optional_event', '[["optional_only", "String", false]]');
SELECT pg_temp.grp(1, 103, E'a''a\\''b"c>?>%}}%%>c<[[?${{%}}cake''', '[["quote\"d", "Boolean", true]]');
SELECT pg_temp.grp(1, 104, 'file_downloaded', '[["file_size", "Numeric", true], ["file_name", "String", true],
	["file_extension", "String", false], ["downloaded_at", "DateTime", true]]');
SELECT pg_temp.grp(1, 105, 'user_signed_up', '[["plan", "String", true], ["email", "String", true]]');
SELECT pg_temp.grp(1, 106, 'user_signed_up', '[["tags", "Array", false], ["settings", "Object", false],
	["is_trial", "Boolean", false], ["signed_up_at", "DateTime", false], ["plan", "String", false]]');
SELECT pg_temp.grp(1, 107, 'user signed up', '[["email", "String", true]]');
SELECT pg_temp.grp(1, 108, '$pageview', '[["$current_url", "String", true]]');
-- every name a generated body or signature uses, required and optional
SELECT pg_temp.grp(1, 109, 'keywords', jsonb_agg(jsonb_build_array(n, 'String', n !~ '^o_')))
FROM unnest(ARRAY['class', 'def', 'None', 'lambda', 'func', 'break', 'type', 'map', 'range', 'go',
	'self', 'kwargs', 'extra_properties', 'properties', 'posthog', 'nil', 'str', 'time',
	'c', 'props', 'options', 'option', 'distinctId', 'distinct_id', 'base', 'string', 'bool',
	'float64', 'datetime', 'Optional', 'Dict', 'Any', 'List', 'Unpack', 'OptionalCaptureArgs',
	'true', 'True', 'k', 'v', 'p', 'interface', 'o_class', 'o_c', 'o_props', 'o_time', 'o_str', 'o_self']) AS n;
SELECT pg_temp.grp(1, 110, 'caf' || U&'\00e9 \2615', jsonb_build_array(
	jsonb_build_array(U&'na\00efve', 'Numeric', true), jsonb_build_array(U&'\65e5', 'String', false)));
SELECT pg_temp.grp(1, 111, E'ctl\x01\n\t"\\', jsonb_build_array(
	jsonb_build_array(E'p"r\\o\np' || U&'\feff\2028', 'String', true)));

SELECT pg_temp.ev(3, 301, 'merged');
SELECT pg_temp.grp(3, 302, 'merged', '[["when", "Boolean", true]]');
SELECT pg_temp.grp(3, 303, 'merged', '[["when", "DateTime", false]]');
