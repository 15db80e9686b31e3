-- Concurrent ingestion of the same 100 names: every call is a batch whose
-- timestamp lies in a later hour than the client's last one, so each call
-- writes last_seen_at of all 100 rows, which every other client writes too.
\set n :n + 1
SELECT event_definitions.ingest_events(1, (SELECT jsonb_agg(jsonb_build_object('event', 'event_' || k,
	'timestamp', extract(epoch FROM timestamptz '2030-01-01 00:00:00+00' + (:n * 16 + :client_id) * interval '1 hour')))
	FROM generate_series(1, 100) k)) IS NOT NULL;
