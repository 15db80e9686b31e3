-- Fixture of test/codegen/check: project 1 with tricky events (PostHog's
-- TypeScript snapshot events, keywords and reserved words as property names,
-- names that collide as Go identifiers, non-ASCII and control characters),
-- project 2 without events, project 3 with one property typed differently
-- by two groups (the merged field is Boolean: Go must not import "time"),
-- project 4 with unusual names (non-ASCII, digits first, Go keywords,
-- names equal after sanitising, 400 characters, blank and empty ones) for
-- gofmt, go vet and the other toolchains.  Project 1's plan_selected has
-- enum rules (stored directly, as a superuser) and is_optional_in_types.
\set ON_ERROR_STOP 1
SELECT event_definitions.upsert_project(p, 'codegen check ' || p) IS NOT NULL FROM generate_series(1, 4) AS p;
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
		(project_id, property_group_id, name, property_type, is_required, is_optional_in_types, rules)
	SELECT project, pg_temp.uid(n), p ->> 0, p ->> 1, (p ->> 2)::boolean, COALESCE((p ->> 3)::boolean, false),
		NULLIF(p -> 4, 'null')
	FROM jsonb_array_elements(props) AS p;
	INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id)
	SELECT project, d.id, pg_temp.uid(n) FROM event_definitions_private.event_definitions d
	WHERE d.project_id = project AND d.name = event;
$$;

SELECT pg_temp.ev(1, n::int, name) FROM unnest(ARRAY[
	'test_event', 'optional_event', 'untyped_event', E'a''a\\''b"c>?>%}}%%>c<[[?${{%}}cake''',
	'file_downloaded', 'user_signed_up', 'user signed up', '$pageview', '$autocapture',
	'keywords', 'caf' || U&'\00e9 \2615', U&'\65e5\672c\8a9e', '', E'ctl\x01\n\t"\\',
	E'del\x7f' || U&'\2028\feff', 'exception', 'Event', '123 start', 'plan_selected']) WITH ORDINALITY AS e(name, n);
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
-- value rules: the right literal type-checks, a wrong one fails (usage_bad_enum*)
SELECT pg_temp.grp(1, 112, 'plan_selected', '[["plan", "String", true, false, {"enum": ["free", "pro", "enterprise"]}],
	["seats", "Numeric", true, false, {"enum": [1, 5, 10]}], ["ratio", "Numeric", false, false, {"enum": [0.5, 1]}],
	["annual", "Boolean", false, false, {"enum": [true]}], ["source", "String", true, true]]');

-- unusual names (project 4)
SELECT pg_temp.ev(4, 400 + n::int, name) FROM unnest(ARRAY[
	U&'\00fcn\00efc\00f6d\00e9', U&'\65e5\672c\8a9e\30a4\30d9\30f3\30c8', U&'\+01F389 party time', U&'\03a9mega',
	'123', '1st_event', '9lives', '0',
	'func', 'type', 'package', 'import', 'go', 'select', 'chan', 'defer', 'map', 'range', 'interface',
	'struct', 'var', 'const', 'return', 'nil', 'true', 'iota', 'string', 'error', 'len', 'make', 'panic',
	'a-b', 'a_b', 'a b', 'A B', 'a.b', 'a--b', 'AB', 'ab', 'ABOption', 'A', 'a with b', 'a capture',
	repeat('x', 400), repeat('long_name_', 40), repeat(U&'\00e9', 400),
	'', ' ', '___', '-', E'\t', E'\n', '   ', '$pageleave', '$screen', '$$$']) WITH ORDINALITY AS e(name, n);
SELECT pg_temp.grp(4, 480, 'func', jsonb_agg(jsonb_build_array(n, t, r)))
FROM (VALUES ('func', 'String', true), ('type', 'Numeric', true), ('1', 'Boolean', true), ('', 'String', true),
	(' ', 'String', false), (U&'\00fc', 'String', false), (U&'\65e5\672c', 'Numeric', false), ('a-b', 'String', true),
	('a_b', 'String', true), ('A B', 'String', false), ('a.b', 'String', false), (repeat('p', 400), 'String', false),
	('distinctId', 'String', true), ('options', 'String', true), ('option', 'String', false), ('c', 'String', false),
	('props', 'Object', true), ('base', 'Array', true), ('time', 'DateTime', true), ('posthog', 'String', false),
	('nil', 'Boolean', false), ('capture', 'String', false), ('extra props', 'String', false),
	('with extra props', 'String', false), ('chan', 'String', false), ('range', 'Numeric', false)) AS v(n, t, r);
SELECT pg_temp.grp(4, 481, 'a', '[["b", "String", false], ["b capture", "String", false], ["option", "String", false]]');
SELECT pg_temp.grp(4, 482, 'A B', jsonb_build_array(
	jsonb_build_array('kind', 'String', true, false, jsonb_build_object('enum', jsonb_build_array(
		'', U&'\00fc', 'a b', '1', 'func', 'A-B', 'a_b', 'AB', E'new\nline', E'q"uote\\', U&'bom\feff'))),
	jsonb_build_array('level', 'Numeric', false, false, '{"enum": [-1, 0, 1.5, 1000, 100, 1.50]}'::jsonb),
	jsonb_build_array('flag', 'Boolean', true, false, '{"enum": [true, false]}'::jsonb),
	jsonb_build_array('huge', 'Numeric', false, false, '{"enum": [1e400]}'::jsonb)));
SELECT pg_temp.grp(4, 483, '123', '[["123", "String", true], ["type", "String", false, true]]');
SELECT pg_temp.grp(4, 484, repeat('x', 400), jsonb_build_array(jsonb_build_array(repeat('y', 400), 'String', true)));
