-- Lookups by name: event_definition_by_name (case 40, §3.8), promoted_properties
-- (cases 49-52, §3.9, §4), event_definition_metrics + record_event_usage (§3.6, §6).
-- Project 9401 (ours), 9402 (another project).
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql

SELECT event_definitions.upsert_project(9401, 'Ours') ->> 'name';
SELECT event_definitions.upsert_project(9402, 'Theirs') ->> 'name';
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, promoted_property, tags, last_seen_at) VALUES
	(9401, 'e0000000-0000-4000-8000-000000000001', 'installed_app', NULL, '{mobile}', '2020-01-01T00:00:00Z'),
	(9401, 'e0000000-0000-4000-8000-000000000002', 'Installed_App', NULL, '{}', NULL),
	(9401, 'e0000000-0000-4000-8000-000000000003', 'order_placed', 'order_id', '{}', NULL),
	(9401, 'e0000000-0000-4000-8000-000000000004', 'event_without_primary', NULL, '{}', NULL),
	(9401, 'e0000000-0000-4000-8000-000000000005', 'evt_blank', '', '{}', NULL),
	(9401, 'e0000000-0000-4000-8000-000000000006', 'evt_real', 'real_prop', '{}', NULL),
	(9401, 'e0000000-0000-4000-8000-000000000007', 'with space ', 'sp', '{}', NULL),
	(9402, 'f0000000-0000-4000-8000-000000000001', 'order_placed', 'their_order_id', '{}', NULL),
	(9402, 'f0000000-0000-4000-8000-000000000002', 'foreign_only', 'foreign_prop', '{}', NULL);

-- ---------------------------------------------------------------- by_name
-- exact and case-sensitive; the whole retrieve shape
SELECT event_definitions.event_definition_by_name(9401, 'installed_app')
	- '{updated_at,last_updated_at}'::text[] AS installed_app;
SELECT event_definitions.event_definition_by_name(9401, 'Installed_App') ->> 'id' AS "Installed_App";
-- the same as retrieve
SELECT event_definitions.event_definition_by_name(9401, 'order_placed')
	= event_definitions.retrieve_event_definition(9401, 'e0000000-0000-4000-8000-000000000003') AS same_as_retrieve;
-- trailing blanks are part of the name
SELECT event_definitions.event_definition_by_name(9401, 'with space ') ->> 'name' AS with_space;
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9401, 'with space')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9401, 'INSTALLED_APP')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9401, 'nonexistent')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9401, 'foreign_only')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9401, '')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9401, NULL)$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9401, 'it''s "quoted"')$$);
-- the other project's row with the same name is its own
SELECT event_definitions.event_definition_by_name(9402, 'order_placed') ->> 'id' AS theirs;
SELECT pg_temp.try($$SELECT event_definitions.event_definition_by_name(9499, 'order_placed')$$);

-- ---------------------------------------------------------------- promoted_properties
-- case 49: only configured values; names without a value and unknown names are absent
SELECT event_definitions.promoted_properties(9401, ARRAY['order_placed', 'event_without_primary', 'missing_event']);
-- case 50 + 51: no names -> every non-empty value of this project, never '' nor other projects
SELECT event_definitions.promoted_properties(9401);
SELECT event_definitions.promoted_properties(9401, '{}');
-- blanks are dropped (all blank = no filter); duplicates are harmless
SELECT event_definitions.promoted_properties(9401, ARRAY['', NULL]);
SELECT event_definitions.promoted_properties(9401, ARRAY['evt_real', '', 'evt_real', NULL]);
-- names are exact, not comma-split, not case-folded
SELECT event_definitions.promoted_properties(9401, ARRAY['evt_real,order_placed', 'ORDER_PLACED']);
SELECT event_definitions.promoted_properties(9401, ARRAY['evt_blank']);
-- case 52: another project's row, asked for by name
SELECT event_definitions.promoted_properties(9401, ARRAY['foreign_only']);
SELECT event_definitions.promoted_properties(9402);
-- values set and cleared through PATCH show up and disappear
SELECT event_definitions.update_event_definition(9401, 'e0000000-0000-4000-8000-000000000004',
	'{"promoted_property": "checkout_id"}') ->> 'promoted_property';
