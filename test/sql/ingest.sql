-- Ingestion: ingest_event(project_id, event, properties, timestamp) upserts the
-- definition (created_at = last_seen_at on first sight, last_seen_at forward
-- only, created_at kept) and checks the properties against the event's
-- property groups; "allow" accepts and reports, "reject" refuses.  Also used
-- from a trigger on an application's events table.  Project 7401.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_ingest_reader;
RESET client_min_messages;
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
-- the stored timestamps of a definition, as text in UTC
CREATE FUNCTION pg_temp.seen(n text) RETURNS text
LANGUAGE sql AS $$
	SELECT 'created_at=' || COALESCE(event_definitions_private.iso8601(created_at), 'null')
		|| ' last_seen_at=' || COALESCE(event_definitions_private.iso8601(last_seen_at), 'null')
	FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = n
$$;

SELECT event_definitions.upsert_project(7401, 'Ingest') ->> 'name';

-- ---------------------------------------------------------------- first sight, last seen
SELECT event_definitions.ingest_event(7401, 'page_view', '{"path": "/"}', '2024-03-01T10:00:00Z');
SELECT pg_temp.seen('page_view');
-- a later event moves last_seen_at forward, created_at stays
SELECT event_definitions.ingest_event(7401, 'page_view', '{}', '2024-03-05T08:30:00.25Z');
SELECT pg_temp.seen('page_view');
-- an older (late-arriving) event moves nothing back
SELECT event_definitions.ingest_event(7401, 'page_view', '{}', '2024-02-01T00:00:00Z');
SELECT pg_temp.seen('page_view');
-- one definition per name, names are case-sensitive
SELECT event_definitions.ingest_event(7401, 'Page_View', NULL, '2024-03-02T00:00:00Z');
SELECT name, pg_temp.seen(name) FROM event_definitions_private.event_definitions
WHERE project_id = 7401 ORDER BY name;
-- a definition created through the API has no created_at/last_seen_at until ingestion sees it
SELECT event_definitions.create_event_definition(7401, '{"name": "api_made"}') ->> 'created_at' AS created_at;
SELECT event_definitions.ingest_event(7401, 'api_made', '{}', '2024-04-01T12:00:00Z');
SELECT pg_temp.seen('api_made');
-- the default timestamp is now(): the transaction's start
BEGIN;
SELECT event_definitions.ingest_event(7401, 'now_event', '{}') ->> 'accepted' AS accepted;
SELECT created_at = now() AS created_now, last_seen_at = now() AS seen_now
FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'now_event';
COMMIT;
-- ingestion logs "created" for each definition it sees first (and nothing more)
SELECT count(*) FROM event_definitions_private.activity_log WHERE project_id = 7401 AND scope = 'EventDefinition'
  AND detail ->> 'name' <> 'api_made';

-- ---------------------------------------------------------------- argument errors
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7401, '', '{}')$$) AS blank_event;
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7401, NULL, '{}')$$) AS null_event;
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7401, repeat('x', 401), '{}')$$) AS long_event;
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7401, 'x', '[1, 2]')$$) AS array_properties;
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7401, 'x', '"text"')$$) AS string_properties;
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7401, 'x', '3')$$) AS number_properties;
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7499, 'x', '{}')$$) AS missing_project;
-- nothing was written by the rejected calls
SELECT count(*) FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name IN ('', 'x');

-- ---------------------------------------------------------------- property checks
-- one group with a required and an optional property of each type
SELECT event_definitions.create_property_group(7401, '{"name": "Typed", "properties": [
	{"name": "s", "property_type": "String", "is_required": true},
	{"name": "n", "property_type": "Numeric", "is_required": true},
	{"name": "b", "property_type": "Boolean", "is_required": true},
	{"name": "d", "property_type": "DateTime", "is_required": true},
	{"name": "o", "property_type": "Object", "is_required": true},
	{"name": "a", "property_type": "Array", "is_required": true},
	{"name": "opt_s", "property_type": "String"},
	{"name": "opt_n", "property_type": "Numeric"},
	{"name": "opt_b", "property_type": "Boolean"},
	{"name": "opt_d", "property_type": "DateTime"},
	{"name": "opt_o", "property_type": "Object"},
	{"name": "opt_a", "property_type": "Array"}]}') ->> 'name' AS grp;
