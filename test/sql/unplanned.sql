-- Unplanned events: what ingestion does with a name that has no definition,
-- by the project's unplanned_events setting: "allow" creates it (as before),
-- "flag" creates it and reports unplanned_event, "reject" creates nothing
-- and refuses the event.  Known names are never unplanned.  Project 7801.
\set VERBOSITY terse
SELECT event_definitions.upsert_project(7801, 'Unplanned') ->> 'name';
SELECT event_definitions.create_event_definition(7801, '{"name": "planned"}') ->> 'name';
CREATE FUNCTION pg_temp.defs() RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(name, ', ' ORDER BY name) FROM event_definitions_private.event_definitions WHERE project_id = 7801
$$;

-- allow (the default)
SELECT event_definitions.ingest_event(7801, 'new_allowed', '{}', '2024-08-01T00:00:00Z');
SELECT event_definitions.ingest_event(7801, 'planned', '{}', '2024-08-01T00:00:00Z');
SELECT pg_temp.defs();

-- flag: created and reported, the first time only (then it is known)
SELECT event_definitions.update_project_settings(7801, '{"unplanned_events": "flag"}') ->> 'unplanned_events';
SELECT event_definitions.ingest_event(7801, 'new_flagged', '{}', '2024-08-02T00:00:00Z');
SELECT event_definitions.ingest_event(7801, 'new_flagged', '{}', '2024-08-02T00:00:01Z');
SELECT event_definitions.ingest_event(7801, 'planned', '{}', '2024-08-02T00:00:00Z');
SELECT pg_temp.defs();

-- reject: nothing created, the event refused, again and again
SELECT event_definitions.update_project_settings(7801, '{"unplanned_events": "reject"}') ->> 'unplanned_events';
SELECT event_definitions.ingest_event(7801, 'new_rejected', '{"x": 1}', '2024-08-03T00:00:00Z');
SELECT event_definitions.ingest_event(7801, 'new_rejected', '{"x": 1}', '2024-08-03T00:00:01Z');
SELECT event_definitions.ingest_event(7801, 'planned', '{}', '2024-08-03T00:00:00Z');
SELECT event_definitions.ingest_event(7801, 'new_flagged', '{}', '2024-08-03T00:00:00Z');
SELECT pg_temp.defs();
-- a rejected name is planned by creating its definition; then it is accepted
SELECT event_definitions.create_event_definition(7801, '{"name": "new_rejected"}') ->> 'name';
SELECT event_definitions.ingest_event(7801, 'new_rejected', '{"x": 1}', '2024-08-03T00:00:02Z');
-- and a deleted definition is unplanned again
SELECT event_definitions.delete_event_definition(7801,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7801 AND name = 'new_allowed'));
SELECT event_definitions.ingest_event(7801, 'new_allowed', '{}', '2024-08-03T00:00:00Z');
SELECT pg_temp.defs();

-- in a batch, per element, with a name twice: both refused
SELECT event_definitions.ingest_events(7801, '[{"event": "planned"}, {"event": "batch_new"}, {"event": "batch_new"}]');
-- back to allow: the batch creates it once
SELECT event_definitions.update_project_settings(7801, '{"unplanned_events": "allow"}') ->> 'unplanned_events';
SELECT event_definitions.ingest_events(7801, '[{"event": "batch_new"}, {"event": "batch_new"}]');
SELECT pg_temp.defs();

-- what was counted: unplanned_event per name (flag once, reject each time)
SELECT event, property, violation, count FROM event_definitions.ingestion_violations
WHERE project_id = 7801 ORDER BY event, violation;
