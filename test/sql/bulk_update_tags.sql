-- bulk_update_tags: PostHog cases 53-60, spec §3.7 and §5.
-- Project 9201 (ours), 9202 (another project); acting user 9211.
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
-- everything a bulk call could write, as one comparable value
CREATE FUNCTION pg_temp.state() RETURNS text
LANGUAGE sql AS $$
	SELECT (SELECT string_agg(name || '=' || tags::text, ' ' ORDER BY name)
			FROM event_definitions_private.event_definitions WHERE project_id IN (9201, 9202))
		|| ' | activity ' || (SELECT count(*) FROM event_definitions_private.activity_log
							 WHERE project_id IN (9201, 9202))
$$;

SELECT event_definitions.upsert_project(9201, 'Ours') ->> 'name';
SELECT event_definitions.upsert_project(9202, 'Theirs') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 9211, "first_name": "Tagger"}') ->> 'first_name';
SELECT event_definitions.add_project_member(9201, 9211);
SET event_definitions.user_id = '9211';

INSERT INTO event_definitions_private.event_definitions (project_id, id, name, tags) VALUES
	(9201, 'a0000000-0000-4000-8000-000000000001', 'signup', '{}'),
	(9201, 'a0000000-0000-4000-8000-000000000002', 'purchase', '{}'),
	(9201, 'a0000000-0000-4000-8000-000000000003', 'pageview', '{keep,old}'),
	(9202, 'b0000000-0000-4000-8000-000000000001', 'foreign', '{theirs}');

-- case 53 + 56: add to two untagged definitions; tags sorted, stored, one activity each
SELECT event_definitions.bulk_update_tags(9201,
	'{"ids": ["a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002"], "action": "add", "tags": ["pii", "billing"]}');
SELECT name, tags FROM event_definitions_private.event_definitions WHERE project_id = 9201 ORDER BY name;
SELECT d.name, a.activity, a.user_id, a.detail
FROM event_definitions.activity_log a JOIN event_definitions_private.event_definitions d
	ON d.project_id = a.project_id AND d.id::text = a.item_id
WHERE a.project_id = 9201 ORDER BY d.name;

-- case 57: adding tags every definition already has: listed in updated, no activity
SELECT count(*) AS activity_before FROM event_definitions.activity_log WHERE project_id = 9201;
SELECT event_definitions.bulk_update_tags(9201,
	'{"ids": ["a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": ["PII"]}');
SELECT count(*) AS activity_after FROM event_definitions.activity_log WHERE project_id = 9201;

-- case 58: add keeps existing + new; remove drops only the named tags; absent tag is a no-op
SELECT event_definitions.bulk_update_tags(9201,
	'{"ids": ["a0000000-0000-4000-8000-000000000003"], "action": "add", "tags": ["new"]}');
SELECT event_definitions.bulk_update_tags(9201,
	'{"ids": ["a0000000-0000-4000-8000-000000000003", "a0000000-0000-4000-8000-000000000001"], "action": "remove", "tags": ["old", "pii", "absent"]}');
SELECT count(*) AS activity FROM event_definitions.activity_log WHERE project_id = 9201;
SELECT event_definitions.bulk_update_tags(9201,
	'{"ids": ["a0000000-0000-4000-8000-000000000003"], "action": "remove", "tags": ["absent"]}');
SELECT count(*) AS activity_unchanged FROM event_definitions.activity_log WHERE project_id = 9201;
-- set replaces; case 60: normalization (strip, lower-case, dedupe, sort); numbers become strings
SELECT event_definitions.bulk_update_tags(9201,
	'{"ids": ["a0000000-0000-4000-8000-000000000003"], "action": "set", "tags": ["  UPPER  ", "Mixed Case", "Tag", "tag", "TAG", 42, 1.5]}');
-- set [] clears
SELECT event_definitions.bulk_update_tags(9201,
	'{"ids": ["a0000000-0000-4000-8000-000000000003"], "action": "set", "tags": []}');
SELECT name, tags FROM event_definitions_private.event_definitions WHERE project_id = 9201 ORDER BY name;
-- the changes recorded for pageview, oldest first
SELECT a.detail -> 'changes' AS changes
FROM event_definitions_private.activity_log a
WHERE a.project_id = 9201 AND a.item_id = 'a0000000-0000-4000-8000-000000000003' ORDER BY a.id;

-- case 54 + 59: other-project and unknown ids are skipped "Not found", in request order,
-- duplicates kept, echoed canonical lower-case whatever their spelling
SELECT event_definitions.bulk_update_tags(9201, '{"ids": [
	"B0000000-0000-4000-8000-000000000001",
	"{a0000000-0000-4000-8000-00000000dead}",
	"a0000000000040008000000000000002",
	"A0000000-0000-4000-8000-00000000DEAD",
	"a0000000-0000-4000-8000-000000000002"], "action": "add", "tags": ["x"]}');
