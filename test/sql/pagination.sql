--
-- list_event_definitions: pages and next/previous links (PostHog cases 21, 22)
--
SELECT event_definitions.upsert_project(3301, 'fixture A') IS NOT NULL AS p1,
	   event_definitions.upsert_project(3342, 'links') IS NOT NULL AS p42;
-- A query-string value decoded as Django does (quote_plus reversed).
CREATE FUNCTION pg_temp.qs_decode(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT convert_from(COALESCE(string_agg(
			CASE WHEN m[1] IS NOT NULL THEN decode(substr(m[1], 2), 'hex') ELSE convert_to(m[2], 'UTF8') END,
			''::bytea ORDER BY k), ''::bytea), 'UTF8')
	FROM regexp_matches(replace(s, '+', ' '), '(%[0-9A-Fa-f]{2})|([^%]+)', 'g') WITH ORDINALITY AS t(m, k)
$$;
-- The parameters of a link, as a JSON object (a repeated key would be an error).
CREATE FUNCTION pg_temp.qs_params(link text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_object_agg(split_part(kv, '=', 1), pg_temp.qs_decode(substr(kv, strpos(kv, '=') + 1)))
	FROM unnest(string_to_array(substring(link from '\?(.*)$'), '&')) kv
$$;
-- Request the page a link points at, as a client following it would.
CREATE FUNCTION pg_temp.follow(project bigint, link text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT event_definitions.list_event_definitions(project,
			(p->>'limit')::int, COALESCE((p->>'offset')::int, 0), p->>'search',
			COALESCE(p->>'event_type', 'event'), p->>'ordering',
			COALESCE((p->>'exclude_hidden')::boolean, false), (p->>'excluded_properties')::json,
			p->>'names', (p->>'tags')::json, COALESCE((p->>'exclude_stale')::boolean, false))
	FROM pg_temp.qs_params(link) p
$$;
-- Fixture A (relative to f = today 00:00 UTC) and 300 never-seen z_event_N.
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, last_seen_at)
SELECT 3301, v.id::uuid, v.name, f - v.ago
FROM (SELECT (date_trunc('day', now() AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC' AS f) c,
	 (VALUES ('00000000-0000-0000-0000-000000000101', 'installed_app', interval '1 day'),
			 ('00000000-0000-0000-0000-000000000102', 'rated_app', interval '12 days'),
			 ('00000000-0000-0000-0000-000000000103', 'purchase', interval '3 days'),
			 ('00000000-0000-0000-0000-000000000104', 'entered_free_trial', interval '1 hour'),
			 ('00000000-0000-0000-0000-000000000105', 'watched_movie', NULL),
			 ('00000000-0000-0000-0000-000000000106', '$pageview', interval '1 hour 4 minutes'))
	 AS v(id, name, ago);
INSERT INTO event_definitions_private.event_definitions (project_id, id, name)
SELECT 3301, ('00000000-0000-0000-0001-' || lpad(i::text, 12, '0'))::uuid, 'z_event_' || i
FROM generate_series(1, 300) i;
--
-- case 21: following next from the first page
--
WITH RECURSIVE pages(n, r) AS (
	SELECT 1, event_definitions.list_event_definitions(3301)
	UNION ALL
	SELECT n + 1, pg_temp.follow(3301, r->>'next') FROM pages WHERE r->>'next' IS NOT NULL AND n < 10)
SELECT n, r->'count' AS count, jsonb_array_length(r->'results') AS len,
	   r->'results'->0->>'name' AS first, r->'results'->1->>'name' AS second,
	   r->'results'->-1->>'name' AS last, r->>'next' AS next, r->>'previous' AS previous
FROM pages ORDER BY n;
-- the last page, in full
SELECT jsonb_path_query_array(r, '$.results[*].name') AS names
FROM event_definitions.list_event_definitions(3301, "offset" => 300) r;
-- following previous back from the last page gives the same pages
WITH RECURSIVE pages(n, r) AS (
	SELECT 4, event_definitions.list_event_definitions(3301, "offset" => 300)
	UNION ALL
	SELECT n - 1, pg_temp.follow(3301, r->>'previous') FROM pages WHERE r->>'previous' IS NOT NULL AND n > -5)
SELECT n, r->'results'->0->>'name' AS first, r->>'previous' AS previous,
	   r = event_definitions.list_event_definitions(3301, "offset" => (n - 1) * 100) AS same_page
FROM pages ORDER BY n;
-- the pages together are every definition once, in the default order
SELECT count(*) AS n, count(DISTINCT x->>'id') AS distinct_ids,
	   array_agg(x->>'name' ORDER BY o, k) = (
		   SELECT array_agg(name::text ORDER BY last_seen_date DESC NULLS LAST, name)
		   FROM event_definitions_private.event_definitions WHERE project_id = 3301) AS default_order
FROM generate_series(0, 3) o,
	 event_definitions.list_event_definitions(3301, "offset" => o * 100) r,
	 jsonb_array_elements(r->'results') WITH ORDINALITY AS e(x, k);
--
-- case 22: search + explicit ordering on a field that is NULL everywhere
--
SELECT k AS "offset", r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names,
	   r->>'next' AS next, r->>'previous' AS previous
FROM unnest(ARRAY[0, 11, 300, 301]) k,
	 event_definitions.list_event_definitions(3301, "limit" => 10, "offset" => k, search => 'z_event',
											  ordering => '-last_seen_at') r
ORDER BY k;
-- each slice is the sorted names [k, k+10)
SELECT bool_and(jsonb_path_query_array(r, '$.results[*].name') = COALESCE((
		   SELECT jsonb_agg(name ORDER BY name) FROM (
			   SELECT ('z_event_' || i) COLLATE "C" AS name FROM generate_series(1, 300) i
			   ORDER BY 1 LIMIT 10 OFFSET k) s), '[]')) AS slices_sorted
FROM generate_series(0, 301) k,
	 event_definitions.list_event_definitions(3301, "limit" => 10, "offset" => k, search => 'z_event',
											  ordering => '-last_seen_at') r;
SELECT r->'count' AS count, r->'results' AS results, r->'next' AS next, r->'previous' AS previous
FROM event_definitions.list_event_definitions(3301, search => 'missing_event', ordering => '-last_seen_at') r;
--
-- previous: the offset is dropped when offset - limit <= 0
--
SELECT k AS "offset", r->>'next' AS next, r->>'previous' AS previous
FROM unnest(ARRAY[0, 1, 5, 10, 11, 20, 302, 305, 306, 400]) k,
	 event_definitions.list_event_definitions(3301, "limit" => 10, "offset" => k) r
ORDER BY k;
-- offset past the end: empty page, the right count
SELECT r->'count' AS count, r->'results' AS results, r->'next' AS next, r->'previous' AS previous
FROM event_definitions.list_event_definitions(3301, "offset" => 1000) r;
--
-- link format: every parameter, keys sorted, values escaped as quote_plus does
--
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, last_seen_at)
SELECT 3342, ('00000000-0000-0000-0042-' || lpad(i::text, 12, '0'))::uuid, 'ev a ' || i, now()
FROM generate_series(1, 7) i;
SELECT r->'count' AS count, jsonb_path_query_array(r, '$.results[*].name') AS names,
	   r->>'next' AS next, r->>'previous' AS previous
FROM event_definitions.list_event_definitions(3342, "limit" => 2, "offset" => 2, search => 'a e',
		event_type => 'event_custom', ordering => 'name,-created_at', exclude_hidden => true,
		excluded_properties => '["x y"]', names => 'ev a 1,ev a 3,ev a 5,ev a 6,ev a 7',
		tags => '{"k": "v w"}', exclude_stale => true) r;
-- following those links gives the neighbouring pages of the same request
SELECT jsonb_path_query_array(pg_temp.follow(3342, r->>'next'), '$.results[*].name') AS next_names,
	   jsonb_path_query_array(pg_temp.follow(3342, r->>'previous'), '$.results[*].name') AS previous_names,
	   pg_temp.follow(3342, r->>'next')->>'previous' AS next_previous
FROM event_definitions.list_event_definitions(3342, "limit" => 2, "offset" => 2, search => 'a e',
		event_type => 'event_custom', ordering => 'name,-created_at', exclude_hidden => true,
		excluded_properties => '["x y"]', names => 'ev a 1,ev a 3,ev a 5,ev a 6,ev a 7',
		tags => '{"k": "v w"}', exclude_stale => true) r;
-- defaults are left out; false flags and event_type=event are not repeated
SELECT r->>'previous' AS previous
FROM event_definitions.list_event_definitions(3342, "limit" => 1, "offset" => 5, event_type => 'event',
		exclude_hidden => false, exclude_stale => false) r;
-- quote_plus: unreserved characters kept, space as '+', everything else %XX of the UTF-8 bytes
SELECT r->'count' AS count, r->>'previous' AS previous, pg_temp.qs_params(r->>'previous')->>'search' AS decoded
FROM event_definitions.list_event_definitions(3342, "limit" => 2, "offset" => 5,
		search => 'a&b=c/d?é+% ~_.-*#''"') r;
SELECT r->>'previous' AS previous
FROM event_definitions.list_event_definitions(3342, "offset" => 1, ordering => '-last_seen_at::date,name',
		names => ',,') r;
--
-- event_definitions.base_url: absolute links, {project_id} substituted
--
SET event_definitions.base_url = 'https://app.example.com/api/projects/{project_id}/event_definitions/';
SELECT r->>'next' AS next, r->>'previous' AS previous
FROM event_definitions.list_event_definitions(3342, "limit" => 2, "offset" => 3, search => 'ev a') r;
SELECT r->>'next' AS next, r->>'previous' AS previous
FROM event_definitions.list_event_definitions(3301, "offset" => 100) r;
-- no links, no URL
SELECT r->'next' AS next, r->'previous' AS previous
FROM event_definitions.list_event_definitions(3342) r;
SET event_definitions.base_url = 'http://localhost:8000/event_definitions/';
SELECT r->>'next' AS next, r->>'previous' AS previous
FROM event_definitions.list_event_definitions(3342, "limit" => 3, "offset" => 3) r;
RESET event_definitions.base_url;
SELECT r->>'next' AS next
FROM event_definitions.list_event_definitions(3342, "limit" => 3) r;
-- clean up: the regression database is shared by the test files
DELETE FROM event_definitions_private.projects WHERE project_id BETWEEN 3301 AND 3399;
