-- The floor of ingestion: the raw upsert of one event's definition.
\set i random(1, 1000)
INSERT INTO event_definitions_private.event_definitions AS d (project_id, name, created_at, last_seen_at)
VALUES (1, 'event_' || :i::text, now(), now())
ON CONFLICT (project_id, name) DO UPDATE SET last_seen_at = greatest(d.last_seen_at, EXCLUDED.last_seen_at);
