--
-- The code generators' shared rules (PostHog cases 61-65 and section 3.10):
-- which events are selected, event_count, schema_hash (PostHog's reference
-- values: the same for Python and Go, TypeScript's of its version 1.1.0;
-- codegen_hash has more), the Generated-at timestamp,
-- Go and Python identifiers with PostHog's examples, and our own rules
-- beyond PostHog (no duplicate Go names, escaping, reserved names).
--

SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_codegen_rules_reader;
RESET client_min_messages;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/codegen_helpers.psql

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || COALESCE(' | detail: ' || NULLIF(det, ''), '');
END $$;
-- gen(): the three results of a project, by language
CREATE FUNCTION pg_temp.gen(project bigint) RETURNS TABLE (lang text, r jsonb) LANGUAGE sql AS $$
	VALUES ('golang', event_definitions.event_definitions_golang(project)),
		('python', event_definitions.event_definitions_python(project)),
		('typescript', event_definitions.event_definitions_typescript(project))
$$;
-- names(): the event names (as string literals) each file captures, in file order
CREATE FUNCTION pg_temp.names(project bigint) RETURNS TABLE (lang text, names text[]) LANGUAGE sql AS $$
	SELECT lang, ARRAY(SELECT m[1] FROM regexp_matches(r ->> 'content', CASE lang
		WHEN 'golang' THEN '\n\tbase\.Event = ("(?:[^"\\]|\\.)*")\n'
		WHEN 'python' THEN 'return self\.capture\(("(?:[^"\\]|\\.)*")'
		ELSE '\n    ("(?:[^"\\]|\\.)*"): ' END, 'g') AS m)
	FROM pg_temp.gen(project)
$$;
-- chunks(): the file of a language cut before every Go func / Python def
CREATE FUNCTION pg_temp.chunks(project bigint, language text) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT regexp_split_to_table(r ->> 'content', '\n(?=func |    def )')
	FROM pg_temp.gen(project) WHERE lang = language
$$;
SELECT event_definitions.upsert_project(p, 'Codegen rules ' || p) IS NOT NULL AS project
FROM generate_series(6401, 6410) AS p;

-- selection: names not starting with '$', plus exactly $pageview, $pageleave
-- and $screen; hidden and unverified events included; other projects' not
SELECT pg_temp.ev(6401, 1, '$autocapture'), pg_temp.ev(6401, 2, '$pageview'),
	pg_temp.ev(6401, 3, '$pageleave'), pg_temp.ev(6401, 4, '$screen'),
	pg_temp.ev(6401, 5, '$identify'), pg_temp.ev(6401, 6, '$pageview_custom'),
	pg_temp.ev(6401, 7, '$Pageview'), pg_temp.ev(6401, 8, 'hidden_event', hidden => true),
	pg_temp.ev(6401, 9, 'verified_event', verified => true), pg_temp.ev(6401, 10, 'plain$event'),
	pg_temp.ev(6401, 11, 'Upper_event'), pg_temp.ev(6410, 12, 'other_project_event');
SELECT lang, (r ->> 'event_count')::int AS event_count, n.names
FROM pg_temp.gen(6401) JOIN pg_temp.names(6401) AS n USING (lang) ORDER BY lang;
SELECT lang, pg_temp.try(format('SELECT event_definitions.event_definitions_%s(6499)', lang)) AS unknown_project
FROM pg_temp.gen(6401) ORDER BY lang;

-- case 61 and 64: no events; the files are still complete
SELECT lang, r - 'content' AS result FROM pg_temp.gen(6402) ORDER BY lang;
SELECT lang, CASE lang
	WHEN 'golang' THEN r ->> 'content' ~ '\npackage typed\n' AND r ->> 'content' !~ '"time"'
	WHEN 'python' THEN r ->> 'content' ~ '\nclass PosthogTyped\(Posthog\):\n(.*\n)*    pass\n$'
		AND r ->> 'content' !~ 'datetime'
	ELSE r ->> 'content' ~ '\ninterface EventSchemas \{\n\}\n' END AS complete
FROM pg_temp.gen(6402) ORDER BY lang;

