--
-- Files of any size: the _chunks functions return exactly the jsonb
-- answer's content as rows of text (cut between characters, each at most
-- chunk_bytes), with the answer's other values; a jsonb answer larger than
-- event_definitions.generator_jsonb_limit (by default jsonb's own limit,
-- 268435455 bytes) is refused with SQLSTATE 54000 naming the _chunks
-- function (test/t/007_large_files.pl makes a real one of more than 2^28
-- bytes); a call's peak memory is a small multiple of the file it writes.
--
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_codegen_large_reader;
RESET client_min_messages;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/codegen_helpers.psql
SELECT count(event_definitions.upsert_project(p, 'Codegen large ' || p)) AS projects FROM generate_series(6601, 6603) AS p;
-- 6601: multi-byte characters everywhere (2, 3 and 4 bytes), so that small
-- chunks would cut one if they could
SELECT pg_temp.ev(6601, n::int, name) FROM unnest(ARRAY[U&'caf\00e9', U&'\65e5\672c\8a9e', U&'\+01F389 party',
	'plain', U&'\00fc\00fc\00fc\00fc\00fc\00fc\00fc\00fc']) WITH ORDINALITY AS e(name, n);
SELECT pg_temp.grp(6601, 10, U&'caf\00e9', jsonb_build_array(jsonb_build_array(U&'cr\00e8me', 'String', true),
	jsonb_build_array(U&'\+01F600', 'Numeric', false)));
SELECT pg_temp.grp(6601, 11, 'plain', '[["when", "DateTime", true], ["kind", "String", false, false, {"enum": ["a", "b"]}]]');

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text; hint text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
		hint = PG_EXCEPTION_HINT;
	RETURN st || ': ' || msg || E'\n  detail: ' || det || E'\n  hint: ' || hint;
END $$;

-- the chunks are the file, for every chunk size and language
CREATE FUNCTION pg_temp.same_file(lang text, project bigint, chunk_bytes integer) RETURNS TABLE (
	chunks bigint, same_content boolean, same_values boolean, within_size boolean, whole_characters boolean)
LANGUAGE plpgsql AS $$
DECLARE
	r jsonb;
BEGIN
	EXECUTE format('SELECT event_definitions.event_definitions_%s($1)', lang) INTO r USING project;
	RETURN QUERY EXECUTE format($q$
		SELECT count(*), string_agg(c.content, '' ORDER BY c.chunk) = $1 ->> 'content',
			bool_and(c.event_count = ($1 ->> 'event_count')::int AND c.schema_hash = $1 ->> 'schema_hash'
				AND c.generator_version = $1 ->> 'generator_version'),
			bool_and(octet_length(c.content) <= $2),
			bool_and(get_byte(convert_to(c.content, 'UTF8'), 0) & 192 <> 128)
		FROM event_definitions.event_definitions_%s_chunks($3, $2) AS c$q$, lang) USING r, chunk_bytes, project;
END $$;
SELECT lang, s.chunk_bytes, f.*
FROM unnest(ARRAY['golang', 'python', 'typescript']) AS lang,
	unnest(ARRAY[16, 17, 18, 19, 1000, 1048576]) AS s(chunk_bytes),
	LATERAL pg_temp.same_file(lang, 6601, s.chunk_bytes) AS f
ORDER BY lang, s.chunk_bytes;
-- the chunks are numbered 1, 2, ... in order; the default size is 1 MB
SELECT array_agg(chunk ORDER BY chunk) = array_agg(chunk) AS in_order, min(chunk), max(chunk) = count(*) AS dense
FROM event_definitions.event_definitions_golang_chunks(6601, 100);
SELECT count(*) AS default_chunks FROM event_definitions.event_definitions_golang_chunks(6601);
-- a project without events; bounds of chunk_bytes; an unknown project
SELECT chunk, length(content) > 100 AS whole_file, event_count FROM event_definitions.event_definitions_python_chunks(6602);
SELECT * FROM event_definitions.event_definitions_golang_chunks(6601, 15);
SELECT * FROM event_definitions.event_definitions_golang_chunks(6601, 268435456);
SELECT * FROM event_definitions.event_definitions_golang_chunks(6699);

