--
-- list_event_definitions: filters (PostHog cases 1-6, 11-14, 19-20, 23-26)
--
-- Errors are shown as SQLSTATE + message + detail.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_list_filters_reader;
RESET client_min_messages;
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
	det text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ' ' || msg || ' / ' || det;
END
$$;
SELECT event_definitions.upsert_project(3101, 'fixture A') IS NOT NULL AS p1,
	   event_definitions.upsert_project(3102, 'other project') IS NOT NULL AS p2,
	   event_definitions.upsert_project(3103, 'enterprise search') IS NOT NULL AS p3,
	   event_definitions.upsert_project(3104, 'stale') IS NOT NULL AS p4;
-- Fixture A, relative to f = today 00:00 UTC (PostHog freezes the clock at
-- 2020-01-02T00:00:00Z): three definitions on the UTC date before f.
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, created_at, last_seen_at)
SELECT 3101, v.id::uuid, v.name, f, f - v.ago
FROM (SELECT (date_trunc('day', now() AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC' AS f) c,
	 (VALUES ('00000000-0000-0000-0000-000000000101', 'installed_app', interval '1 day'),
			 ('00000000-0000-0000-0000-000000000102', 'rated_app', interval '12 days'),
			 ('00000000-0000-0000-0000-000000000103', 'purchase', interval '3 days'),
			 ('00000000-0000-0000-0000-000000000104', 'entered_free_trial', interval '1 hour'),
			 ('00000000-0000-0000-0000-000000000105', 'watched_movie', NULL),
			 ('00000000-0000-0000-0000-000000000106', '$pageview', interval '1 hour 4 minutes'))
	 AS v(id, name, ago);
-- another project, with a clashing name
INSERT INTO event_definitions_private.event_definitions (project_id, id, name) VALUES
	(3102, '00000000-0000-0000-0000-000000000201', 'installed_app'),
	(3102, '00000000-0000-0000-0000-000000000202', 'other_project_app');
-- case 1: the whole fixture, and each result is the view's row without project_id
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names,
	   r->'next' AS next, r->'previous' AS previous
FROM event_definitions.list_event_definitions(3101) r;
SELECT (SELECT jsonb_agg(x ORDER BY x->>'name') FROM jsonb_array_elements(r->'results') x)
	   = (SELECT jsonb_agg(to_jsonb(v) - 'project_id' ORDER BY v.name)
		  FROM event_definitions.event_definitions v WHERE v.project_id = 3101) AS results_are_view_rows,
	   (SELECT bool_and(NOT x ? 'project_id') FROM jsonb_array_elements(r->'results') x) AS no_project_id
FROM event_definitions.list_event_definitions(3101) r;
-- case 11: another project's definitions are never listed (and vice versa)
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].id') AS ids
FROM event_definitions.list_event_definitions(3102) r;
SELECT jsonb_path_query_array(r, '$.results[*].id') @> '["00000000-0000-0000-0000-000000000201"]' AS leaks
FROM event_definitions.list_event_definitions(3101) r;
-- a missing project
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3199)$$);
--
-- case 2: excluded_properties
--
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, excluded_properties => '["installed_app","purchase"]') r;
-- numbers count as their text; unknown names and an empty list exclude nothing
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, excluded_properties => '[1, "purchase", "purchase", "nope"]') r;
SELECT r->'count' AS count
FROM event_definitions.list_event_definitions(3101, excluded_properties => '[]') r;
-- a non-list is a 400
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3101, excluded_properties => '"installed_app"')$$);
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3101, excluded_properties => '{"a": 1}')$$);
--
-- cases 3 and 4: tags
--
UPDATE event_definitions_private.event_definitions SET tags = '{billing,revenue}'
WHERE project_id = 3101 AND name = 'installed_app';
UPDATE event_definitions_private.event_definitions SET tags = '{billing}'
WHERE project_id = 3101 AND name = 'purchase';
UPDATE event_definitions_private.event_definitions SET tags = '{other}'
WHERE project_id = 3101 AND name = 'rated_app';
-- any listed tag; one row per definition, even when it carries both
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names, r->'next' AS next
FROM event_definitions.list_event_definitions(3101, "limit" => 1, tags => '["billing","revenue"]') r;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, tags => '["billing","revenue"]') r;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, tags => '["revenue","other"]') r;
-- an array literal, as postgrest-js writes an array in a query string
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, tags => '{revenue,other}') r;
-- non-string items are dropped
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, tags => '["revenue", 5, null, ["billing"]]') r;
-- stored names match exactly (no normalization of the filter)
SELECT r->'count' AS count
FROM event_definitions.list_event_definitions(3101, tags => '["BILLING", " billing"]') r;
-- a non-list is ignored
SELECT t AS tags, r->'count' AS count
FROM unnest(ARRAY['true', '5', '{"a": 1}', '"billing"', 'null']) t,
	 event_definitions.list_event_definitions(3101, tags => t::json) r