SELECT name, tags FROM event_definitions_private.event_definitions WHERE project_id = 9202;

-- hostile requests: each rejected, nothing written (25: text that is not JSON is refused
-- by the json type itself; 28, 29: JSON that PostgreSQL accepts but the body parser does not)
SELECT pg_temp.state() AS before \gset
SELECT pg_temp.try(format('SELECT event_definitions.bulk_update_tags(9201, %L)', b)) AS result
FROM (VALUES
	(1, json_build_object('ids', (SELECT json_agg('a0000000-0000-4000-8000-000000000001'::text) FROM generate_series(1, 501)),
						  'action', 'add', 'tags', json_build_array('x'))::text),
	(2, '{"ids": [], "action": "add", "tags": ["x"]}'),
	(3, '{"action": "add", "tags": ["x"]}'),
	(4, '{"ids": null, "action": "add", "tags": ["x"]}'),
	(5, '{"ids": "a0000000-0000-4000-8000-000000000001", "action": "add", "tags": ["x"]}'),
	(6, '{"ids": ["a0000000-0000-4000-8000-000000000001", "not-a-uuid"], "action": "add", "tags": ["x"]}'),
	(7, '{"ids": ["a0000000-0000-4000-8000-000000000001", 17], "action": "add", "tags": ["x"]}'),
	(8, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "upsert", "tags": ["x"]}'),
	(9, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": null, "tags": ["x"]}'),
	(10, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "", "tags": ["x"]}'),
	(11, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "tags": ["x"]}'),
	(12, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "ADD", "tags": ["x"]}'),
	(13, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": "not-a-list"}'),
	(14, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add"}'),
	(15, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": []}'),
	(16, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "remove", "tags": []}'),
	(17, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": ["ok", "   "]}'),
	(18, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "set", "tags": [""]}'),
	(19, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": [true]}'),
	(20, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": [null]}'),
	(21, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": [["nested"]]}'),
	(22, json_build_object('ids', json_build_array('a0000000-0000-4000-8000-000000000001'), 'action', 'add',
						   'tags', (SELECT json_agg('t' || i) FROM generate_series(1, 101) i))::text),
	(23, json_build_object('ids', json_build_array('a0000000-0000-4000-8000-000000000001'), 'action', 'add',
						   'tags', json_build_array(repeat('x', 256)))::text),
	(24, json_build_object('ids', (SELECT json_agg('a0000000-0000-4000-8000-000000000001'::text) FROM generate_series(1, 101)),
						   'action', 'add', 'tags', (SELECT json_agg('t' || i) FROM generate_series(1, 100) i))::text),
	(25, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": ["x"]'),
	(26, '[]'),
	(27, '"add"'),
	(28, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "action": "set", "tags": ["x"]}'),
	(29, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": ["a\u0000b"]}')
) AS t(n, b) ORDER BY n;
SELECT pg_temp.state() = :'before' AS nothing_written;
-- limits are inclusive: 255 characters (not bytes) per tag, and 10000 changes
-- (100 ids x 100 tags)
SELECT jsonb_array_length(event_definitions.bulk_update_tags(9201,
	json_build_object('ids', json_build_array('a0000000-0000-4000-8000-000000000003'), 'action', 'set',
					  'tags', json_build_array(repeat('é', 255)))) -> 'updated' -> 0 -> 'tags') AS one_long_tag;
SELECT jsonb_array_length(r -> 'updated') AS updated, jsonb_array_length(r -> 'updated' -> 0 -> 'tags') AS tags
FROM event_definitions.bulk_update_tags(9201,
	json_build_object('ids', (SELECT json_agg('a0000000-0000-4000-8000-000000000003'::text) FROM generate_series(1, 100)),
					  'action', 'set', 'tags', (SELECT json_agg('t' || i) FROM generate_series(1, 100) i))) r;
-- distinct normalized tags count, not raw items: 101 ids x 99 distinct tags is fine
SELECT jsonb_array_length(r -> 'updated') AS updated, jsonb_array_length(r -> 'updated' -> 0 -> 'tags') AS tags
FROM event_definitions.bulk_update_tags(9201,
	json_build_object('ids', (SELECT json_agg('a0000000-0000-4000-8000-000000000003'::text) FROM generate_series(1, 101)),
					  'action', 'set', 'tags', (SELECT json_agg('T' || (i % 99)) FROM generate_series(1, 100) i))) r;

-- a project nobody can see, or that does not exist
SELECT pg_temp.try($$SELECT event_definitions.bulk_update_tags(9299, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": ["x"]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.bulk_update_tags(NULL, '{"ids": ["a0000000-0000-4000-8000-000000000001"], "action": "add", "tags": ["x"]}')$$);

RESET event_definitions.user_id;
DELETE FROM event_definitions_private.projects WHERE project_id IN (9201, 9202);
DELETE FROM event_definitions_private.users WHERE id = 9211;
