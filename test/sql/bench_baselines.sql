-- The plain-SQL baselines of the benchmark (bench/baselines.sql, schema
-- bench) answer exactly what the C functions answer: the same result or the
-- same SQLSTATE, the same rows written and the same activity-log entries,
-- for the superuser and for a writer login under row-level security.  A
-- benchmark against a baseline that does less would prove nothing, so a
-- baseline that drifts fails here, not in the benchmark.
-- The data is bench/data.sql's, smaller: project 9801 has 60,000
-- definitions (a large project: capped count), 9802 has 2,000 and 9803 500;
-- user 9801 is the writer login regress_bench_writer, a member of 9801 and
-- 9802 only.
-- (loaded quietly: errors still show)
\getenv abs_srcdir PG_ABS_SRCDIR
\set ECHO none
\o /dev/null
\i :abs_srcdir/../bench/baselines.sql
\o
\set ECHO all

SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_bench_writer;
RESET client_min_messages;
CREATE ROLE regress_bench_writer IN ROLE event_definitions_writer;
GRANT USAGE ON SCHEMA bench TO regress_bench_writer;
SELECT count(event_definitions.upsert_project(p, 'Bench project ' || p)) AS projects FROM generate_series(9801, 9803) p;
INSERT INTO event_definitions_private.users
	(id, uuid, distinct_id, first_name, last_name, email, is_email_verified, role_at_organization, login_role)
SELECT u, md5('user-' || u)::uuid, 'distinct-' || u, 'User', 'Number ' || u, 'user' || u || '@example.com',
	   true, 'engineering', CASE WHEN u = 9801 THEN 'regress_bench_writer' END::regrole
FROM generate_series(9801, 9805) u;
INSERT INTO event_definitions_private.project_members (project_id, user_id)
SELECT p, u FROM generate_series(9801, 9803) p, generate_series(9801, 9805) u WHERE u > 9801 OR p <= 9802;
-- row i of project p: as in bench/data.sql (id md5('p-i'), name event_<i>)
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, created_at, last_seen_at, description, owner_id, created_by_id, updated_by_id,
	 updated_at, verified, verified_at, verified_by_id, hidden, tags, promoted_property)
SELECT p, md5(p || '-' || i)::uuid, 'event_' || i,
	   timestamptz '2025-01-01 00:00:00+00' + i * interval '61 seconds',
	   CASE WHEN i % 17 <> 0
			THEN timestamptz '2025-06-30 12:00:00+00' - ((i * 7919) % 120) * interval '1 day'
				 - (i % 43200) * interval '1 second' END,
	   CASE WHEN i % 3 = 0 THEN 'Description of event ' || i ELSE '' END,
	   CASE WHEN i % 7 = 0 THEN 9801 + i % 5 END,
	   9801 + i % 5,
	   9801 + (i + 1) % 5,
	   timestamptz '2025-07-01 00:00:00+00' + i * interval '1 second',
	   i % 11 = 0,
	   CASE WHEN i % 11 = 0 THEN timestamptz '2025-07-02 00:00:00+00' END,
	   CASE WHEN i % 11 = 0 THEN 9801 + (i + 2) % 5 END,
	   i % 13 = 0 AND i % 11 <> 0,
	   CASE WHEN i % 4 = 0
			THEN (ARRAY['{pii}', '{core,revenue}', '{marketing}', '{core}'])[1 + (i / 4) % 4]::text[]
			ELSE '{}' END,
	   CASE WHEN i % 50 = 0 THEN (ARRAY['$current_url', 'plan', 'order_id'])[1 + (i / 50) % 3] END
FROM (VALUES (9801, 60000), (9802, 2000), (9803, 500)) AS pr(p, n), generate_series(1, n) i;
-- usage: every 5th event of 9801 on 10 days of the last 40 (4 outside 30 days)
INSERT INTO event_definitions_private.event_usage (project_id, event_name, day, count)
SELECT 9801, 'event_' || i, current_date - 4 * k, 1 + (i + k) % 9
FROM generate_series(5, 60000, 5) i, generate_series(0, 9) k;
ANALYZE event_definitions_private.event_definitions;
SET event_definitions.user_id = '9801';
-- the data takes the paths the benchmark measures: 9801 is large (capped count)
SELECT l -> 'count' AS count, l -> 'count_is_capped' AS capped, jsonb_array_length(l -> 'results') AS page
FROM event_definitions.list_event_definitions(9801) l;

