-- Thousands of calls in one backend, failing and succeeding, leave its
-- memory flat: jansson trees (malloc'd) are freed on every error path and
-- per-call memory is released.  Measured as the backend's resident set.
CREATE FUNCTION pg_temp.rss_kb() RETURNS bigint LANGUAGE sql AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'RssAnon:\s+(\d+)'))[1]::bigint
$$;

SELECT event_definitions.upsert_project(9901, 'memory') IS NOT NULL AS project;

CREATE FUNCTION pg_temp.hammer(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	-- parses fine (a 64 kB string in the tree), then fails validation
	big_invalid json := json_build_object('name', 'x', 'description', repeat('d', 65536), 'tags', true);
	bulk_invalid json := json_build_object(
		'ids', (SELECT json_agg(gen_random_uuid()) FROM generate_series(1, 500)),
		'action', 'add', 'tags', json_build_array('ok', repeat('t', 300)));
	failures int := 0;
	created jsonb;
BEGIN
	FOR i IN 1..n LOOP
		BEGIN
			PERFORM event_definitions.create_event_definition(9901, big_invalid);
		EXCEPTION WHEN invalid_parameter_value THEN
			failures := failures + 1;
		END;
		BEGIN
			PERFORM event_definitions.bulk_update_tags(9901, bulk_invalid);
		EXCEPTION WHEN invalid_parameter_value THEN
			failures := failures + 1;
		END;
		BEGIN
			-- valid for the json type, rejected by the parser: duplicate keys
			PERFORM event_definitions.create_event_definition(9901, '{"name": "x", "tags": [1, 2], "name": "y"}');
		EXCEPTION WHEN invalid_json_text THEN
			failures := failures + 1;
		END;
		-- and a successful write and delete
		created := event_definitions.create_event_definition(9901, '{"name": "memory_ok", "tags": ["a"]}');
		PERFORM event_definitions.delete_event_definition(9901, (created->>'id')::uuid);
	END LOOP;
	RETURN failures;
END $$;

-- warm up caches and plans, then measure
SELECT pg_temp.hammer(200) AS warmup_failures;
SELECT pg_temp.rss_kb() AS before_kb \gset
SELECT pg_temp.hammer(3000) AS failures;
SELECT pg_temp.rss_kb() - :before_kb AS growth_kb \gset
SELECT :growth_kb < 4096 AS anon_growth_under_4mb;

-- nothing was left behind by the failing calls
SELECT count(*) AS definitions FROM event_definitions_private.event_definitions WHERE project_id = 9901;
DELETE FROM event_definitions_private.activity_log WHERE project_id = 9901;
DELETE FROM event_definitions_private.projects WHERE project_id = 9901;