SELECT event_definitions.ingest_event(7401, 'typed', '{}', '2024-01-01T00:00:00Z') AS no_schema_yet;
SELECT event_definitions.add_event_schema(7401,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'typed'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 7401 AND name = 'Typed'))
	IS NOT NULL AS attached;

CREATE TEMP TABLE cases (n serial, props jsonb);
INSERT INTO cases (props) VALUES
	-- everything right
	('{"s": "x", "n": 1.5, "b": true, "d": "2024-01-02T03:04:05Z", "o": {"k": 1}, "a": [1]}'),
	-- the accepted spellings: numeric strings, "true"/"false", ISO dates and epoch numbers
	('{"s": "", "n": "42", "b": "false", "d": "2024-01-02", "o": {}, "a": [],
	   "opt_n": "-3.25e2", "opt_b": "true", "opt_d": 1704153600, "opt_s": "1"}'),
	('{"s": "x", "n": 0, "b": false, "d": "2024-01-02 03:04:05.123+01:00", "o": {}, "a": [],
	   "opt_d": 1704153600.5}'),
	('{"s": "x", "n": 0, "b": false, "d": "2024-01-02T03:04+0100", "o": {}, "a": []}'),
	-- every required property missing (null counts as missing)
	('{}'),
	('{"s": null, "n": null, "b": null, "d": null, "o": null, "a": null}'),
	-- type mismatches of the required ones
	('{"s": 1, "n": "abc", "b": "yes", "d": "tomorrow", "o": [1], "a": {"0": 1}}'),
	('{"s": true, "n": true, "b": 1, "d": true, "o": "{}", "a": "[]"}'),
	('{"s": {}, "n": [], "b": {}, "d": "2024-13-01", "o": 1, "a": 1}'),
	-- borderline strings
	('{"s": "x", "n": "", "b": "True", "d": "", "o": {}, "a": []}'),
	('{"s": "x", "n": " 1", "b": "FALSE", "d": "2024-01-02T25:00:00Z", "o": {}, "a": []}'),
	('{"s": "x", "n": "1 ", "b": "true ", "d": "2024-01-02T03:04:05Zjunk", "o": {}, "a": []}'),
	-- what strtod() reads but is not a number
	('{"s": "x", "n": "0x1A", "b": true, "d": 0, "o": {}, "a": [], "opt_n": "NaN"}'),
	('{"s": "x", "n": "Infinity", "b": true, "d": 0, "o": {}, "a": [], "opt_n": "-inf"}'),
	('{"s": "x", "n": "1e5", "b": true, "d": 0, "o": {}, "a": [], "opt_n": ".5"}'),
	-- optional ones are checked when present, ignored when absent or null
	('{"s": "x", "n": 1, "b": true, "d": 0, "o": {}, "a": [],
	   "opt_s": 2, "opt_n": "n/a", "opt_b": 0, "opt_d": [2024], "opt_o": [], "opt_a": {}}'),
	('{"s": "x", "n": 1, "b": true, "d": 0, "o": {}, "a": [],
	   "opt_s": null, "opt_n": null, "extra": "not in any group"}');

-- allow (the default): accepted, violations reported
SELECT n, r -> 'accepted' AS accepted, v ->> 'property' AS property, v ->> 'violation' AS violation,
	   v ->> 'expected' AS expected, v ->> 'got' AS got, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(v) k) AS keys
FROM cases, LATERAL event_definitions.ingest_event(7401, 'typed', props, '2024-01-02T00:00:00Z') r
	LEFT JOIN LATERAL jsonb_array_elements(r -> 'violations') WITH ORDINALITY AS e(v, o) ON true