-- schema_hash: PostHog's reference values, the same in every call (case
-- 64), one for Python and Go (1.0.0), one for TypeScript (1.1.0); not
-- changed by the group layout, hidden, verified, descriptions or unselected
-- events; changed by a property's requiredness
SELECT pg_temp.ev(6403, 21, 'untyped_event');
SELECT pg_temp.ev(6404, 22, 'user_signed_up', hidden => true), pg_temp.ev(6404, 23, 'file_downloaded'),
	pg_temp.ev(6404, 24, '$autocapture');
SELECT pg_temp.grp(6404, 31, 'file_downloaded', '[["file_size", "Numeric", true], ["downloaded_at", "DateTime", true]]'),
	pg_temp.grp(6404, 32, 'file_downloaded', '[["file_name", "String", true], ["file_extension", "String", false]]'),
	pg_temp.grp(6404, 33, 'user_signed_up', '[["plan", "String", true], ["email", "String", true]]'),
	pg_temp.grp(6404, 34, '$autocapture', '[["$el_text", "String", true]]');
UPDATE event_definitions_private.property_group_properties SET description = 'described' WHERE project_id = 6404;
SELECT p AS project, lang, r ->> 'schema_hash' AS schema_hash, (r ->> 'event_count')::int AS event_count
FROM generate_series(6402, 6404) AS p, pg_temp.gen(p) ORDER BY p, lang;
SELECT count(DISTINCT r ->> 'schema_hash') AS hashes_of_six_calls_two_versions
FROM (SELECT * FROM pg_temp.gen(6404) UNION ALL SELECT * FROM pg_temp.gen(6404)) AS calls;
UPDATE event_definitions_private.property_group_properties SET is_required = true
WHERE project_id = 6404 AND name = 'file_extension';
SELECT lang, r ->> 'schema_hash' AS file_extension_required FROM pg_temp.gen(6404) ORDER BY lang;
UPDATE event_definitions_private.property_group_properties SET is_required = false
WHERE project_id = 6404 AND name = 'file_extension';
SELECT lang, r ->> 'schema_hash' AS back_to_optional FROM pg_temp.gen(6404) ORDER BY lang;

-- Generated at: the transaction start in the session's time zone, as
-- Python's datetime.now().isoformat() (fraction only when non-zero)
SET TimeZone = 'Asia/Kolkata';
BEGIN;
SELECT lang, position('Generated at: ' || to_char(transaction_timestamp(), 'YYYY-MM-DD"T"HH24:MI:SS')
	|| CASE WHEN to_char(transaction_timestamp(), 'US') = '000000' THEN ''
		ELSE '.' || to_char(transaction_timestamp(), 'US') END || E'\n' IN r ->> 'content') > 0 AS generated_at
FROM pg_temp.gen(6403) ORDER BY lang;
COMMIT;
RESET TimeZone;

