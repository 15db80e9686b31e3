--
-- The Go generator (PostHog cases 61-63): the whole file it writes for a
-- fixed fixture (our own golden output; the 'Generated at' timestamp is
-- masked), and the result object around it.  Identifier and selection rules
-- are in codegen_rules; test/codegen/check compiles the output.
--

\set project 6301
\set other 6302
\set label 'Codegen Go'
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/codegen_fixture.psql

-- the result object: four keys; the hash is the one of codegen_python and
-- codegen_golang (same fixture and version), and TypeScript's of its version
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
