-- Large projects (PostHog's rules, version 1.1): above 50,000 definitions
-- and without a narrowing filter the count stops at 10,000
-- (count_is_capped) and next follows full pages; above 100,000 the default
-- order is by name.  The project's size is the planner's estimate, so the
-- test analyzes the table after each bulk change.
SELECT event_definitions.upsert_project(9951, 'large') IS NOT NULL AS project;
INSERT INTO event_definitions_private.event_definitions (project_id, name, last_seen_at, hidden)
SELECT 9951, 'ev_' || lpad(g::text, 6, '0'),
       CASE WHEN g % 10 = 0 THEN NULL ELSE timestamptz '2024-01-01 12:00+00' + (g % 50) * interval '1 day' END,
       g % 7 = 0
FROM generate_series(1, 125000) g;
ANALYZE event_definitions_private.event_definitions;

CREATE FUNCTION pg_temp.page(r jsonb) RETURNS TABLE (count jsonb, capped jsonb, next jsonb, previous jsonb, first text, last text, n int)
LANGUAGE sql AS $$
	SELECT r->'count', r->'count_is_capped', r->'next', r->'previous',
	       r#>>'{results,0,name}', r->'results'->-1->>'name', jsonb_array_length(r->'results')
$$;

-- > 100,000 (125,000, well above: the size is an estimate): capped count, default order by name
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951));
-- a page deep inside the cap is full, so next goes on past the count
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 100, 9950));
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 100, 124999));
-- exclude_hidden and excluded_properties do not narrow: still capped
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 10, exclude_hidden => true));
-- narrowing filters count exactly and keep PostHog's ordering
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 10, search => 'ev_0999'));
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 10, names => 'ev_000001,ev_100001'));
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 10, exclude_stale => true));
-- an explicit ordering is kept even above 100,000
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 3, ordering => '-name'));

-- between 50,000 and 100,000 (75,000): capped, but the usual default order
DELETE FROM event_definitions_private.event_definitions WHERE project_id = 9951 AND name > 'ev_075000';
ANALYZE event_definitions_private.event_definitions;
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 5));
-- at 50,000 or fewer (40,000): exact counts
DELETE FROM event_definitions_private.event_definitions WHERE project_id = 9951 AND name > 'ev_040000';
ANALYZE event_definitions_private.event_definitions;
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9951, 5));

-- a small project next to a large one keeps exact counts
SELECT event_definitions.upsert_project(9952, 'small') IS NOT NULL AS project;
INSERT INTO event_definitions_private.event_definitions (project_id, name)
SELECT 9952, 'small_' || g FROM generate_series(1, 30) g;
ANALYZE event_definitions_private.event_definitions;
SELECT * FROM pg_temp.page(event_definitions.list_event_definitions(9952, 5));
DELETE FROM event_definitions_private.projects WHERE project_id = 9952;
DELETE FROM event_definitions_private.activity_log WHERE project_id = 9951;
DELETE FROM event_definitions_private.projects WHERE project_id = 9951;
