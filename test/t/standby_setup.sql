-- Primary-side fixture of 001_standby.pl: project 7601 with a reader
-- login (user 7611) and a writer login (user 7612), a few definitions, a
-- property group attached to one, usage counts and an ingested event.
CREATE EXTENSION event_definitions;
CREATE ROLE regress_standby_reader LOGIN;
CREATE ROLE regress_standby_writer LOGIN;
GRANT event_definitions_reader TO regress_standby_reader;
GRANT event_definitions_writer TO regress_standby_writer;
SELECT event_definitions.upsert_project(7601, 'Replica');
SELECT event_definitions.upsert_user('{"id": 7611, "first_name": "Rita", "login_role": "regress_standby_reader"}');
SELECT event_definitions.upsert_user('{"id": 7612, "first_name": "Walt", "login_role": "regress_standby_writer"}');
SELECT event_definitions.add_project_member(7601, 7611);
SELECT event_definitions.add_project_member(7601, 7612);
SET event_definitions.user_id = '7612';
SELECT event_definitions.create_event_definition(7601, '{"name": "signup", "tags": ["growth"], "description": "Signed up"}');
SELECT event_definitions.create_event_definition(7601, '{"name": "checkout", "promoted_property": "order_id"}');
SELECT event_definitions.create_event_definition(7601, '{"name": "page_view", "verified": true}');
SELECT event_definitions.create_property_group(7601, '{"name": "Signup", "properties": [
	{"name": "plan", "property_type": "String", "is_required": true},
	{"name": "seats", "property_type": "Numeric"}]}');
SELECT event_definitions.add_event_schema(7601,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 7601 AND name = 'signup'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 7601 AND name = 'Signup'));
SELECT event_definitions.record_event_usage(7601, 'signup', 3);
SELECT event_definitions.ingest_event(7601, 'signup', '{"plan": "pro"}', '2024-05-01T00:00:00Z');
SELECT event_definitions.update_project_settings(7601, '{"event_name_pattern": "^[a-z_]+$", "unplanned_events": "flag"}');
SELECT event_definitions.update_property_group(7601,
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 7601 AND name = 'Signup'),
	'{"properties": [{"name": "plan", "property_type": "String", "is_required": true, "rules": {"enum": ["free", "pro"]}},
	{"name": "seats", "property_type": "Numeric", "rules": {"minimum": 1}}]}');
SELECT event_definitions.ingest_event(7601, 'signup', '{"plan": "gold", "seats": 0}', '2024-05-02T00:00:00Z');
SELECT event_definitions.ingest_event(7601, 'Odd Name', '{}', '2024-05-02T00:00:00Z');