ORDER BY n, o;
-- properties NULL: like an empty object
SELECT (event_definitions.ingest_event(7401, 'typed', NULL, '2024-01-02T00:00:00Z') -> 'violations') =
	   (event_definitions.ingest_event(7401, 'typed', '{}', '2024-01-02T00:00:00Z') -> 'violations') AS null_like_empty,
	   jsonb_array_length(event_definitions.ingest_event(7401, 'typed', NULL, '2024-01-02T00:00:00Z') -> 'violations') AS nviolations;

-- reject: only allowed with the feature switch on
SELECT pg_temp.try($$SELECT event_definitions.update_event_definition(7401,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'typed'),
	'{"enforcement_mode": "reject"}') ->> 'enforcement_mode'$$) AS reject_without_switch;
SET event_definitions.enable_reject_mode = on;
SELECT event_definitions.update_event_definition(7401,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'typed'),
	'{"enforcement_mode": "reject"}') ->> 'enforcement_mode' AS mode;
RESET event_definitions.enable_reject_mode;
-- violations refuse the event, a clean event is accepted; the definition was seen
-- either way, so last_seen_at moves even for a refused event
SELECT n, r -> 'accepted' AS accepted, jsonb_array_length(r -> 'violations') AS nviolations
FROM cases, LATERAL event_definitions.ingest_event(7401, 'typed', props, '2024-01-03T00:00:00Z') r
ORDER BY n;
SELECT event_definitions.ingest_event(7401, 'typed', NULL, '2024-01-04T00:00:00Z') -> 'accepted' AS null_props_accepted;
SELECT pg_temp.seen('typed');
-- a reject-mode event without any property group accepts everything
SET event_definitions.enable_reject_mode = on;
SELECT event_definitions.update_event_definition(7401,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'page_view'),
	'{"enforcement_mode": "reject"}') ->> 'enforcement_mode' AS mode;
RESET event_definitions.enable_reject_mode;
SELECT event_definitions.ingest_event(7401, 'page_view', '{"anything": [1]}', '2024-03-06T00:00:00Z');
-- back to allow: accepted again
SELECT event_definitions.update_event_definition(7401,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'typed'),
	'{"enforcement_mode": "allow"}') ->> 'enforcement_mode' AS mode;
SELECT event_definitions.ingest_event(7401, 'typed', '{}', '2024-01-05T00:00:00Z') -> 'accepted' AS accepted;

-- a property in two groups is checked once, required if either group requires it
SELECT event_definitions.create_property_group(7401, '{"name": "Also", "properties": [
	{"name": "opt_s", "property_type": "String", "is_required": true},
	{"name": "z", "property_type": "Boolean"}]}') ->> 'name' AS grp;
SELECT event_definitions.add_event_schema(7401,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'typed'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 7401 AND name = 'Also'))
	IS NOT NULL AS attached;
SELECT event_definitions.ingest_event(7401, 'typed',
	'{"s": "x", "n": 1, "b": true, "d": 0, "o": {}, "a": [], "z": "maybe"}', '2024-01-05T00:00:00Z');

-- ---------------------------------------------------------------- from a trigger
-- An application's own events table: every insert is ingested, and an event
-- that its definition rejects makes the insert fail.
CREATE TABLE app_events (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id	bigint NOT NULL,
	event		text NOT NULL,
	properties	jsonb NOT NULL DEFAULT '{}',
	ts			timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION app_events_ingest() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := event_definitions.ingest_event(NEW.project_id, NEW.event, NEW.properties, NEW.ts);
BEGIN
	IF NOT (r ->> 'accepted')::boolean THEN
		RAISE EXCEPTION 'event "%" rejected', NEW.event
			USING ERRCODE = 'check_violation', DETAIL = (r -> 'violations')::text;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER app_events_ingest AFTER INSERT ON app_events
	FOR EACH ROW EXECUTE FUNCTION app_events_ingest();

SET event_definitions.enable_reject_mode = on;
SELECT event_definitions.update_event_definition(7401,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7401 AND name = 'typed'),
	'{"enforcement_mode": "reject"}') ->> 'enforcement_mode' AS mode;
