-- Varied data for the dump/restore round trip (002_dump_restore.pl), loaded
-- through the API: projects, users with and without login roles,
-- memberships, definitions with tags, owners, verification, hidden,
-- promoted properties and default columns, property groups attached to
-- events, updates, bulk changes, a delete, ingestion and usage counts.
\set ON_ERROR_STOP on
CREATE EXTENSION event_definitions;
CREATE ROLE regress_dump_ann LOGIN;
GRANT event_definitions_writer TO regress_dump_ann;

SELECT event_definitions.upsert_project(1, 'Storefront');
SELECT event_definitions.upsert_project(2, 'Back office');
SELECT event_definitions.upsert_user('{"id": 1, "first_name": "Ann", "last_name": "Admin", "email": "ann@example.com",
	"distinct_id": "ann", "is_email_verified": true, "role_at_organization": "engineering",
	"login_role": "regress_dump_ann"}');
SELECT event_definitions.upsert_user('{"id": 2, "first_name": "Bo", "email": "bo@example.com",
	"hedgehog_config": {"color": "green", "accessories": ["hat"]}}');
SELECT event_definitions.upsert_user('{"id": 3, "first_name": "Cy", "email": "cy@example.com"}');
SELECT event_definitions.add_project_member(1, 1);
SELECT event_definitions.add_project_member(1, 2);
SELECT event_definitions.add_project_member(2, 3);

SET event_definitions.user_id = '1';
SELECT event_definitions.create_event_definition(1, '{"name": "signup", "description": "A user signed up",
	"tags": ["Growth", " PII "], "owner": 2, "verified": true}') IS NOT NULL;
SELECT event_definitions.create_event_definition(1, '{"name": "checkout", "tags": ["billing"],
	"promoted_property": "order_id", "default_columns": ["order_id", "total"]}') IS NOT NULL;
SELECT event_definitions.create_event_definition(1, '{"name": "$pageview", "hidden": true}') IS NOT NULL;
SELECT event_definitions.create_event_definition(1, '{"name": "caf\u00e9 \ud83d\ude80 \u2028 ''quoted'' \\back"}') IS NOT NULL;
SELECT event_definitions.create_event_definition(1, '{"name": "doomed"}') IS NOT NULL;
SELECT event_definitions.create_event_definition(2, '{"name": "invoice_sent", "enforcement_mode": "allow"}') IS NOT NULL;

SELECT event_definitions.update_event_definition(1,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 1 AND name = 'checkout'),
	'{"description": "Paid", "owner": 1}') IS NOT NULL;
SELECT event_definitions.bulk_update_tags(1, json_build_object('ids',
	(SELECT json_agg(id ORDER BY id) FROM event_definitions_private.event_definitions WHERE project_id = 1),
	'action', 'add', 'tags', json_build_array('Core', 'Q3')));
SELECT event_definitions.bulk_update_verified(1, json_build_object('ids',
	(SELECT json_agg(id ORDER BY id) FROM event_definitions_private.event_definitions
	 WHERE project_id = 1 AND name IN ('checkout', 'signup')), 'verified', true));
SELECT event_definitions.delete_event_definition(1,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 1 AND name = 'doomed'));

SELECT event_definitions.create_property_group(1, '{"name": "Order", "description": "An order",
	"properties": [{"name": "order_id", "property_type": "String", "is_required": true},
				   {"name": "total", "property_type": "Numeric", "is_required": true},
				   {"name": "placed_at", "property_type": "DateTime"},
				   {"name": "items", "property_type": "Array", "description": "line items"}]}') IS NOT NULL;
SELECT event_definitions.create_property_group(1, '{"name": "Marketing",
	"properties": [{"name": "utm_source", "property_type": "String"},
				   {"name": "consent", "property_type": "Boolean"}]}') IS NOT NULL;
SELECT event_definitions.add_event_schema(1,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 1 AND name = 'checkout'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 1 AND name = 'Order')) IS NOT NULL;
SELECT event_definitions.add_event_schema(1,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 1 AND name = 'checkout'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 1 AND name = 'Marketing')) IS NOT NULL;
SELECT event_definitions.add_event_schema(1,
	(SELECT id FROM event_definitions_private.event_definitions WHERE project_id = 1 AND name = 'signup'),
	(SELECT id FROM event_definitions_private.property_groups WHERE project_id = 1 AND name = 'Marketing')) IS NOT NULL;

SELECT event_definitions.ingest_event(1, 'signup', '{"utm_source": "ads"}', '2024-05-01 12:00:00+00') IS NOT NULL;
SELECT event_definitions.ingest_event(1, 'new_from_ingestion', '{}', '2024-05-02 08:30:00+00') IS NOT NULL;
SELECT event_definitions.record_event_usage(1, 'signup', 5, current_date);
SELECT event_definitions.record_event_usage(1, 'checkout', 2, current_date - 3);
SELECT event_definitions.record_event_usage(2, 'invoice_sent', 1, current_date);

-- Governance: settings, a value rule, and violations to carry across.
SELECT event_definitions.update_project_settings(1, '{"event_name_pattern": "^[a-z$][a-z_ ]*", "unplanned_events": "flag",
	"violation_examples": 2}') IS NOT NULL;
SELECT event_definitions.ingest_event(1, 'Unplanned_Thing', '{"x": 1}', '2024-05-03 09:00:00+00') IS NOT NULL;
SELECT event_definitions.ingest_event(1, 'checkout', '{"total": "not a number"}', '2024-05-03 09:01:00+00') IS NOT NULL;