-- the jsonb answer's limit: at exactly the answer's size it is given, one
-- byte less and it is refused (the object is the file and about 90 bytes);
-- in one transaction, so that the files are the same (Generated at)
BEGIN;
SELECT pg_column_size(r) - 4 AS answer, pg_column_size(r) - 5 AS answer_less_one
FROM event_definitions.event_definitions_golang(6601) AS r \gset
SET LOCAL event_definitions.generator_jsonb_limit = :answer;
SELECT event_definitions.event_definitions_golang(6601) ->> 'event_count' AS at_the_limit;
SET LOCAL event_definitions.generator_jsonb_limit = :answer_less_one;
SELECT pg_temp.try('SELECT event_definitions.event_definitions_golang(6601)') AS over_the_limit;
SELECT count(*) AS chunks_still FROM event_definitions.event_definitions_golang_chunks(6601);
COMMIT;
SET event_definitions.generator_jsonb_limit = 1023;
RESET event_definitions.generator_jsonb_limit;
SHOW event_definitions.generator_jsonb_limit;

-- peak memory: 10,000 events of 10 properties (one group per 10 events, as
-- in make bench); the growth of the backend's peak resident memory (VmHWM,
-- reset through /proc/self/clear_refs after a first call has read the
-- tables and made the plan) is at most 3 times the file written.  Run in
-- this backend, not a parallel worker.
SET force_parallel_mode = off;
INSERT INTO event_definitions_private.event_definitions (project_id, id, name)
SELECT 6603, pg_temp.uid(100000 + i), 'event_' || i FROM generate_series(1, 10000) AS i;
INSERT INTO event_definitions_private.property_groups (project_id, id, name)
SELECT 6603, pg_temp.uid(200000 + g), 'group ' || g FROM generate_series(1, 1000) AS g;
INSERT INTO event_definitions_private.property_group_properties (project_id, property_group_id, name, property_type, is_required)
SELECT 6603, pg_temp.uid(200000 + g), 'property_' || k,
	(ARRAY['String', 'Numeric', 'Boolean', 'DateTime', 'Object', 'Array'])[1 + (g + k) % 6], k % 3 = 0
FROM generate_series(1, 1000) AS g, generate_series(1, 10) AS k;
INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id)
SELECT 6603, pg_temp.uid(100000 + i), pg_temp.uid(200000 + 1 + (i - 1) % 1000) FROM generate_series(1, 10000) AS i;
ANALYZE event_definitions_private.event_definitions, event_definitions_private.property_group_properties,
	event_definitions_private.event_schemas;
CREATE FUNCTION pg_temp.peak_kb() RETURNS bigint LANGUAGE sql AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
$$;
CREATE FUNCTION pg_temp.peak_ratio(lang text, project bigint) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	len bigint;
	start_kb bigint;
BEGIN
	EXECUTE format('SELECT octet_length(event_definitions.event_definitions_%s($1) ->> ''content'')', lang)
		INTO len USING project;
	COPY (SELECT 5) TO '/proc/self/clear_refs';
	start_kb := pg_temp.peak_kb();
	EXECUTE format('SELECT event_definitions.event_definitions_%s($1) IS NULL', lang) USING project;
	RETURN (pg_temp.peak_kb() - start_kb) * 1024.0 / len;
END $$;
SELECT lang, pg_temp.peak_ratio(lang, 6603) <= 3 AS peak_within_3x_of_file
FROM unnest(ARRAY['golang', 'python', 'typescript']) AS lang ORDER BY lang;
RESET force_parallel_mode;

-- readers may call the _chunks functions, for their own projects only
CREATE ROLE regress_codegen_large_reader LOGIN IN ROLE event_definitions_reader;
SELECT event_definitions.upsert_user('{"id": 6601, "uuid": "00000000-0000-4000-8000-000000006601",
	"login_role": "regress_codegen_large_reader"}') ->> 'id' AS user_id;
SELECT event_definitions.add_project_member(6601, 6601);
SELECT current_user AS superuser_name \gset
\c - regress_codegen_large_reader
SELECT count(*) > 0 AS reader_chunks FROM event_definitions.event_definitions_typescript_chunks(6601);
SELECT * FROM event_definitions.event_definitions_typescript_chunks(6603);
\c - :superuser_name

DROP OWNED BY regress_codegen_large_reader;
DROP ROLE regress_codegen_large_reader;