SELECT event_definitions.promoted_properties(9401, ARRAY['event_without_primary']);
SELECT event_definitions.update_event_definition(9401, 'e0000000-0000-4000-8000-000000000004',
	'{"promoted_property": null}') ->> 'promoted_property';
SELECT event_definitions.promoted_properties(9401, ARRAY['event_without_primary']);
SELECT pg_temp.try($$SELECT event_definitions.promoted_properties(9499)$$);
SELECT pg_temp.try($$SELECT event_definitions.promoted_properties(9401, '{{a},{b}}')$$);

-- ---------------------------------------------------------------- metrics
-- nothing recorded yet
SELECT event_definitions.event_definition_metrics(9401, 'e0000000-0000-4000-8000-000000000003');
-- today, 29 days ago and 30 days ago count; 31 and 400 days ago do not; repeated calls add up;
-- another event, the same name in another project, a different case: not counted
SELECT event_definitions.record_event_usage(9401, 'order_placed');
SELECT event_definitions.record_event_usage(9401, 'order_placed', 4);
SELECT event_definitions.record_event_usage(9401, 'order_placed', 10, CURRENT_DATE - 29);
SELECT event_definitions.record_event_usage(9401, 'order_placed', 100, CURRENT_DATE - 30);
SELECT event_definitions.record_event_usage(9401, 'order_placed', 1000, CURRENT_DATE - 31);
SELECT event_definitions.record_event_usage(9401, 'order_placed', 10000, CURRENT_DATE - 400);
SELECT event_definitions.record_event_usage(9401, 'order_placed', 0);
SELECT event_definitions.record_event_usage(9401, 'evt_real', 20000);
SELECT event_definitions.record_event_usage(9401, 'ORDER_PLACED', 30000);
SELECT event_definitions.record_event_usage(9402, 'order_placed', 40000);
SELECT day = CURRENT_DATE AS today, count FROM event_definitions_private.event_usage
WHERE project_id = 9401 AND event_name = 'order_placed' ORDER BY day DESC;
SELECT event_definitions.event_definition_metrics(9401, 'e0000000-0000-4000-8000-000000000003');
SELECT event_definitions.event_definition_metrics(9401, 'e0000000-0000-4000-8000-000000000006');
SELECT event_definitions.event_definition_metrics(9401, 'e0000000-0000-4000-8000-000000000001');
SELECT event_definitions.event_definition_metrics(9402, 'f0000000-0000-4000-8000-000000000001');
-- unknown ids, and ids of another project
SELECT pg_temp.try($$SELECT event_definitions.event_definition_metrics(9401, 'e0000000-0000-4000-8000-00000000ffff')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_metrics(9401, 'f0000000-0000-4000-8000-000000000001')$$);
SELECT pg_temp.try($$SELECT event_definitions.event_definition_metrics(9401, NULL)$$);
-- invalid usage is rejected and writes nothing
SELECT sum(count) AS total_before FROM event_definitions_private.event_usage WHERE project_id IN (9401, 9402);
SELECT pg_temp.try($$SELECT event_definitions.record_event_usage(9401, 'order_placed', -1)$$);
SELECT pg_temp.try($$SELECT event_definitions.record_event_usage(9401, 'order_placed', NULL)$$);
SELECT pg_temp.try($$SELECT event_definitions.record_event_usage(9401, '', 1)$$);
SELECT pg_temp.try($$SELECT event_definitions.record_event_usage(9401, NULL, 1)$$);
SELECT pg_temp.try($$SELECT event_definitions.record_event_usage(9401, 'order_placed', 1, NULL)$$);
SELECT pg_temp.try($$SELECT event_definitions.record_event_usage(9499, 'order_placed', 1)$$);
SELECT sum(count) AS total_after FROM event_definitions_private.event_usage WHERE project_id IN (9401, 9402);

DELETE FROM event_definitions_private.projects WHERE project_id IN (9401, 9402);
