--
-- list_event_definitions: ordering (PostHog cases 7-10, 15-18, 22)
--
SELECT event_definitions.upsert_project(3201, 'fixture A') IS NOT NULL AS p1,
	   event_definitions.upsert_project(3202, 'collation') IS NOT NULL AS p2;
-- Fixture A, relative to f = today 00:00 UTC (PostHog freezes the clock at
-- 2020-01-02T00:00:00Z): installed_app, entered_free_trial and $pageview share
-- the UTC date before f.  created_at: fixed, with one NULL and one date tie.
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, created_at, last_seen_at)
SELECT 3201, v.id::uuid, v.name, v.created::timestamptz, f - v.ago
FROM (SELECT (date_trunc('day', now() AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC' AS f) c,
	 (VALUES ('00000000-0000-0000-0000-000000000101', 'installed_app', interval '1 day', '2020-01-01 10:00Z'),
			 ('00000000-0000-0000-0000-000000000102', 'rated_app', interval '12 days', '2020-01-01 09:00Z'),
			 ('00000000-0000-0000-0000-000000000103', 'purchase', interval '3 days', '2020-01-01 23:59Z'),
			 ('00000000-0000-0000-0000-000000000104', 'entered_free_trial', interval '1 hour', NULL),
			 ('00000000-0000-0000-0000-000000000105', 'watched_movie', NULL, '2020-01-03 00:00Z'),
			 ('00000000-0000-0000-0000-000000000106', '$pageview', interval '1 hour 4 minutes', '2020-01-02 00:30Z'))
	 AS v(id, name, ago, created);
-- the UTC dates the ordering sees, relative to f
SELECT d.name, (f::date - d.last_seen_date) AS days_before_f
FROM event_definitions_private.event_definitions d,
	 (SELECT (now() AT TIME ZONE 'UTC')::date AS f) c
WHERE d.project_id = 3201 ORDER BY d.name COLLATE "C";
-- cases 7-10 and the other fields: one row per ordering
SELECT o AS ordering, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY[
		NULL,
		'name',
		'-name',
		'-last_seen_at::date,-name',
		'-last_seen_at::date',
		'-last_seen_at::date,name',
		'last_seen_at::date',
		'-last_seen_at',
		'last_seen_at',
		'created_at',
		'-created_at',
		'created_at::date',
		'-created_at::date',
		'-created_at::date,-name',
		'name,-last_seen_at',
		'-name,last_seen_at']) WITH ORDINALITY AS t(o, i),
	 event_definitions.list_event_definitions(3201, ordering => o) r
ORDER BY i;
-- unknown fields are ignored: nothing known left means the default ordering
SELECT o AS ordering, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY[
		'foo',
		'',
		',',
		'-hidden,foo',
		'NAME',
		'foo,-name',
		'--name',
		'id,last_seen_at']) WITH ORDINALITY AS t(o, i),
	 event_definitions.list_event_definitions(3201, ordering => o) r
ORDER BY i;
-- the default ordering is the same as -last_seen_at::date,name
SELECT jsonb_path_query_array(a, '$.results[*].name') = jsonb_path_query_array(b, '$.results[*].name') AS same
FROM event_definitions.list_event_definitions(3201) a,
	 event_definitions.list_event_definitions(3201, ordering => '-last_seen_at::date,name') b;
--
-- cases 15-18: search without an explicit ordering sorts shorter names first
--
SELECT s AS search, o AS ordering, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM (VALUES (1, 'app', NULL), (2, 'APP', NULL), (3, ' app ', NULL), (4, 'ed', NULL),
			 (5, 'app', 'name'), (6, 'ed', 'name'), (7, 'ed', '-name'),
			 (8, 'app', '-last_seen_at'), (9, 'ed', 'foo'), (10, 'ed', '-last_seen_at::date'),
			 (11, '  ', NULL), (12, ' ', NULL), (13, '', NULL), (14, '_', NULL)) AS t(i, s, o),
	 event_definitions.list_event_definitions(3201, search => s, ordering => o) r
ORDER BY i;
-- a whitespace-only search is no search: same order as none
SELECT jsonb_path_query_array(a, '$.results[*].name') = jsonb_path_query_array(b, '$.results[*].name') AS same
FROM event_definitions.list_event_definitions(3201) a,
	 event_definitions.list_event_definitions(3201, search => '  ') b;
-- the length sort counts characters, not bytes; equal lengths fall back to the default order
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, last_seen_at) VALUES
	(3202, '00000000-0000-0000-0000-000000000201', 'ééé_x', NULL),
	(3202, '00000000-0000-0000-0000-000000000202', 'abcd_x', NULL),
	(3202, '00000000-0000-0000-0000-000000000203', 'bcd_x', now() - interval '2 days'),
	(3202, '00000000-0000-0000-0000-000000000204', 'abc_x', NULL);
SELECT jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3202, search => '_x') r;
--
-- case 22 in small: an explicit ordering replaces the length sort; its ties (NULLs) fall back to name
--
SELECT jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3202, search => '_x', ordering => 'last_seen_at') r;
SELECT jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3202, search => 'x', ordering => '-created_at') r;
--
-- names order by byte (COLLATE "C"): '$' and upper case before lower case
--
DELETE FROM event_definitions_private.event_definitions WHERE project_id = 3202;
INSERT INTO event_definitions_private.event_definitions (project_id, id, name) VALUES
	(3202, '00000000-0000-0000-0000-000000000211', 'apple'),
	(3202, '00000000-0000-0000-0000-000000000212', 'Zebra'),
	(3202, '00000000-0000-0000-0000-000000000213', '$set'),
	(3202, '00000000-0000-0000-0000-000000000214', 'Apple'),
	(3202, '00000000-0000-0000-0000-000000000215', '_x'),
	(3202, '00000000-0000-0000-0000-000000000216', 'a b'),
	(3202, '00000000-0000-0000-0000-000000000217', 'éclair'),
	(3202, '00000000-0000-0000-0000-000000000218', 'zoo'),
	(3202, '00000000-0000-0000-0000-000000000219', '1st');
SELECT o AS ordering, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY[NULL, 'name', '-name']) WITH ORDINALITY AS t(o, i),
	 event_definitions.list_event_definitions(3202, ordering => o) r
ORDER BY i;
-- clean up: the regression database is shared by the test files
DELETE FROM event_definitions_private.projects WHERE project_id BETWEEN 3201 AND 3299;
