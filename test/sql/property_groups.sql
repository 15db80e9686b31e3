--
-- Property groups (PostHog schema_property_groups) and event schemas:
-- create / retrieve / update / delete / list, attach and detach, validation,
-- project isolation and the activity log.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try.psql
-- g(): a property group with generated values masked
CREATE FUNCTION pg_temp.g(j jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT j || jsonb_build_object(
		'id', '<id>',
		'created_at', CASE WHEN j ->> 'created_at' IS NOT NULL THEN '<set>' END,
		'updated_at', CASE WHEN j ->> 'updated_at' IS NOT NULL THEN '<set>' END,
		'created_by', j -> 'created_by' -> 'id',
		'properties', COALESCE((SELECT jsonb_agg(p - 'id' ORDER BY ord)
			FROM jsonb_array_elements(j -> 'properties') WITH ORDINALITY AS e(p, ord)), '[]'))
$$;
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('groups=%s properties=%s schemas=%s activity=%s',
		(SELECT count(*) FROM event_definitions_private.property_groups WHERE project_id IN (5001, 5002)),
		(SELECT count(*) FROM event_definitions_private.property_group_properties WHERE project_id IN (5001, 5002)),
		(SELECT count(*) FROM event_definitions_private.event_schemas WHERE project_id IN (5001, 5002)),
		(SELECT count(*) FROM event_definitions_private.activity_log
		 WHERE project_id IN (5001, 5002) AND scope = 'SchemaPropertyGroup'))
$$;

-- fixtures (ids unique to this file: the test database is shared by all
-- files of a run): two projects; the superuser acts as user 5001
SELECT event_definitions.upsert_project(5001, 'Groups one') ->> 'name' AS project;
SELECT event_definitions.upsert_project(5002, 'Groups two') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 5001, "uuid": "00000000-0000-4000-8000-000000005001"}') ->> 'id' AS user_id;
SELECT event_definitions.add_project_member(5001, 5001);
SET event_definitions.user_id = '5001';
SELECT event_definitions.create_event_definition(5001, '{"name": "file_uploaded"}') ->> 'id' AS ev \gset
SELECT event_definitions.create_event_definition(5002, '{"name": "elsewhere"}') ->> 'id' AS ev2 \gset

