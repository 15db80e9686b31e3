-- The statements tools/demo suggests once the demo runs (it prints every
-- line below that is not a comment); test/t/003_demo.pl runs each of them
-- against the demo data, as Ada and as the superuser acting as user 1.
SELECT event_definitions.list_event_definitions(1, "limit" => 5, search => 'checkout');
SELECT event_definitions.event_definition_by_name(1, 'product_viewed');
SELECT event_definitions.bulk_update_tags(1, json_build_object('ids', ARRAY[id], 'action', 'add', 'tags', ARRAY['Revenue']))
    FROM event_definitions.event_definitions WHERE project_id = 1 AND name = 'product_viewed';
SELECT event_definitions.promoted_properties(1, ARRAY['order_completed', 'product_viewed']);
SELECT name, tags, verified FROM event_definitions.event_definitions WHERE project_id = 2 ORDER BY name LIMIT 10;
