-- Concurrent ingestion of the same 100 names as a pipeline sends them:
-- batches of events of now, so last_seen_at is written once per name per
-- hour (event_definitions.last_seen_interval) and the rest is checked from
-- what each backend keeps.
SELECT event_definitions.ingest_events(1, (SELECT jsonb_agg(jsonb_build_object('event', 'event_' || k,
	'properties', jsonb_build_object('n', k)))
	FROM generate_series(1, 100) k)) IS NOT NULL;