-- Go function bases (PostHog's examples, case 63), from the JSON-escaped name
-- (a newline contributes an 'n'); beyond PostHog, names that map to the same
-- base get 2, 3, ... in name order; case 62: simple_event
SELECT pg_temp.ev(6405, n::int, name) FROM unnest(ARRAY['downloaded_file', 'user-signed-up', '$pageview',
	'API-Request', 'test_123', '___test___', '', '123_start', '123456', 'user''event"with\quotes',
	E'line\nbreak', 'user signed up', 'event', 'Event', 'simple_event',
	'caf' || U&'\00e9 \2615 bar']) WITH ORDINALITY AS e(name, n);
SELECT pg_temp.grp(6405, 41, 'simple_event', '[["user_id", "String", true], ["count", "Numeric", false]]');
SELECT m[2] AS event, m[1] AS go_base
FROM pg_temp.gen(6405), regexp_matches(r ->> 'content',
	'\n// (\w+)Capture creates a capture for the "((?:[^"\\]|\\.)*)" event', 'g') AS m
WHERE lang = 'golang' ORDER BY m[2] COLLATE "C";
SELECT string_agg(f, ' ' ORDER BY f COLLATE "C") AS simple_event_go_names,
	bool_and(r ->> 'content' ~ ('\n(func|type) ' || f || '[ (]')) AS all_declared,
	bool_and(r ->> 'content' ~ '\n// USAGE GUIDE:\n' AND r ->> 'content' !~ '"time"') AS usage_guide_no_time
FROM pg_temp.gen(6405), regexp_matches(r ->> 'content', '\n(?:func|type) (SimpleEvent\w*)', 'g') AS m(f_),
	LATERAL (SELECT m.f_[1]) AS x(f)
WHERE lang = 'golang';

-- Go parameters (PostHog's examples) and option names; beyond PostHog,
-- names the generated bodies use are never parameters (c, props, options,
-- posthog, time, nil ...), and option names never collide
SELECT pg_temp.ev(6406, 51, 'params_event'), pg_temp.ev(6406, 52, 'opt_event');
SELECT pg_temp.grp(6406, 53, 'params_event', jsonb_agg(jsonb_build_array(n, 'String', true)))
FROM unnest(ARRAY['file_name', 'firstName', 'URL', 'break', 'Func', 'multi part argument',
	'this will not break', 'name_', 'name', '_private', '123test', '$name@#$value', 'HTTPResponse',
	'@#$%', 'esc''ap"eing', 'distinct id', 'props', 'c', 'posthog', 'nil', 'time']) AS n;
SELECT pg_temp.grp(6406, 54, 'opt_event', '[["HTTPResponse", "Numeric", false], ["123test", "Boolean", false],
	["@#$%", "Object", false], ["c", "Array", false], ["extra_props", "String", false],
	["when", "DateTime", false]]');
SELECT m[1] AS property, m[2] AS go_param
FROM pg_temp.gen(6406), regexp_matches(r ->> 'content', '\n\tprops\[("(?:[^"\\]|\\.)*")\] = (\w+)', 'g') AS m
WHERE lang = 'golang' ORDER BY m[1] COLLATE "C";
SELECT m[2] AS property, m[1] AS go_option, m[3] AS param_and_type
FROM pg_temp.gen(6406), regexp_matches(r ->> 'content',
	'\n// (\w+) sets the "((?:[^"\\]|\\.)*)" property on a "opt_event" event\.\nfunc \1\(([^)]*)\)', 'g') AS m
WHERE lang = 'golang' ORDER BY m[2] COLLATE "C";

-- Python methods (case 65 and PostHog's examples), in name order: the later
-- name gets _2; beyond PostHog, capture and capture_exception are kept
SELECT pg_temp.ev(6407, n::int, name) FROM unnest(ARRAY['dashboard mode toggled', 'API-Request', '123_start',
	'', 'file_downloaded', 'file-downloaded', '$pageview', 'exception', 'caf' || U&'\00e9']) WITH ORDINALITY AS e(name, n);
SELECT substring(c FROM 'return self\.capture\(("(?:[^"\\]|\\.)*")') AS event,
	substring(c FROM '^    def (\w+)\(') AS python_method
FROM pg_temp.chunks(6407, 'python') AS c WHERE c ~ '^    def '
ORDER BY substring(c FROM 'return self\.capture\(("(?:[^"\\]|\\.)*")') COLLATE "C";

-- Python parameters: required ones first, each kind in name order; PostHog's
-- examples and sorting example; beyond PostHog, self, kwargs, extra_properties,
-- properties, the type names the body uses (Dict, str, Any) and the SDK's
-- capture keywords (distinct_id, timestamp, ...) are never parameters
SELECT pg_temp.ev(6408, 61, 'params_event'), pg_temp.ev(6408, 62, 'sort_event');
SELECT pg_temp.grp(6408, 63, 'params_event', '[["user-id", "String", true], ["class", "Numeric", true],
	["name_", "String", true], ["123test", "Boolean", true], ["$name@#$value", "String", true],
	["None", "String", true], ["self", "String", true], ["kwargs", "String", true],
	["extra_properties", "String", true], ["properties", "String", false], ["str", "String", false],
	["Dict", "String", false], ["@#$%", "DateTime", false], ["user_id", "Object", false],
	["distinct_id", "String", true], ["timestamp", "DateTime", false]]');
SELECT pg_temp.grp(6408, 64, 'sort_event', '[["file_name", "String", true], ["file_size", "Numeric", true],
	["file-size", "Array", true], ["foo\"bar", "String", true]]');
SELECT substring(c FROM '^    def (\w+)\(') AS method, m[1] AS parameter
FROM pg_temp.chunks(6408, 'python') AS c, regexp_matches(c, '\n        (\w+: [^\n]*),(?=\n)', 'g') WITH ORDINALITY AS x(m, n)
WHERE c ~ '^    def ' AND m[1] !~ '^(extra_properties: |\*\*kwargs)' ORDER BY 1, n;
SELECT m[1] AS property, m[2] AS python_param
FROM pg_temp.chunks(6408, 'python') AS c,
	regexp_matches(c, '(?:[{ ]|properties\[)("(?:[^"\\]|\\.)*")\]?(?:: | = )(\w+)', 'g') AS m
WHERE c ~ '^    def capture_params_event' ORDER BY m[1] COLLATE "C";

-- string literals everywhere: JSON escaping as orjson does it (quote,
-- backslash, \n \t, \u00XX for other control characters; non-ASCII and DEL
-- raw); beyond PostHog, Go gets U+FEFF escaped (a BOM inside Go source is an
-- error).  Shown with DEL, U+2028 and U+FEFF made visible.
SELECT pg_temp.ev(6409, n::int, name) FROM unnest(ARRAY['quote"back\slash', E'new\nline\ttab\r',
	E'ctl\x01\x1f', 'caf' || U&'\00e9 \2615', E'del\x7f', U&'bom\feff', U&'line\2028sep',
	'</script>', 'it''s']) WITH ORDINALITY AS e(name, n);
SELECT pg_temp.grp(6409, 71, 'it''s', jsonb_build_array(jsonb_build_array(E'p"r\\o\np' || U&'\feff\00e9', 'String', true)));
SELECT lang, translate(array_to_string(names, ' '), U&'\007f\2028\feff', '␡⏎⌘') AS literals
FROM pg_temp.names(6409) ORDER BY lang;
SELECT lang, translate(m[1], U&'\feff', '⌘') AS property_key
FROM pg_temp.gen(6409), regexp_matches(r ->> 'content',
	'(?:\n        |props\[|properties: Dict\[str, Any\] = \{)("p\\"r(?:[^"\\]|\\.)*")', 'g') AS m
ORDER BY lang;
-- identifiers from these names: ASCII letters and digits only
SELECT lang, array_agg(m[1] ORDER BY m[1] COLLATE "C") AS identifiers
FROM pg_temp.gen(6409), regexp_matches(r ->> 'content',
	'\n(?:func |    def )(\w+)\(', 'g') AS m
WHERE lang <> 'typescript' AND m[1] !~ '(FromBase|WithExtraProps)$' GROUP BY lang ORDER BY lang;
SELECT DISTINCT lang, coalesce(m[1], m[2]) AS parameter
FROM pg_temp.gen(6409), regexp_matches(r ->> 'content', '\n\t(\w+) string,\n\toptions|\n        (\w+): str,\n', 'g') AS m
ORDER BY lang;

-- project isolation: a reader sees the files of its own projects only; a
-- project it is not a member of answers like a missing one
CREATE ROLE regress_codegen_rules_reader LOGIN;
GRANT event_definitions_reader TO regress_codegen_rules_reader;
SELECT event_definitions.upsert_user('{"id": 6401, "uuid": "00000000-0000-4000-8000-000000006401",
	"login_role": "regress_codegen_rules_reader"}') ->> 'id' AS user_id;
SELECT event_definitions.add_project_member(6405, 6401);
SELECT string_agg(lang || ' ' || md5(regexp_replace(r ->> 'content', 'Generated at: \S+', '')) || ' '
	|| (r - 'content')::text, ', ' ORDER BY lang) AS superuser_view FROM pg_temp.gen(6405) \gset
SELECT current_user AS superuser_name \gset
\c - regress_codegen_rules_reader
SELECT string_agg(lang || ' ' || md5(regexp_replace(r ->> 'content', 'Generated at: \S+', '')) || ' '
	|| (r - 'content')::text, ', ' ORDER BY lang) = :'superuser_view' AS same_as_superuser
FROM (VALUES ('golang', event_definitions.event_definitions_golang(6405)),
	('python', event_definitions.event_definitions_python(6405)),
	('typescript', event_definitions.event_definitions_typescript(6405))) AS v(lang, r);
DO $$
DECLARE
	l text;
BEGIN
	FOREACH l IN ARRAY ARRAY['golang', 'python', 'typescript'] LOOP
		BEGIN
			EXECUTE format('SELECT event_definitions.event_definitions_%s(6404)', l);
			RAISE NOTICE '% ok', l;
		EXCEPTION WHEN OTHERS THEN
			RAISE NOTICE '% % %', l, SQLSTATE, SQLERRM;
		END;
	END LOOP;
END $$;
\c - :superuser_name
DROP OWNED BY regress_codegen_rules_reader;
DROP ROLE regress_codegen_rules_reader;
