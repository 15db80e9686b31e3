-- One database of the PostgREST tests: the extension, two projects with a
-- member each (7101: Alice, user 7111; 7102: Bob, user 7112), three
-- definitions of 7101 and one of 7102 with fixed ids and times, and usage.
CREATE EXTENSION event_definitions;
SELECT event_definitions.upsert_project(7101, 'Storefront'), event_definitions.upsert_project(7102, 'Backoffice');
SELECT event_definitions.upsert_user('{"id": 7111, "uuid": "00000000-0000-4000-8000-000000007111", "first_name": "Alice", "email": "alice@example.com"}'),
	   event_definitions.upsert_user('{"id": 7112, "uuid": "00000000-0000-4000-8000-000000007112", "first_name": "Bob", "email": "bob@example.com"}');
SELECT event_definitions.add_project_member(7101, 7111), event_definitions.add_project_member(7102, 7112);
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, promoted_property, tags, created_at, last_seen_at, updated_at, owner_id) VALUES
	(7101, '71010000-0000-4000-8000-000000000001', 'signup', 'plan', '{growth}', '2024-01-01Z', '2024-03-01Z', '2024-01-01Z', 7111),
	(7101, '71010000-0000-4000-8000-000000000002', 'checkout', NULL, '{}', '2024-01-02Z', '2024-03-02Z', '2024-01-02Z', NULL),
	(7101, '71010000-0000-4000-8000-000000000003', 'page_view', 'path', '{web}', '2024-01-03Z', NULL, '2024-01-03Z', NULL),
	(7102, '71020000-0000-4000-8000-000000000001', 'secret_event', 'secret', '{}', NULL, NULL, '2024-01-04Z', NULL);
INSERT INTO event_definitions_private.event_usage VALUES (7101, 'signup', CURRENT_DATE, 9);
