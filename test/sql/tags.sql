--
-- Tag normalization on create and PATCH: Python's str.strip() (Unicode
-- whitespace) and str.lower(), deduplicated, sorted by code point; DRF
-- CharField rules per tag; at most 100 tags of at most 255 characters.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try.psql
CREATE FUNCTION pg_temp.tags_of(n text) RETURNS text[] LANGUAGE sql AS $$
	SELECT tags FROM event_definitions_private.event_definitions WHERE project_id = 4001 AND name = n
$$;
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('definitions=%s activity=%s',
		(SELECT count(*) FROM event_definitions_private.event_definitions WHERE project_id = 4001),
		(SELECT count(*) FROM event_definitions_private.activity_log WHERE project_id = 4001))
$$;

-- fixtures (ids unique to this file: the test database is shared by all
-- files of a run); the superuser acts as user 4001
SELECT event_definitions.upsert_project(4001, 'Tags') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 4001, "uuid": "00000000-0000-4000-8000-000000004001"}') ->> 'id' AS user_id;
SELECT event_definitions.add_project_member(4001, 4001);
SET event_definitions.user_id = '4001';

-- strip: ASCII and Unicode whitespace (U+00A0, U+3000, U+2003, U+0085), as
-- escapes and as raw characters; inner whitespace is kept
SELECT event_definitions.create_event_definition(4001,
	'{"name": "strip", "tags": [" pii ", "\tbilling\n", "\u00a0nbsp\u3000", "\u2003em\u0085", "  two  words  "]}') -> 'tags' AS tags;
SELECT event_definitions.create_event_definition(4001,
	'{"name": "strip_raw", "tags": [" ideographic　", " no-break "]}') -> 'tags' AS tags;
SELECT pg_temp.tags_of('strip');

-- lower-case with Unicode case mapping
SELECT event_definitions.create_event_definition(4001,
	'{"name": "lower", "tags": ["ÉTÉ", "Ünïcödé", "ΑΒΓ", "ДОМ", "MiXeD Case"]}') -> 'tags' AS tags;

-- dedupe after normalization
SELECT event_definitions.create_event_definition(4001,
	'{"name": "dedupe", "tags": ["Tag", "tag", "TAG", " tag ", "été", "ÉTÉ"]}') -> 'tags' AS tags;
SELECT pg_temp.tags_of('dedupe');

-- sorted by code point ('$' < digits < '_' < letters < non-ASCII), not by locale
SELECT event_definitions.create_event_definition(4001,
	'{"name": "sorted", "tags": ["b", "B2", "a", "Z", "é", "_x", "$y", "10", "9", "zz", "e"]}') -> 'tags' AS tags;
SELECT pg_temp.tags_of('sorted');

-- numbers become strings
SELECT event_definitions.create_event_definition(4001,
	'{"name": "numbers", "tags": [5, 1.5, "5", -2]}') -> 'tags' AS tags;

-- no tags, empty list
SELECT event_definitions.create_event_definition(4001, '{"name": "none"}') -> 'tags' AS tags;
SELECT event_definitions.create_event_definition(4001, '{"name": "empty", "tags": []}') -> 'tags' AS tags;

-- limits: 255 characters and 100 tags are fine (characters, not bytes)
SELECT jsonb_array_length(event_definitions.create_event_definition(4001,
	json_build_object('name', 'long_tag', 'tags', json_build_array(repeat('é', 255), ' ' || repeat('x', 255) || ' '))) -> 'tags') AS tag_count;
SELECT jsonb_array_length(event_definitions.create_event_definition(4001,
	json_build_object('name', 'hundred', 'tags', (SELECT json_agg('t' || i) FROM generate_series(1, 100) i))) -> 'tags') AS tag_count;
-- 100 items that collapse to one tag
SELECT event_definitions.create_event_definition(4001,
	json_build_object('name', 'hundred_same', 'tags', (SELECT json_agg(CASE WHEN i % 2 = 0 THEN 'Same' ELSE 'same' END)
		FROM generate_series(1, 100) i))) -> 'tags' AS tags;

-- rejections: nothing written
SELECT pg_temp.counts();
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r1", "tags": ["ok", ""]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r2", "tags": ["   "]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r3", "tags": ["\u00a0\u3000"]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r4", "tags": [true]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r5", "tags": ["a", false]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r6", "tags": [null]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r7", "tags": [{"name": "a"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r8", "tags": [["a"]]}')$$);
SELECT pg_temp.try(format($$SELECT event_definitions.create_event_definition(4001, '{"name": "r9", "tags": ["%s"]}')$$,
					  repeat('x', 256)));
SELECT pg_temp.try(format($$SELECT event_definitions.create_event_definition(4001, '{"name": "r10", "tags": ["%s"]}')$$,
					  repeat('é', 256)));
SELECT pg_temp.try(format('SELECT event_definitions.create_event_definition(4001, %L)',
	json_build_object('name', 'r11', 'tags', (SELECT json_agg('t' || i) FROM generate_series(1, 101) i))));
SELECT pg_temp.try(format('SELECT event_definitions.create_event_definition(4001, %L)',
	json_build_object('name', 'r12', 'tags', (SELECT json_agg('same'::text) FROM generate_series(1, 101) i))));
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r13", "tags": "pii"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r14", "tags": {"pii": true}}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r15", "tags": 5}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(4001, '{"name": "r16", "tags": null}')$$);
SELECT pg_temp.counts();

-- the same rules on PATCH; a rejected PATCH keeps the old tags
SELECT event_definitions.create_event_definition(4001, '{"name": "patched", "tags": ["old"]}') ->> 'id' AS d \gset
SELECT event_definitions.update_event_definition(4001, :'d',
	'{"tags": ["\u3000ÉTÉ\u00a0", "Tag", "tag", "TAG", 7, "$dollar"]}') -> 'tags' AS tags;
SELECT pg_temp.tags_of('patched');
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(4001, %L, '{"tags": ["new", " "]}')$$, :'d'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(4001, %L, '{"tags": ["new", true]}')$$, :'d'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(4001, %L, '{"tags": "new"}')$$, :'d'));
SELECT pg_temp.try(format('SELECT event_definitions.update_event_definition(4001, %L, %L)', :'d',
	json_build_object('tags', (SELECT json_agg('t' || i) FROM generate_series(1, 101) i))));
SELECT pg_temp.tags_of('patched');
-- the activity log records normalized, sorted tags
SELECT a.detail -> 'changes' AS changes
FROM event_definitions_private.activity_log a
WHERE a.project_id = 4001 AND a.item_id = :'d' AND a.activity = 'changed' ORDER BY a.id;