/*
 * capture(stmt, ids): run stmt in a subtransaction that is rolled back and
 * return its result or SQLSTATE, the rows ids as the write left them and
 * the activity-log entries it wrote.  check_same(what, c, baselines, ids):
 * the capture of every baseline statement equals that of the C statement,
 * else an error showing both; returns 1.
 */
CREATE FUNCTION pg_temp.capture(stmt text, ids uuid[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	res jsonb;
	rows jsonb;
	logs jsonb;
	state text;
	last_log bigint;
BEGIN
	SELECT COALESCE(max(a.id), 0) INTO last_log FROM event_definitions_private.activity_log a;
	BEGIN
		EXECUTE stmt INTO res;
		SELECT jsonb_agg(jsonb_build_object('id', d.id, 'tags', d.tags, 'verified', d.verified, 'hidden', d.hidden,
											'verified_by_id', d.verified_by_id)
						 ORDER BY d.id) INTO rows
		FROM event_definitions_private.event_definitions d WHERE d.id = ANY (ids);
		SELECT jsonb_agg(jsonb_build_object('project_id', a.project_id, 'scope', a.scope, 'item_id', a.item_id,
											'activity', a.activity, 'user_id', a.user_id, 'detail', a.detail)
						 ORDER BY a.id) INTO logs
		FROM event_definitions_private.activity_log a WHERE a.id > last_log;
		RAISE EXCEPTION USING ERRCODE = 'BE001';
	EXCEPTION
		WHEN SQLSTATE 'BE001' THEN NULL;
		WHEN OTHERS THEN state := SQLSTATE;
	END;
	RETURN jsonb_build_object('result', res, 'rows', rows, 'log', logs, 'sqlstate', state);
END
$$;
CREATE FUNCTION pg_temp.check_same(what text, c text, baselines text[], ids uuid[] DEFAULT '{}') RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	expected jsonb := pg_temp.capture(c, ids);
	b text;
	got jsonb;
BEGIN
	IF expected ->> 'sqlstate' IS NULL AND expected -> 'result' = 'null' THEN
		RAISE EXCEPTION 'check % returned NULL: %', what, c;
	END IF;
	FOREACH b IN ARRAY baselines LOOP
		got := pg_temp.capture(b, ids);
		IF got IS DISTINCT FROM expected THEN
			RAISE EXCEPTION 'baseline differs from the C function (%)', what
				USING DETAIL = format(E'%s\n  -> %s\n%s\n  -> %s', c, left(expected::text, 2000), b, left(got::text, 2000));
		END IF;
	END LOOP;
	RETURN 1;
END
$$;

-- Reads, run as the superuser and as the writer: each line counts the
-- checks that passed.  9803 is not the writer's, 9899 does not exist.
CREATE FUNCTION pg_temp.read_checks() RETURNS TABLE (what text, passed bigint)
LANGUAGE sql AS $$
	SELECT 'by_name', sum(pg_temp.check_same('by_name ' || p || ' ' || n,
			format('SELECT event_definitions.event_definition_by_name(%s, %L)', p, n),
			ARRAY[format('SELECT bench.by_name_sql(%s, %L)', p, n), format('SELECT bench.by_name_plpgsql(%s, %L)', p, n)]))
	FROM (VALUES (9801, 'event_1'), (9801, 'event_4'), (9801, 'event_77'), (9801, 'event_143'), (9801, 'event_1100'),
				 (9801, 'event_59990'), (9801, 'event_60000'), (9802, 'event_1')) v(p, n)
	UNION ALL
	SELECT 'by_name errors', sum(pg_temp.check_same('by_name ' || p || ' ' || coalesce(n, 'NULL'),
			format('SELECT event_definitions.event_definition_by_name(%s, %L)', p, n),
			ARRAY[format('SELECT bench.by_name_plpgsql(%s, %L)', p, n)]))
	FROM (VALUES (9801, 'nope'), (9801, ''), (9801, NULL), (9801, 'Event_1'), (9801, 'event_60001'),
				 (9803, 'event_2'), (9899, 'event_1')) v(p, n)
	UNION ALL
	SELECT 'retrieve', sum(pg_temp.check_same('retrieve ' || p || ' ' || i,
			format('SELECT event_definitions.retrieve_event_definition(%s, md5(''%s-%s'')::uuid)', p, p, i),
			ARRAY[format('SELECT bench.retrieve_sql(%s, md5(''%s-%s'')::uuid)', p, p, i),
				  format('SELECT bench.retrieve_plpgsql(%s, md5(''%s-%s'')::uuid)', p, p, i)]))
	FROM (VALUES (9801, 1), (9801, 4), (9801, 77), (9801, 143), (9801, 1100), (9801, 59990), (9802, 7)) v(p, i)
	UNION ALL
	SELECT 'retrieve errors', sum(pg_temp.check_same('retrieve ' || p || ' ' || id,
			format('SELECT event_definitions.retrieve_event_definition(%s, %L)', p, id),
			ARRAY[format('SELECT bench.retrieve_plpgsql(%s, %L)', p, id)]))
	FROM (VALUES (9801, md5('9802-1')), (9801, md5('9801-60001')), (9803, md5('9803-1')), (9899, md5('9801-1'))) v(p, id)
	UNION ALL
	SELECT 'promoted', sum(pg_temp.check_same('promoted ' || p || ' ' || coalesce(names, 'NULL'),
			format('SELECT event_definitions.promoted_properties(%s, %L)', p, names),
			ARRAY[format('SELECT bench.promoted_sql(%s, %L)', p, names), format('SELECT bench.promoted_plpgsql(%s, %L)', p, names)]))
	FROM (VALUES (9801, NULL), (9801, '{event_50,event_100,"",event_7,event_50}'), (9801, '{}'), (9801, '{""}'),
				 (9802, NULL)) v(p, names)
	UNION ALL
	SELECT 'promoted errors', sum(pg_temp.check_same('promoted ' || p,
			format('SELECT event_definitions.promoted_properties(%s)', p), ARRAY[format('SELECT bench.promoted_plpgsql(%s)', p)]))
	FROM (VALUES (9803), (9899)) v(p)
	UNION ALL
	SELECT 'metrics', sum(pg_temp.check_same('metrics ' || p || ' ' || i,
			format('SELECT event_definitions.event_definition_metrics(%s, md5(''%s-%s'')::uuid)', p, p, i),
			ARRAY[format('SELECT bench.metrics_sql(%s, md5(''%s-%s'')::uuid)', p, p, i),
				  format('SELECT bench.metrics_plpgsql(%s, md5(''%s-%s'')::uuid)', p, p, i)]))
	FROM (VALUES (9801, 1), (9801, 5), (9801, 10), (9801, 59995), (9801, 60000), (9802, 5)) v(p, i)
	UNION ALL
	SELECT 'metrics errors', sum(pg_temp.check_same('metrics ' || p || ' ' || id,
			format('SELECT event_definitions.event_definition_metrics(%s, %L)', p, id),
			ARRAY[format('SELECT bench.metrics_plpgsql(%s, %L)', p, id)]))
	FROM (VALUES (9801, md5('9802-1')), (9803, md5('9803-5')), (9899, md5('9801-5'))) v(p, id)
	UNION ALL
	SELECT 'list', sum(pg_temp.check_same(format('list %s %s %s', p, l, o),
			format('SELECT event_definitions.list_event_definitions(%s, %s, %s)', p, l, o),
			ARRAY[format('SELECT bench.list_sql(%s, %s, %s)', p, l, o), format('SELECT bench.list_plpgsql(%s, %s, %s)', p, l, o)]))
	FROM (VALUES (9801, 100, 0), (9801, 20, 40), (9801, 100, 9950), (9801, 7, 59997), (9802, 50, 1980),
				 (9802, 100, 0), (9802, 10, 5000)) v(p, l, o)
	UNION ALL
	SELECT 'list errors', sum(pg_temp.check_same(format('list %s %s %s', p, l, o),
			format('SELECT event_definitions.list_event_definitions(%s, %s, %s)', p, l, o),
			ARRAY[format('SELECT bench.list_plpgsql(%s, %s, %s)', p, l, o)]))
	FROM (VALUES (9803, 100, 0), (9899, 100, 0), (9801, 0, 0), (9801, 10, -1)) v(p, l, o)
$$;
SELECT * FROM pg_temp.read_checks();
SET SESSION AUTHORIZATION regress_bench_writer;
SELECT * FROM pg_temp.read_checks();
-- the writer is really filtered: 9803 is not one of its projects
SELECT count(*) AS writer_sees_9803 FROM event_definitions.event_definitions WHERE project_id = 9803;
RESET SESSION AUTHORIZATION;

-- Writes (superuser, acting user 9801): result, rows and activity log alike.
-- The first 500-id body is the benchmark's first: block 0 of the untagged rows.
CREATE TEMP TABLE bodies AS
SELECT json_build_object('ids', (SELECT json_agg(md5('9801-' || (j + j / 3 + 1))::uuid ORDER BY j)
								 FROM generate_series(0, 499) j), 'action', 'add', 'tags', json_build_array('bench')) AS tags,
	   json_build_object('ids', (SELECT json_agg(md5('9801-' || (j + j / 3 + 1))::uuid ORDER BY j)
								 FROM generate_series(0, 499) j), 'verified', true) AS verified;
SELECT sum(pg_temp.check_same('bulk ' || b,
		format('SELECT event_definitions.bulk_update_tags(9801, %L)', b),
		ARRAY[format('SELECT bench.bulk_update_tags_plpgsql(9801, %L)', b)],
		ARRAY[md5('9801-1'), md5('9801-4'), md5('9801-8'), md5('9801-11'), md5('9801-667')]::uuid[])) AS bulk_update_tags
FROM unnest(ARRAY[
	json_build_object('ids', ARRAY[md5('9801-1'), md5('9801-4'), md5('9802-1'), md5('9801-1'), md5('9801-11')]::uuid[],
					  'action', 'add', 'tags', json_build_array(' Bench ', 'pii', 'PII', 42))::text,
	json_build_object('ids', ARRAY[md5('9801-4'), md5('9801-8')]::uuid[], 'action', 'remove', 'tags', json_build_array('core', 'PII'))::text,
	json_build_object('ids', ARRAY[md5('9801-8'), md5('9801-1')]::uuid[], 'action', 'set', 'tags', json_build_array('b', 'a', 'A'))::text,
	json_build_object('ids', ARRAY[md5('9801-8')]::uuid[], 'action', 'set', 'tags', json_build_array())::text,
	json_build_object('ids', ARRAY[upper(md5('9801-1'))], 'action', 'add', 'tags', json_build_array('x'))::text,
	(SELECT tags::text FROM bodies),
	'{"ids": [], "action": "add", "tags": ["x"]}',
	'{"ids": ["nope"], "action": "add", "tags": ["x"]}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"], "action": "toggle", "tags": ["x"]}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"], "action": "add", "tags": []}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"], "action": "add", "tags": [" "]}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"], "tags": ["x"]}',
	'[]', 'null', '{"ids": "x", "action": "add", "tags": ["x"]}']) b;
SELECT sum(pg_temp.check_same('bulk project ' || p,
		format('SELECT event_definitions.bulk_update_tags(%s, ''{"ids": ["%s"], "action": "add", "tags": ["x"]}'')', p, md5(p || '-1')),
		ARRAY[format('SELECT bench.bulk_update_tags_plpgsql(%s, ''{"ids": ["%s"], "action": "add", "tags": ["x"]}'')', p, md5(p || '-1'))],
		ARRAY[md5(p || '-1')]::uuid[])) AS bulk_update_tags_projects
FROM unnest(ARRAY[9802, 9803, 9899]) p;
SELECT sum(pg_temp.check_same('verified ' || b,
		format('SELECT event_definitions.bulk_update_verified(9801, %L)', b),
		ARRAY[format('SELECT bench.bulk_update_verified_plpgsql(9801, %L)', b)],
		ARRAY[md5('9801-11'), md5('9801-13'), md5('9801-14'), md5('9801-22'), md5('9801-1')]::uuid[])) AS bulk_update_verified
FROM unnest(ARRAY[
	json_build_object('ids', ARRAY[md5('9801-11'), md5('9801-13'), md5('9802-1'), md5('9801-14'), md5('9801-13')]::uuid[], 'verified', true)::text,
	json_build_object('ids', ARRAY[md5('9801-22'), md5('9801-11'), md5('9801-14')]::uuid[], 'verified', false)::text,
	json_build_object('ids', ARRAY[upper(md5('9801-13'))], 'verified', 'Yes')::text,
	json_build_object('ids', ARRAY[md5('9801-13')]::uuid[], 'verified', 0)::text,
	json_build_object('ids', ARRAY[md5('9801-22')]::uuid[], 'verified', 'off')::text,
	(SELECT verified::text FROM bodies),
	'{"ids": [], "verified": true}',
	'{"ids": ["nope"], "verified": true}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"]}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"], "verified": null}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"], "verified": "maybe"}',
	'{"ids": ["00000000-0000-0000-0000-000000000000"], "verified": 2}']) b;
SELECT sum(pg_temp.check_same('verified project ' || p,
		format('SELECT event_definitions.bulk_update_verified(%s, ''{"ids": ["%s"], "verified": true}'')', p, md5(p || '-1')),
		ARRAY[format('SELECT bench.bulk_update_verified_plpgsql(%s, ''{"ids": ["%s"], "verified": true}'')', p, md5(p || '-1'))],
		ARRAY[md5(p || '-1')]::uuid[])) AS bulk_update_verified_projects
FROM unnest(ARRAY[9802, 9803, 9899]) p;

-- The single-update case of the benchmark writes what one bulk call
-- writes: 500 update_event_definition calls against one bulk_update_tags
-- call on the same 500 untagged rows (block 7 of the benchmark's blocks).
WITH block AS (SELECT ARRAY(SELECT md5('9801-' || (j + j / 3 + 1))::uuid FROM generate_series(3500, 3999) j) AS ids),
c AS (
	SELECT pg_temp.capture(format('SELECT event_definitions.bulk_update_tags(9801, %L)',
								  json_build_object('ids', ids, 'action', 'add', 'tags', json_build_array('bench'))), ids) AS bulk,
		   pg_temp.capture('SELECT jsonb_agg(event_definitions.update_event_definition(9801, md5(''9801-'' || (j + j / 3 + 1))::uuid,
							''{"tags": ["bench"]}'') ORDER BY j) FROM generate_series(3500, 3999) j', ids) AS single
	FROM block)
SELECT bulk -> 'sqlstate' AS bulk_error, single -> 'sqlstate' AS single_error,
	   bulk -> 'rows' = single -> 'rows' AS same_rows,
	   jsonb_array_length(bulk -> 'log') AS bulk_log, jsonb_array_length(single -> 'log') AS single_log,
	   (SELECT jsonb_agg(e ORDER BY e ->> 'item_id') FROM jsonb_array_elements(bulk -> 'log') e)
	   = (SELECT jsonb_agg(e ORDER BY e ->> 'item_id') FROM jsonb_array_elements(single -> 'log') e) AS same_log
FROM c;

-- the entry points without the pinned search_path, whose cost the bench
-- measures, answer what the extension's functions answer
SELECT sum(pg_temp.check_same('by_name unpinned ' || coalesce(n, 'NULL'),
		format('SELECT event_definitions.event_definition_by_name(9801, %L)', n),
		ARRAY[format('SELECT bench.by_name_unpinned(9801, %L)', n)])) AS by_name_unpinned
FROM (VALUES ('event_1'), ('event_77'), ('nope'), (''), (NULL)) v(n);
SELECT sum(pg_temp.check_same('ingest unpinned ' || n,
		format('SELECT event_definitions.ingest_event(9801, %L, %L, ''2025-06-01Z'')', n, p),
		ARRAY[format('SELECT bench.ingest_event_unpinned(9801, %L, %L, ''2025-06-01Z'')', n, p)])) AS ingest_unpinned
FROM (VALUES ('event_1', '{}'), ('event_2', '{"a": 1}'), ('', '{}')) v(n, p);

-- nothing was left behind
SELECT count(*) AS activity FROM event_definitions_private.activity_log WHERE project_id BETWEEN 9801 AND 9803;
SELECT count(*) AS tagged_bench FROM event_definitions_private.event_definitions WHERE project_id = 9801 AND tags @> '{bench}';

DELETE FROM event_definitions_private.projects WHERE project_id BETWEEN 9801 AND 9803;
DELETE FROM event_definitions_private.users WHERE id BETWEEN 9801 AND 9805;
ANALYZE event_definitions_private.event_definitions;
SET client_min_messages = warning;
DROP SCHEMA bench CASCADE;
RESET client_min_messages;
DROP ROLE regress_bench_writer;