ORDER BY t;
--
-- case 5: limit and offset
--
SELECT r->'count' AS count, jsonb_array_length(r->'results') AS n, r->'next' AS next
FROM event_definitions.list_event_definitions(3101, "limit" => 2147483647) r;
SELECT r->'count' AS count, r->'results' AS results, r->'next' AS next
FROM event_definitions.list_event_definitions(3101, "offset" => 2147483647) r;
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3101, "limit" => 0)$$);
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3101, "limit" => -5)$$);
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3101, "offset" => -1)$$);
-- NULL means the default
SELECT r->'count' AS count, jsonb_array_length(r->'results') AS n
FROM event_definitions.list_event_definitions(3101, "limit" => NULL, "offset" => NULL) r;
--
-- case 6: names, comma-separated, empty pieces dropped
--
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, names => 'installed_app,purchase,missing_event') r;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, names => ',purchase,,purchase,') r;
-- names are exact: no trimming, case-sensitive, no wildcards
SELECT r->'count' AS count
FROM event_definitions.list_event_definitions(3101, names => ' purchase,PURCHASE,purchas%,purchas_') r;
SELECT r->'count' AS count
FROM event_definitions.list_event_definitions(3101, names => 'missing_event') r;
--
-- cases 13 and 14: search
--
SELECT s AS search, r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY['app', 'App', 'APP', ' app ', 'free tri', 'free tri ', 'ed mov', 'mov ed',
				  'e_e', 'e%w', '%', 'missing_event', 'app free', '']) s,
	 event_definitions.list_event_definitions(3101, search => s) r
ORDER BY s COLLATE "C";
-- at most 48 terms, with every other filter present too
SELECT r->'count' AS count_48_terms
FROM event_definitions.list_event_definitions(3101, search => (SELECT string_agg('a', ' ') FROM generate_series(1, 48)),
	names => 'x', tags => '["t"]', excluded_properties => '["y"]', "limit" => 5, "offset" => 5) r;
SELECT pg_temp.try(format('SELECT event_definitions.list_event_definitions(3101, search => %L)',
						  (SELECT string_agg('a', ' ') FROM generate_series(1, 49))));
--
-- cases 19 and 20: event_type
--
SELECT t AS event_type, r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY['event', 'event_custom', 'event_posthog', 'all', 'action_event']) t,
	 event_definitions.list_event_definitions(3101, event_type => t) r
ORDER BY t;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, search => 'app', event_type => 'event') r;
SELECT r->'count' AS count
FROM event_definitions.list_event_definitions(3101, event_type => NULL) r;
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3101, event_type => 'foo')$$);
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3101, event_type => 'EVENT')$$);
--
-- cases 24 and 25: exclude_hidden, verified per row
--
UPDATE event_definitions_private.event_definitions SET hidden = true
WHERE project_id = 3101 AND name = 'rated_app';
UPDATE event_definitions_private.event_definitions SET hidden = NULL
WHERE project_id = 3101 AND name = 'watched_movie';
UPDATE event_definitions_private.event_definitions SET verified = true, verified_at = now()
WHERE project_id = 3101 AND name = 'purchase';
SELECT e AS exclude_hidden, r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY[false, true, NULL]) e,
	 event_definitions.list_event_definitions(3101, exclude_hidden => e) r
ORDER BY e NULLS LAST;
SELECT jsonb_path_query_array(r, '$.results[*].name') AS names,
	   jsonb_path_query_array(r, '$.results[*].verified') AS verified,
	   jsonb_path_query_array(r, '$.results[*].hidden') AS hidden
