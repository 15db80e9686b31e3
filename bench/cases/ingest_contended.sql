-- Contended ingestion of the same 100 names: last_seen_at moves with every
-- later timestamp (last_seen_interval 0), so each call writes all 100 rows,
-- which every other client writes too (in name order).
SET event_definitions.last_seen_interval = 0;
SELECT event_definitions.ingest_events(1, (SELECT jsonb_agg(jsonb_build_object('event', 'event_' || k))
	FROM generate_series(1, 100) k)) IS NOT NULL;
