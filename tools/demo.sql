-- Demo data for event_definitions: two projects, three users with login
-- roles, a few hundred definitions with tags, verification, owners and
-- promoted properties, property groups attached to events, usage counts.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['demo_ada', 'demo_grace', 'demo_linus'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r);
		END IF;
	END LOOP;
END $$;
GRANT event_definitions_writer TO demo_ada, demo_grace;
GRANT event_definitions_reader TO demo_linus;

SELECT event_definitions.upsert_project(1, 'Storefront');
SELECT event_definitions.upsert_project(2, 'Mobile App');
SELECT event_definitions.upsert_user('{"id": 1, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "is_email_verified": true, "role_at_organization": "engineering", "hedgehog_config": {"color": "blue", "use_as_profile": true}, "login_role": "demo_ada"}');
SELECT event_definitions.upsert_user('{"id": 2, "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "role_at_organization": "product", "login_role": "demo_grace"}');
SELECT event_definitions.upsert_user('{"id": 3, "first_name": "Linus", "last_name": "Pauling", "email": "linus@example.com", "role_at_organization": "data", "login_role": "demo_linus"}');
SELECT event_definitions.add_project_member(1, 1), event_definitions.add_project_member(2, 1),
	   event_definitions.add_project_member(2, 2), event_definitions.add_project_member(1, 3);

-- Definitions are created through the API as Ada, so each has an activity log entry.
SET event_definitions.user_id = '1';
SELECT count(event_definitions.create_event_definition(p.project_id, json_build_object(
		'name', n.name,
		'description', 'When a user ' || replace(n.name, '_', ' ') || '.',
		'owner', CASE WHEN p.project_id = 1 THEN (ARRAY[1, 3])[1 + n.i % 2] ELSE (ARRAY[1, 2])[1 + n.i % 2] END,
		'tags', (ARRAY['["core"]', '["marketing", "growth"]', '["billing", "pii"]',
					   '["experimental"]', '[]', '["Core", " PII "]'])[1 + n.i % 6]::json,
		'verified', n.i % 4 = 0,
		'hidden', n.i % 17 = 5 AND n.i % 4 <> 0)))
FROM (VALUES (1), (2)) AS p(project_id),
LATERAL (
	SELECT row_number() OVER () AS i, o || '_' || v AS name
	FROM unnest(ARRAY['product', 'cart', 'checkout', 'order', 'coupon', 'wishlist', 'review', 'search',
					  'account', 'subscription', 'invoice', 'payment', 'shipment', 'return', 'newsletter',
					  'banner', 'video', 'support_ticket', 'referral', 'survey']) AS o,
		 unnest(CASE WHEN p.project_id = 1
					 THEN ARRAY['viewed', 'created', 'updated', 'deleted', 'shared', 'clicked', 'completed',
								'failed', 'started', 'cancelled', 'exported', 'imported', 'opened', 'closed', 'liked']
					 ELSE ARRAY['viewed', 'created', 'updated', 'deleted', 'shared', 'clicked', 'completed', 'failed']
				END) AS v
) n;
SELECT event_definitions.create_event_definition(p, json_build_object('name', e))
FROM (VALUES (1), (2)) AS ps(p), unnest(ARRAY['$pageview', '$pageleave', '$autocapture', '$identify']) AS e;

-- Ingestion would have seen most of them; spread last_seen_at over 60 days.
UPDATE event_definitions_private.event_definitions
SET created_at = now() - interval '90 days',
	last_seen_at = CASE WHEN abs(hashtext(name)) % 10 = 0 THEN NULL
						ELSE now() - (abs(hashtext(name)) % 60) * interval '1 day' END;

SELECT count(event_definitions.update_event_definition(d.project_id, d.id,
		json_build_object('promoted_property', split_part(d.name, '_', 1) || '_id')))
FROM event_definitions_private.event_definitions d
WHERE d.name LIKE '%\_viewed' OR d.name LIKE '%\_completed';

-- Typed properties for the code generators.
SELECT event_definitions.create_property_group(p, g::json)
FROM (VALUES (1), (2)) AS ps(p), unnest(ARRAY[
	'{"name": "Product", "description": "A product in the catalog", "properties": [
		{"name": "product_id", "property_type": "String", "is_required": true},
		{"name": "price", "property_type": "Numeric", "is_required": true},
		{"name": "currency", "property_type": "String"},
		{"name": "on_sale", "property_type": "Boolean"}]}',
	'{"name": "Checkout", "properties": [
		{"name": "cart_value", "property_type": "Numeric", "is_required": true},
		{"name": "items", "property_type": "Array"},
		{"name": "coupon", "property_type": "String"},
		{"name": "paid_at", "property_type": "DateTime"},
		{"name": "shipping", "property_type": "Object"}]}']) AS g;
SELECT count(event_definitions.add_event_schema(d.project_id, d.id, g.id))
FROM event_definitions_private.event_definitions d
JOIN event_definitions_private.property_groups g ON g.project_id = d.project_id
WHERE (g.name = 'Product' AND d.name LIKE 'product\_%')
   OR (g.name = 'Checkout' AND (d.name LIKE 'checkout\_%' OR d.name LIKE 'order\_%'));

SELECT count(event_definitions.record_event_usage(d.project_id, d.name, abs(hashtext(d.name)) % 50, current_date - k))
FROM event_definitions_private.event_definitions d, generate_series(0, 40, 7) AS k
WHERE d.name NOT LIKE '$%';
RESET event_definitions.user_id;

SELECT project_id, count(*) AS definitions FROM event_definitions.event_definitions GROUP BY 1 ORDER BY 1;
