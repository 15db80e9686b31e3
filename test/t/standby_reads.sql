-- Every read of the API, as 001_standby.pl runs it on the primary and on the
-- standby (as the reader login); both outputs must be identical.
\pset format unaligned
\pset tuples_only on
SELECT id AS signup_id FROM event_definitions.event_definitions WHERE project_id = 7601 AND name = 'signup' \gset
SELECT r -> 'results' -> 0 ->> 'id' AS group_id FROM event_definitions.list_property_groups(7601) r \gset
SELECT name, tags, verified, promoted_property, last_seen_at FROM event_definitions.event_definitions
WHERE project_id = 7601 ORDER BY name;
SELECT activity, detail ->> 'name' FROM event_definitions.activity_log WHERE project_id = 7601 ORDER BY created_at, item_id, activity;
SELECT event_definitions.list_event_definitions(7601, ordering => 'name');
SELECT event_definitions.list_event_definitions(7601, search => 'sign', tags => '["growth"]');
SELECT event_definitions.retrieve_event_definition(7601, :'signup_id');
SELECT event_definitions.event_definition_by_name(7601, 'signup');
SELECT event_definitions.promoted_properties(7601, ARRAY['signup', 'checkout']);
SELECT 'standby_usage_total|' || (event_definitions.event_definition_metrics(7601, :'signup_id') ->> 'query_usage_30_day');
SELECT event_definitions.event_definitions_typescript(7601);
SELECT event_definitions.event_definitions_python(7601);
SELECT event_definitions.event_definitions_golang(7601);
SELECT chunk, content, event_count, schema_hash FROM event_definitions.event_definitions_typescript_chunks(7601, 1000) ORDER BY chunk;
SELECT chunk, content, event_count, schema_hash FROM event_definitions.event_definitions_python_chunks(7601) ORDER BY chunk;
SELECT chunk, content, event_count, schema_hash FROM event_definitions.event_definitions_golang_chunks(7601) ORDER BY chunk;
SELECT event_definitions.retrieve_property_group(7601, :'group_id');
SELECT event_definitions.list_property_groups(7601);
SELECT event_definitions.project_settings(7601);
SELECT event_definitions.naming_violations(7601);
SELECT event, property, violation, count, examples FROM event_definitions.ingestion_violations WHERE project_id = 7601 ORDER BY 1, 2, 3;
SELECT event_definitions.export_tracking_plan(7601);
SELECT event_definitions.diff_tracking_plan(7601, '{"version": 1, "events": [{"name": "signup", "tags": ["growth", "new"]}]}');