RESET event_definitions.enable_reject_mode;
INSERT INTO app_events (project_id, event, properties, ts) VALUES
	(7401, 'checkout_started', '{"cart": 3}', '2024-05-01T00:00:00Z'),
	(7401, 'typed', '{"s": "x", "n": 1, "b": true, "d": 0, "o": {}, "a": [], "opt_s": "y"}', '2024-05-02T00:00:00Z');
SELECT pg_temp.try($$INSERT INTO app_events (project_id, event, properties, ts)
	VALUES (7401, 'typed', '{"s": 5}', '2024-05-03T00:00:00Z') RETURNING id$$) AS rejected_insert;
SELECT pg_temp.try($$INSERT INTO app_events (project_id, event, ts)
	VALUES (7401, '', '2024-05-03T00:00:00Z') RETURNING id$$) AS blank_insert;
SELECT project_id, event, event_definitions_private.iso8601(ts) AS ts FROM app_events ORDER BY id;
-- the rejected insert left nothing behind: last_seen_at is the accepted event's
SELECT name, pg_temp.seen(name) FROM event_definitions_private.event_definitions
WHERE project_id = 7401 AND name IN ('checkout_started', 'typed') ORDER BY name;

-- ---------------------------------------------------------------- rolled back
-- what a backend keeps of its own writes goes with a rollback: a name first
-- seen in a transaction (or savepoint) that rolled back is created again
-- by the next event, and a last_seen_at move that rolled back is made again
BEGIN;
SELECT event_definitions.ingest_event(7401, 'rolled_back', '{}', '2024-03-01 10:00Z') ->> 'accepted' AS in_rolled_back;
ROLLBACK;
SELECT event_definitions.ingest_event(7401, 'rolled_back', '{}', '2024-03-01 10:00Z') ->> 'accepted' AS again;
SELECT pg_temp.seen('rolled_back') AS created_after_rollback;
BEGIN;
SAVEPOINT s;
SELECT event_definitions.ingest_event(7401, 'rolled_back_savepoint', '{}', '2024-03-01 10:00Z') ->> 'accepted' AS in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT event_definitions.ingest_event(7401, 'rolled_back_savepoint', '{}', '2024-03-01 10:00Z') ->> 'accepted' AS again;
COMMIT;
SELECT pg_temp.seen('rolled_back_savepoint') AS created_after_savepoint;
BEGIN;
SELECT event_definitions.ingest_event(7401, 'rolled_back', '{}', '2024-03-05 10:00Z') ->> 'accepted' AS later_rolled_back;
ROLLBACK;
SELECT event_definitions.ingest_event(7401, 'rolled_back', '{}', '2024-03-05 10:00Z') ->> 'accepted' AS later_again;
SELECT pg_temp.seen('rolled_back') AS moved_after_rollback;
SELECT count(*) AS created_logged FROM event_definitions_private.activity_log
WHERE project_id = 7401 AND activity = 'created' AND detail ->> 'name' IN ('rolled_back', 'rolled_back_savepoint');

-- ---------------------------------------------------------------- privileges
CREATE ROLE regress_ingest_reader LOGIN;
GRANT event_definitions_reader TO regress_ingest_reader;
SET ROLE regress_ingest_reader;
SELECT pg_temp.try($$SELECT event_definitions.ingest_event(7401, 'by_reader', '{}')$$) AS reader_ingest;
RESET ROLE;

DROP TABLE app_events;
DROP FUNCTION app_events_ingest();
DROP ROLE regress_ingest_reader;
DELETE FROM event_definitions_private.projects WHERE project_id = 7401;