FROM event_definitions.list_event_definitions(3101) r;
--
-- case 26: multi-term search
--
INSERT INTO event_definitions_private.event_definitions (project_id, id, name) VALUES
	(3103, '00000000-0000-0000-0000-000000000301', 'purchase'),
	(3103, '00000000-0000-0000-0000-000000000302', 'entered_free_trial'),
	(3103, '00000000-0000-0000-0000-000000000303', 'watched_movie'),
	(3103, '00000000-0000-0000-0000-000000000304', '$pageview'),
	(3103, '00000000-0000-0000-0000-000000000305', 'enterprise event'),
	(3103, '00000000-0000-0000-0000-000000000306', 'regular event');
SELECT s AS search, r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY['e ev', 'bust', 'e  ev', 'EV E']) s,
	 event_definitions.list_event_definitions(3103, search => s) r
ORDER BY s;
--
-- case 23: exclude_stale keeps the definitions seen in the last 30 days and the never-seen ones
--
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, last_seen_at)
SELECT 3104, v.id::uuid, v.name, f - v.ago
FROM (SELECT (date_trunc('day', now() AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC' AS f) c,
	 (VALUES ('00000000-0000-0000-0000-000000000401', 'seen_1_day', interval '1 day'),
			 ('00000000-0000-0000-0000-000000000402', 'seen_45_days', interval '45 days'),
			 ('00000000-0000-0000-0000-000000000403', 'seen_365_days', interval '365 days'),
			 ('00000000-0000-0000-0000-000000000404', 'never_seen', NULL),
			 ('00000000-0000-0000-0000-000000000405', 'seen_29_days', interval '29 days'),
			 ('00000000-0000-0000-0000-000000000406', 'seen_31_days', interval '31 days'))
	 AS v(id, name, ago);
SELECT e AS exclude_stale, r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM unnest(ARRAY[false, true, NULL]) e,
	 event_definitions.list_event_definitions(3104, exclude_stale => e) r
ORDER BY e NULLS LAST;
--
-- case 23b: exclude_stale follows the project's stale_after_days (and goes back to 30
-- when the setting does); another project's setting changes nothing here
--
SELECT event_definitions.update_project_settings(3104, '{"stale_after_days": 40}') IS NOT NULL AS updated;
SELECT event_definitions.project_settings(3104)->'stale_after_days' AS stale_after_days;
SELECT jsonb_path_query_array(event_definitions.list_event_definitions(3104, exclude_stale => true),
							  '$.results[*].name') AS names_40_days;
SELECT event_definitions.update_project_settings(3104, '{"stale_after_days": 2}') IS NOT NULL AS updated;
SELECT event_definitions.project_settings(3104)->'stale_after_days' AS stale_after_days;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names_2_days
FROM event_definitions.list_event_definitions(3104, exclude_stale => true) r;
SELECT event_definitions.update_project_settings(3103, '{"stale_after_days": 1000}') IS NOT NULL AS updated;
SELECT event_definitions.project_settings(3103)->'stale_after_days' AS other_project;
SELECT jsonb_path_query_array(event_definitions.list_event_definitions(3104, exclude_stale => true),
							  '$.results[*].name') AS still_2_days;
SELECT event_definitions.update_project_settings(3104, '{"stale_after_days": 30}') IS NOT NULL AS updated;
SELECT event_definitions.project_settings(3104)->'stale_after_days' AS stale_after_days;
SELECT jsonb_path_query_array(event_definitions.list_event_definitions(3104, exclude_stale => true),
							  '$.results[*].name') AS names_30_days;
--
-- case 11: a reader sees only its own projects; another project answers like a missing one
--
CREATE ROLE regress_list_filters_reader LOGIN;
GRANT event_definitions_reader TO regress_list_filters_reader;
SELECT event_definitions.upsert_user('{"id": 31001, "first_name": "Reader", "email": "reader@example.com",
	"login_role": "regress_list_filters_reader"}')->>'first_name' AS reader;
SELECT event_definitions.add_project_member(3101, 31001);
SELECT current_user AS superuser_name \gset
\c - regress_list_filters_reader
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
	det text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ' ' || msg || ' / ' || det;
END
$$;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101) r;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3101, search => 'app', tags => '["billing"]') r;
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3102)$$);
SELECT pg_temp.try($$SELECT event_definitions.list_event_definitions(3199)$$);
DROP FUNCTION pg_temp.try(text);
\c - :superuser_name
DROP OWNED BY regress_list_filters_reader;
DROP ROLE regress_list_filters_reader;
-- clean up: the regression database is shared by the test files
DELETE FROM event_definitions_private.users WHERE id = 31001;
DELETE FROM event_definitions_private.projects WHERE project_id BETWEEN 3101 AND 3199;
