--
-- Hostile input: bodies that are not objects, blank and over-long names,
-- NUL escapes, deep nesting, duplicate keys, oversized id lists, every
-- field of every body with every wrong JSON type, SQL metacharacters,
-- LIKE wildcards, unusual Unicode and huge integers.  Each is a clean
-- 22023/22032 (PostHog's 400) or a literal round trip; the server never
-- crashes (checked at the end).
--
SELECT pg_postmaster_start_time() AS start_time, pg_backend_pid() AS backend_pid \gset

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try.psql
-- field(): like try() for a call returning jsonb, showing key k of the result
-- (generated ids of objects in an array masked)
CREATE FUNCTION pg_temp.field(sql text, k text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r jsonb; st text; msg text; det text; col text;
BEGIN
	EXECUTE sql INTO r;
	IF jsonb_typeof(r -> k) = 'array' THEN
		RETURN 'ok ' || COALESCE((SELECT jsonb_agg(CASE WHEN jsonb_typeof(e) = 'object' THEN e - 'id' ELSE e END)
								  FROM jsonb_array_elements(r -> k) e), '[]')::text;
	END IF;
	RETURN 'ok ' || COALESCE((r -> k)::text, '<absent>');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, col = COLUMN_NAME;
	RETURN st || ': ' || msg || COALESCE(' | detail: ' || NULLIF(det, ''), '')
		|| COALESCE(' | attr: ' || NULLIF(col, ''), '');
END $$;
-- cps(): the code points of a string, for invisible characters
CREATE FUNCTION pg_temp.cps(s text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg('U+' || upper(lpad(h, greatest(4, length(h)), '0')), ' ' ORDER BY o)
	FROM regexp_split_to_table(s, '') WITH ORDINALITY AS t(c, o), LATERAL to_hex(ascii(c)) h
$$;
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('definitions=%s groups=%s activity=%s',
		(SELECT count(*) FROM event_definitions_private.event_definitions WHERE project_id = 8151),
		(SELECT count(*) FROM event_definitions_private.property_groups WHERE project_id = 8151),
		(SELECT count(*) FROM event_definitions_private.activity_log WHERE project_id = 8151))
$$;

SELECT event_definitions.upsert_project(8151, 'Hostile input') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 8151, "first_name": "Mallory", "email": "mallory@example.com"}')
	->> 'first_name' AS user1;
SELECT event_definitions.add_project_member(8151, 8151);
SET event_definitions.user_id = '8151';
INSERT INTO event_definitions_private.event_definitions (project_id, id, name) VALUES
	(8151, '81510000-0000-4000-8000-000000000001', 'existing');

-- bodies that are not JSON objects: 400 "Expected a dictionary"
SELECT f, b, pg_temp.try(format('SELECT event_definitions.%s(8151, %s%L)', f,
		CASE WHEN f = 'update_event_definition' THEN '''81510000-0000-4000-8000-000000000001'', ' ELSE '' END, b))
FROM unnest(ARRAY['create_event_definition', 'update_event_definition', 'bulk_update_tags',
				  'bulk_update_verified', 'create_property_group']) f,
	 unnest(ARRAY['[]', '[{"name": "x"}]', '"name"', '42', '-1.5', 'null', 'true']) b
ORDER BY f, b;
-- text that is not JSON at all never reaches the function (json input)
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(8151, '{"name": ')$$);

-- null, blank and whitespace-only names (Python's str.strip() whitespace)
SELECT b, pg_temp.try(format('SELECT event_definitions.create_event_definition(8151, %L)', b))
FROM unnest(ARRAY['{}', '{"name": null}', '{"name": ""}', '{"name": "   "}', '{"name": "\t\n\r\f\u000b"}',
				  '{"name": "\u00a0\u2003\u3000\u2028\u2029\u0085"}']) b
ORDER BY b;
-- U+FEFF and U+200B are not whitespace to Python: kept
SELECT pg_temp.cps(event_definitions.create_event_definition(8151, '{"name": "\ufeff"}') ->> 'name') AS bom_name,
	   pg_temp.cps(event_definitions.create_event_definition(8151, '{"name": " \u200b "}') ->> 'name') AS zwsp_name;

-- \u0000 inside any JSON string is invalid JSON (22032); nothing is written
SELECT pg_temp.counts();
SELECT b, pg_temp.try(format('SELECT event_definitions.create_event_definition(8151, %L)', b))
FROM unnest(ARRAY['{"name": "a\u0000b"}', '{"name": "nul", "description": "\u0000"}',
				  '{"name": "nul", "tags": ["a\u0000"]}', '{"name": "nul", "x\u0000": 1}']) b
ORDER BY b;
SELECT pg_temp.try($$SELECT event_definitions.bulk_update_tags(8151,
	'{"ids": ["81510000-0000-4000-8000-000000000001"], "action": "add", "tags": ["\u0000"]}')$$);
SELECT pg_temp.counts();

-- names of 400 and 401 characters, counted in characters (2-, 3- and 4-byte)
SELECT c, n, pg_temp.field(format('SELECT event_definitions.create_event_definition(8151, %L)',
		json_build_object('name', repeat(c, n))), 'id') LIKE 'ok "%' AS created,
	   pg_temp.try(format('SELECT event_definitions.create_event_definition(8151, %L)',
		json_build_object('name', 'again' || repeat(c, n)))) AS with_prefix
FROM unnest(ARRAY['é', '€', '🚀']) c, unnest(ARRAY[395, 400]) n
ORDER BY c, n;
SELECT char_length(name) AS chars, octet_length(name) AS bytes
FROM event_definitions_private.event_definitions
WHERE project_id = 8151 AND char_length(name) >= 395 ORDER BY bytes, chars;
SELECT pg_temp.try(format('SELECT event_definitions.create_event_definition(8151, %L)',
		json_build_object('name', repeat('🚀', 401)))) AS name_401;
-- surrounding whitespace is stripped before the length is checked
SELECT pg_temp.field(format('SELECT event_definitions.create_event_definition(8151, %L)',
		json_build_object('name', '  ' || repeat('x', 400) || E'\u3000')), 'name') = format('ok "%s"', repeat('x', 400)) AS stripped_400;

-- tags of 255 and 256 characters; multi-byte ones lower-cased
SELECT pg_temp.field(format('SELECT event_definitions.update_event_definition(8151, %L, %L)',
		'81510000-0000-4000-8000-000000000001', json_build_object('tags', ARRAY[repeat('Ü', 255)])), 'tags')
	= format('ok ["%s"]', repeat('ü', 255)) AS tag_255_lowered;
SELECT pg_temp.try(format('SELECT event_definitions.update_event_definition(8151, %L, %L)',
		'81510000-0000-4000-8000-000000000001', json_build_object('tags', ARRAY['ok', repeat('ü', 256)]))) AS tag_256;
SELECT pg_temp.try(format('SELECT event_definitions.bulk_update_tags(8151, %L)',
		json_build_object('ids', ARRAY['81510000-0000-4000-8000-000000000001'], 'action', 'add',
						  'tags', ARRAY[repeat('🏷', 256)]))) AS bulk_tag_256;
SELECT char_length(tags[1]) AS tag_chars FROM event_definitions_private.event_definitions
WHERE project_id = 8151 AND name = 'existing';

-- deep nesting: jansson refuses more than 2048 levels (22032); below that the
-- field's type is wrong (22023); never a crash
SELECT where_, depth, pg_temp.try(format('SELECT event_definitions.create_event_definition(8151, %L)',
		CASE where_
			WHEN 'description' THEN '{"name": "deep", "description": ' || repeat('[', depth) || repeat(']', depth) || '}'
			WHEN 'tags' THEN '{"name": "deep", "tags": [' || repeat('{"a":', depth) || '1' || repeat('}', depth) || ']}'
			WHEN 'unknown key' THEN '{"name": "deep", "extra": ' || repeat('[', depth) || repeat(']', depth) || '}'
		END))
FROM unnest(ARRAY['description', 'tags', 'unknown key']) where_, unnest(ARRAY[1000, 10000]) depth
ORDER BY where_, depth;
SELECT pg_temp.try(format('SELECT event_definitions.bulk_update_tags(8151, %L)',
		'{"ids": ' || repeat('[', 10000) || repeat(']', 10000) || ', "action": "add", "tags": ["x"]}')) AS deep_ids;
SELECT pg_temp.try(format('SELECT event_definitions.create_property_group(8151, %L)',
		'{"name": "deep", "properties": [' || repeat('[', 5000) || repeat(']', 5000) || ']}')) AS deep_properties;

-- duplicate keys, at the top or nested: invalid JSON (22032)
SELECT b, pg_temp.try(format('SELECT event_definitions.create_event_definition(8151, %L)', b))
FROM unnest(ARRAY['{"name": "dup1", "name": "dup2"}', '{"name": "dup3", "tags": ["a"], "tags": ["b"]}',
				  '{"name": "dup4", "description": {"k": 1, "k": 2}}']) b
ORDER BY b;
SELECT pg_temp.try($$SELECT event_definitions.update_event_definition(8151,
	'81510000-0000-4000-8000-000000000001', '{"verified": true, "verified": false}')$$) AS dup_update;
SELECT pg_temp.counts();

-- 100 000 ids to the bulk endpoints: 400 on "ids", quickly, nothing written
SELECT pg_temp.try(format('SELECT event_definitions.bulk_update_tags(8151, %L)',
		json_build_object('ids', (SELECT json_agg(format('%s-0000-4000-8000-000000000000', lpad(to_hex(i), 8, '0')))
								  FROM generate_series(1, 100000) i),
						  'action', 'add', 'tags', ARRAY['x']))) AS bulk_tags_100k;
SELECT pg_temp.try(format('SELECT event_definitions.bulk_update_verified(8151, %L)',
		json_build_object('ids', (SELECT json_agg(format('%s-0000-4000-8000-000000000000', lpad(to_hex(i), 8, '0')))
								  FROM generate_series(1, 100000) i),
						  'verified', true))) AS bulk_verified_100k;

-- every field with every wrong JSON type: create
SELECT k, v, pg_temp.field(format('SELECT event_definitions.create_event_definition(8151, %L)',
		CASE WHEN k = 'name' THEN format('{"name": %s}', v)
			 ELSE format('{"name": "wt_%s_%s", "%s": %s}', k, md5(v), k, v) END),
		k) AS result
FROM unnest(ARRAY['name', 'description', 'tags', 'owner', 'verified', 'hidden', 'enforcement_mode',
				  'promoted_property', 'default_columns']) k,
	 unnest(ARRAY['true', '0', '1.5', '"x"', '["x"]', '{}', '{"a": [1]}', 'null']) v
ORDER BY k, v;
-- update (PATCH) of the existing definition; name is read-only and ignored
SELECT k, v, pg_temp.field(format('SELECT event_definitions.update_event_definition(8151, %L, %L)',
		'81510000-0000-4000-8000-000000000001', format('{"%s": %s}', k, v)), k) AS result
FROM unnest(ARRAY['name', 'description', 'tags', 'owner', 'verified', 'hidden', 'enforcement_mode',
				  'promoted_property', 'default_columns']) k,
	 unnest(ARRAY['true', '0', '1.5', '"x"', '["x"]', '{}', 'null']) v
ORDER BY k, v;
-- bulk bodies
SELECT k, v, pg_temp.try(format('SELECT event_definitions.bulk_update_tags(8151, %L)',
		(jsonb_build_object('ids', '["81510000-0000-4000-8000-000000000001"]'::jsonb, 'action', 'add',
							'tags', '["bulk"]'::jsonb) || jsonb_build_object(k, v::jsonb))::text)) AS result
FROM unnest(ARRAY['ids', 'action', 'tags']) k,
	 unnest(ARRAY['true', '0', '1.5', '"x"', '[1]', '[null]', '{}', 'null']) v
ORDER BY k, v;
SELECT k, v, pg_temp.try(format('SELECT event_definitions.bulk_update_verified(8151, %L)',
		(jsonb_build_object('ids', '["81510000-0000-4000-8000-000000000001"]'::jsonb, 'verified', false)
		 || jsonb_build_object(k, v::jsonb))::text)) AS result
FROM unnest(ARRAY['ids', 'verified']) k,
	 unnest(ARRAY['true', '0', '1.5', '"x"', '[1]', '[null]', '{}', 'null']) v
ORDER BY k, v;
-- property group bodies, top level and inside a property
SELECT k, v, pg_temp.field(format('SELECT event_definitions.create_property_group(8151, %L)',
		(jsonb_build_object('name', 'pg_' || k || '_' || md5(v),
							'properties', '[{"name": "p", "property_type": "String"}]'::jsonb)
		 || jsonb_build_object(k, v::jsonb))::text), k) AS result
FROM unnest(ARRAY['name', 'description', 'properties']) k,
	 unnest(ARRAY['true', '0', '1.5', '"x"', '["x"]', '{}', 'null']) v
ORDER BY k, v;
SELECT k, v, pg_temp.field(format('SELECT event_definitions.create_property_group(8151, %L)',
		jsonb_build_object('name', 'pgp_' || k || '_' || md5(v), 'properties', jsonb_build_array(
			jsonb_build_object('name', 'p', 'property_type', 'String') || jsonb_build_object(k, v::jsonb)))::text),
		'properties') AS result
FROM unnest(ARRAY['name', 'property_type', 'is_required', 'description']) k,
	 unnest(ARRAY['true', '0', '1.5', '"x"', '["x"]', '{}', 'null']) v
ORDER BY k, v;

-- SQL metacharacters are data: stored literally, found by by_name, searchable
SELECT n, pg_temp.field(format('SELECT event_definitions.create_event_definition(8151, %L)',
		json_build_object('name', n, 'description', n, 'tags', ARRAY[n])), 'name') = 'ok ' || to_json(n)::text AS created
FROM unnest(ARRAY[$$'; DROP TABLE x; --$$, $$Robert'); DROP TABLE students;--$$, 'say "hi"',
				  E'back\\slash', E'C:\\new\\table', '$$dollar$$', '100%', 'a_b', 'a%b', E'tab\there',
				  '/* comment */', 'x'' OR ''1''=''1']) n
ORDER BY n;
SELECT n, d ->> 'name' = n AS same_name, d ->> 'description' = n AS same_description,
	   d -> 'tags' = to_jsonb(ARRAY[lower(n)]) AS same_tags
FROM unnest(ARRAY[$$'; DROP TABLE x; --$$, $$Robert'); DROP TABLE students;--$$, 'say "hi"',
				  E'back\\slash', E'C:\\new\\table', '$$dollar$$', '100%', 'a_b', 'a%b', E'tab\there',
				  '/* comment */', 'x'' OR ''1''=''1']) n,
	 LATERAL (SELECT event_definitions.event_definition_by_name(8151, n) AS d) l
ORDER BY n;
SELECT to_regclass('x') IS NULL AS no_table_x_created, to_regclass('students') IS NULL AS no_table_students;

-- search: as in PostHog (raw "name ILIKE '%term%'"), % and _ are wildcards and a
-- backslash escapes the next character; quotes and dollars are literal.  Shown:
-- which of the names above match, and whether the search matched every row
CREATE TEMP TABLE meta(n text);
INSERT INTO meta VALUES ($$'; DROP TABLE x; --$$), ($$Robert'); DROP TABLE students;--$$), ('say "hi"'),
	(E'back\\slash'), (E'C:\\new\\table'), ('$$dollar$$'), ('100%'), ('a_b'), ('a%b'), (E'tab\there'),
	('/* comment */'), ('x'' OR ''1''=''1');
SELECT s, (SELECT array_agg(r ->> 'name' ORDER BY r ->> 'name' COLLATE "C") FROM jsonb_array_elements(l -> 'results') r
		   WHERE r ->> 'name' IN (SELECT n FROM meta)) AS matching,
	   (l ->> 'count')::int = (SELECT count(*) FROM event_definitions_private.event_definitions
							   WHERE project_id = 8151) AS everything
FROM unnest(ARRAY['%', '_', 'a_b', 'a%b', E'\\', E'\\n', E'\\%', E'\\_', '''', '"', '--', '$$', '_%_',
				  E'OR \'1']) s,
	 LATERAL (SELECT event_definitions.list_event_definitions(8151, search => s, "limit" => 1000) AS l) x
ORDER BY s;

-- unusual Unicode round-trips byte for byte (name, description, tags, by_name)
CREATE TEMP TABLE uni(n text, d jsonb);
INSERT INTO uni (n) VALUES (E'\U0001F680 launch'), (E'family \U0001F468\u200D\U0001F469\u200D\U0001F467'),
	(E'\u05E9\u05DC\u05D5\u05DD\u200Fworld'), (E'\u202Eevil\u202C'), (E'cafe\u0301'), (E'caf\u00E9'),
	(E'bom\uFEFFinside'), (E'line\u2028sep'), (E'para\u2029sep'), (E'zero\u200Bwidth'),
	(E'\uFFFDreplacement'), (E'\U0010FFFDmax'), (E'\u0130stanbul');
UPDATE uni SET d = event_definitions.create_event_definition(8151,
	json_build_object('name', n, 'description', n, 'tags', ARRAY[n, upper(n)]));
SELECT pg_temp.cps(n) AS code_points, convert_to(d ->> 'name', 'UTF8') = convert_to(n, 'UTF8') AS name_bytes_equal,
	   d ->> 'description' = n AS description_equal, jsonb_array_length(d -> 'tags') AS ntags,
	   event_definitions.event_definition_by_name(8151, n) ->> 'id' = d ->> 'id' AS by_name
FROM uni ORDER BY n COLLATE "C";
-- precomposed and combining forms are different names (no normalization)
SELECT count(DISTINCT d ->> 'id') AS distinct_cafe FROM uni WHERE n IN (E'cafe\u0301', E'caf\u00E9');
-- the same names written as JSON escapes find the same rows (no duplicates)
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(8151, '{"name": "\ud83d\ude80 launch"}')$$) AS escaped_dup;
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(8151, '{"name": "caf\u00e9"}')$$) AS escaped_dup2;
-- a lone surrogate escape is invalid JSON
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(8151, '{"name": "\ud83d"}')$$) AS lone_surrogate;