-- create: properties come back by name, defaults filled in
SELECT jsonb_pretty(pg_temp.g(event_definitions.create_property_group(5001, '{"name": "file",
	"description": "File properties", "properties": [
	{"name": "file_size", "property_type": "Numeric", "is_required": true},
	{"name": "file_name", "property_type": "String", "description": "Name of the file"},
	{"name": "uploaded_at", "property_type": "DateTime", "is_required": false}]}'))) AS created;
SELECT (event_definitions.list_property_groups(5001) -> 'results' -> 0 ->> 'id') AS grp \gset
SELECT event_definitions.create_property_group(5001, '{"name": "  minimal  "}') ->> 'id' AS grp2 \gset
SELECT pg_temp.g(event_definitions.retrieve_property_group(5001, :'grp2'));
SELECT event_definitions.create_property_group(5002, '{"name": "file"}') ->> 'id' AS grp3 \gset
SELECT pg_temp.counts();

-- validation: nothing written
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, NULL)$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": null}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": " "}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "file"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '[]')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v1", "properties": {"a": "String"}}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v2", "properties": ["a"]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v3", "properties": [{"property_type": "String"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v4", "properties": [{"name": "a"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v5", "properties": [{"name": "a", "property_type": "Integer"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v6", "properties": [{"name": "a", "property_type": "string"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v7", "properties": [{"name": "a", "property_type": null}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v8", "properties": [{"name": "a", "property_type": "String", "is_required": "maybe"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v9", "properties": [
	{"name": "a", "property_type": "String"}, {"name": "b", "property_type": "Object"}, {"name": "a", "property_type": "Array"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v10", "properties": [{"name": "", "property_type": "String"}]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5001, '{"name": "v12", "properties": null}')$$);
-- a duplicate among 20,000 properties is reported at its place
SELECT pg_temp.try(format('SELECT event_definitions.create_property_group(5001, %L)',
	json_build_object('name', 'v13', 'properties',
		(SELECT json_agg(json_build_object('name', 'p' || (CASE WHEN g = 20000 THEN 7 ELSE g END), 'property_type', 'String'))
		 FROM generate_series(1, 20000) g))));
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(5003, '{"name": "v11"}')$$);
SELECT pg_temp.counts();
-- every property type is accepted
SELECT jsonb_path_query_array(event_definitions.create_property_group(5001, '{"name": "types", "properties": [
	{"name": "s", "property_type": "String"}, {"name": "n", "property_type": "Numeric"},
	{"name": "b", "property_type": "Boolean"}, {"name": "d", "property_type": "DateTime"},
	{"name": "o", "property_type": "Object"}, {"name": "a", "property_type": "Array"}]}'),
	'$.properties[*].property_type') AS types;

-- retrieve: missing, other project, null
SELECT pg_temp.try($$SELECT event_definitions.retrieve_property_group(5001, '00000000-0000-4000-8000-00000000dead')$$);
SELECT pg_temp.try(format('SELECT event_definitions.retrieve_property_group(5002, %L)', :'grp'));
SELECT pg_temp.try(format('SELECT event_definitions.retrieve_property_group(5001, %L)', :'grp3'));
SELECT pg_temp.try($$SELECT event_definitions.retrieve_property_group(5001, NULL)$$);

-- update: absent keys kept, a properties list replaces the old one
SELECT pg_temp.g(event_definitions.update_property_group(5001, :'grp', '{"description": "Uploaded files"}'));
SELECT pg_temp.g(event_definitions.update_property_group(5001, :'grp', '{"properties": [
	{"name": "mime_type", "property_type": "String", "is_required": true},
	{"name": "file_size", "property_type": "Numeric"}]}'));
SELECT pg_temp.g(event_definitions.update_property_group(5001, :'grp', '{"name": "upload"}')) ->> 'name' AS renamed;
SELECT pg_temp.try(format($$SELECT event_definitions.update_property_group(5001, %L, '{"name": "minimal"}')$$, :'grp'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_property_group(5001, %L, '{"properties": "none"}')$$, :'grp'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_property_group(5001, %L,
	'{"description": "never", "properties": [{"name": "x", "property_type": "Integer"}]}')$$, :'grp'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_property_group(5002, %L, '{"description": "hijack"}')$$, :'grp'));
SELECT pg_temp.try($$SELECT event_definitions.update_property_group(5001, '00000000-0000-4000-8000-00000000dead', '{}')$$);
SELECT pg_temp.g(event_definitions.retrieve_property_group(5001, :'grp'));
-- keeping its own name is not a conflict; {} changes nothing
SELECT event_definitions.update_property_group(5001, :'grp', '{"name": "upload"}') ->> 'name' AS same_name;
SELECT event_definitions.update_property_group(5001, :'grp', '{}') ->> 'name' AS empty_body;
SELECT event_definitions.update_property_group(5001, :'grp2', '{"properties": []}') -> 'properties' AS cleared;

-- list: the project's groups by name
SELECT r ->> 'name' AS name, jsonb_array_length(r -> 'properties') AS properties
FROM jsonb_array_elements(event_definitions.list_property_groups(5001) -> 'results') r;
SELECT event_definitions.list_property_groups(5001) - 'results' AS page;
SELECT event_definitions.list_property_groups(5002) -> 'results' -> 0 ->> 'name' AS project2;
SELECT pg_temp.try($$SELECT event_definitions.list_property_groups(5003)$$);

-- event schemas: attach (idempotent), detach, PT404 when not attached
SELECT s.event_definition = :'ev' AS event_ok, s.property_group_id = :'grp' AS group_ok,
	   s.property_group ->> 'name' AS group_name
FROM jsonb_to_record(event_definitions.add_event_schema(5001, :'ev', :'grp'))
	AS s(id uuid, event_definition text, property_group_id text, property_group jsonb);
SELECT event_definitions.add_event_schema(5001, :'ev', :'grp') ->> 'id' AS schema_id \gset
SELECT event_definitions.add_event_schema(5001, :'ev', :'grp') ->> 'id' = :'schema_id' AS same_schema;
SELECT event_definitions.add_event_schema(5001, :'ev', :'grp2') ->> 'id' <> :'schema_id' AS second_group;
SELECT count(*) AS schemas FROM event_definitions_private.event_schemas WHERE project_id = 5001;
SELECT event_definitions.remove_event_schema(5001, :'ev', :'grp2');
SELECT pg_temp.try(format('SELECT event_definitions.remove_event_schema(5001, %L, %L)', :'ev', :'grp2'));
SELECT pg_temp.try(format('SELECT event_definitions.remove_event_schema(5001, %L, NULL)', :'ev'));
-- either end missing or in another project
SELECT pg_temp.try(format('SELECT event_definitions.add_event_schema(5001, %L, %L)', '00000000-0000-4000-8000-00000000dead', :'grp'));
SELECT pg_temp.try(format('SELECT event_definitions.add_event_schema(5001, %L, %L)', :'ev', '00000000-0000-4000-8000-00000000dead'));
SELECT pg_temp.try(format('SELECT event_definitions.add_event_schema(5001, %L, %L)', :'ev', :'grp3'));
SELECT pg_temp.try(format('SELECT event_definitions.add_event_schema(5001, %L, %L)', :'ev2', :'grp'));
SELECT pg_temp.try(format('SELECT event_definitions.add_event_schema(5002, %L, %L)', :'ev', :'grp3'));
SELECT pg_temp.try(format('SELECT event_definitions.remove_event_schema(5002, %L, %L)', :'ev', :'grp'));
SELECT count(*) AS schemas FROM event_definitions_private.event_schemas WHERE project_id IN (5001, 5002);

-- delete: detaches it from every event; second delete and other project PT404
SELECT pg_temp.try(format('SELECT event_definitions.delete_property_group(5002, %L)', :'grp'));
SELECT event_definitions.delete_property_group(5001, :'grp');
SELECT pg_temp.try(format('SELECT event_definitions.delete_property_group(5001, %L)', :'grp'));
SELECT pg_temp.try(format('SELECT event_definitions.retrieve_property_group(5001, %L)', :'grp'));
SELECT pg_temp.try($$SELECT event_definitions.delete_property_group(5001, NULL)$$);
SELECT pg_temp.counts();
-- deleting an event definition detaches its groups too
SELECT event_definitions.add_event_schema(5001, :'ev', :'grp2') IS NOT NULL AS attached;
SELECT event_definitions.delete_event_definition(5001, :'ev');
SELECT count(*) AS schemas FROM event_definitions_private.event_schemas WHERE project_id = 5001;
SELECT event_definitions.retrieve_property_group(5001, :'grp2') ->> 'name' AS group_survives;

-- activity log of groups: created / changed (diff) / deleted (snapshot), acting user
SELECT a.project_id, a.activity, a.user_id, a.detail ->> 'name' AS name, a.item_id = :'grp' AS is_grp,
	   jsonb_path_query_array(a.detail -> 'changes', '$[*].field') AS fields
FROM event_definitions_private.activity_log a
WHERE a.project_id IN (5001, 5002) AND a.scope = 'SchemaPropertyGroup'
ORDER BY a.id;
SELECT jsonb_pretty(a.detail -> 'changes') AS properties_change
FROM event_definitions_private.activity_log a
WHERE a.project_id = 5001 AND a.item_id = :'grp' AND a.activity = 'changed'
  AND a.detail -> 'changes' @> '[{"field": "properties"}]';