-- huge integers: clean 400s, never an overflow
SELECT b, pg_temp.try(format('SELECT event_definitions.create_event_definition(8151, %L)', b))
FROM unnest(ARRAY['{"name": "big1", "owner": 1e30}', '{"name": "big2", "owner": 99999999999999999999}',
				  '{"name": "big3", "owner": "99999999999999999999"}', '{"name": "big4", "owner": 2147483648}',
				  '{"name": "big5", "owner": -9223372036854775808}', '{"name": "big6", "owner": "-0"}',
				  '{"name": "big7", "verified": 1e400}', '{"name": 99999999999999999999}',
				  '{"name": "big8", "tags": [1e30, 12345678901234567890]}']) b
ORDER BY b;
-- numbers as strings are written as Python writes them
SELECT v, pg_temp.field(format('SELECT event_definitions.create_event_definition(8151, %L)',
		format('{"name": %s}', v)), 'name') AS name
FROM unnest(ARRAY['100.0', '1e15', '1e16', '0.0001', '1e-5', '-0.0', '1.5e300', '9007199254740993',
				  '-9223372036854775808', '0.1']) v
ORDER BY v;
SELECT pg_temp.field($$SELECT event_definitions.update_event_definition(8151,
	'81510000-0000-4000-8000-000000000001', '{"tags": [100.0, 1e16, 0.5, 7]}')$$, 'tags') AS numeric_tags;

SELECT pg_temp.counts();

-- the server never restarted and this is still the same backend
SELECT pg_postmaster_start_time() = :'start_time'::timestamptz AS same_postmaster,
	   pg_backend_pid() = :backend_pid AS same_backend;

RESET event_definitions.user_id;
DELETE FROM event_definitions_private.projects WHERE project_id = 8151;
DELETE FROM event_definitions_private.users WHERE id = 8151;
