--
-- retrieve_event_definition, update_event_definition (PATCH, cases 41-46)
-- and delete_event_definition (case 48)
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_masked.psql
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('definitions=%s activity=%s',
		(SELECT count(*) FROM event_definitions_private.event_definitions),
		(SELECT count(*) FROM event_definitions_private.activity_log))
$$;

-- the activity entries of one definition, oldest first
CREATE FUNCTION pg_temp.activity(item text) RETURNS TABLE (activity text, user_id integer, name text, changes jsonb)
LANGUAGE sql AS $$
	SELECT a.activity, a.user_id, a.detail ->> 'name', a.detail -> 'changes'
	FROM event_definitions_private.activity_log a
	WHERE a.scope = 'EventDefinition' AND a.item_id = item
	ORDER BY a.id
$$;

-- fixtures (ids unique to this file: the test database is shared by all
-- files of a run): two projects, two users; the superuser acts as user 2001
SELECT event_definitions.upsert_project(2001, 'Project one') ->> 'name' AS project;
SELECT event_definitions.upsert_project(2002, 'Project two') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 2001, "uuid": "00000000-0000-4000-8000-000000002001",
	"first_name": "Ada", "email": "ada@example.com"}') ->> 'first_name' AS user1;
SELECT event_definitions.upsert_user('{"id": 2002, "uuid": "00000000-0000-4000-8000-000000002002",
	"first_name": "Bob", "email": "bob@example.com"}') ->> 'first_name' AS user2;
SELECT event_definitions.add_project_member(2001, 2001);
SELECT event_definitions.add_project_member(2001, 2002);
SET event_definitions.user_id = '2001';

SELECT event_definitions.create_event_definition(2001, '{"name": "signup", "description": "initial",
	"tags": ["a"], "promoted_property": "plan", "owner": 2001, "default_columns": ["event"]}') ->> 'id' AS d1 \gset
SELECT event_definitions.create_event_definition(2002, '{"name": "other_project"}') ->> 'id' AS d2 \gset

-- retrieve: found, missing, other project, null id
SELECT pg_temp.m(event_definitions.retrieve_event_definition(2001, :'d1'));
SELECT event_definitions.retrieve_event_definition(2001, :'d1') ->> 'id' = :'d1' AS same_id;
SELECT pg_temp.try($$SELECT event_definitions.retrieve_event_definition(2001, '00000000-0000-4000-8000-00000000dead')$$);
SELECT pg_temp.try(format('SELECT event_definitions.retrieve_event_definition(2001, %L)', :'d2'));
SELECT pg_temp.try(format('SELECT event_definitions.retrieve_event_definition(2002, %L)', :'d1'));
SELECT pg_temp.try($$SELECT event_definitions.retrieve_event_definition(2001, NULL)$$);
-- 37: an id that is not a uuid never reaches the function
SELECT pg_temp.try($$SELECT event_definitions.retrieve_event_definition(2001, 'undefined')$$);

-- PATCH: absent fields are kept, updated_by is the acting user
SET event_definitions.user_id = '2002';
SELECT pg_temp.m(event_definitions.update_event_definition(2001, :'d1', '{"description": "changed"}'));
SET event_definitions.user_id = '2001';
SELECT * FROM pg_temp.activity(:'d1');
-- updated_at moves on every PATCH
UPDATE event_definitions_private.event_definitions SET updated_at = '2020-01-01T00:00:00Z' WHERE id = :'d1';
SELECT event_definitions.update_event_definition(2001, :'d1', '{}') ->> 'updated_at' <> '2020-01-01T00:00:00Z' AS updated_at_moved;

-- name is read-only on update (ignored, even when invalid); nothing changed, nothing logged
SELECT count(*) AS entries_before FROM pg_temp.activity(:'d1');
SELECT event_definitions.update_event_definition(2001, :'d1', '{"name": "renamed"}') ->> 'name' AS name;
SELECT event_definitions.update_event_definition(2001, :'d1', '{"name": ""}') ->> 'name' AS name;
SELECT event_definitions.update_event_definition(2001, :'d1', '{"description": "changed", "tags": ["A"]}') ->> 'description' AS same_values;
SELECT event_definitions.update_event_definition(2001, :'d1', NULL) ->> 'name' AS null_body;
SELECT count(*) AS entries_after FROM pg_temp.activity(:'d1');
SELECT name FROM event_definitions_private.event_definitions WHERE id = :'d1';

-- tags: replace (normalized), absent keeps them, [] clears, null is rejected
SELECT event_definitions.update_event_definition(2001, :'d1', '{"tags": ["official", "Internal", "official"]}') -> 'tags' AS replaced;
SELECT event_definitions.update_event_definition(2001, :'d1', '{"description": "x"}') -> 'tags' AS untouched;
SELECT event_definitions.update_event_definition(2001, :'d1', '{"tags": []}') -> 'tags' AS cleared;
SELECT tags FROM event_definitions_private.event_definitions WHERE id = :'d1';
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L, '{"tags": null}')$$, :'d1'));

-- 41: promoted_property set, then null
SELECT event_definitions.update_event_definition(2001, :'d1', '{"promoted_property": "checkout_id"}') -> 'promoted_property' AS promoted;
SELECT promoted_property FROM event_definitions_private.event_definitions WHERE id = :'d1';
SELECT event_definitions.update_event_definition(2001, :'d1', '{"promoted_property": null}') -> 'promoted_property' AS promoted;
SELECT promoted_property IS NULL AS stored_null FROM event_definitions_private.event_definitions WHERE id = :'d1';

-- owner set, null, unknown
SELECT event_definitions.update_event_definition(2001, :'d1', '{"owner": 2002}') -> 'owner' ->> 'first_name' AS owner;
SELECT event_definitions.update_event_definition(2001, :'d1', '{"description": "y"}') -> 'owner' ->> 'first_name' AS owner_kept;
SELECT event_definitions.update_event_definition(2001, :'d1', '{"owner": null}') -> 'owner' AS owner;
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L, '{"owner": 99}')$$, :'d1'));

-- enforcement_mode and default_columns
SELECT event_definitions.update_event_definition(2001, :'d1', '{"default_columns": ["person", "url"]}') -> 'default_columns' AS columns;
SELECT event_definitions.update_event_definition(2001, :'d1', '{"default_columns": null}') -> 'default_columns' AS columns;
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L, '{"enforcement_mode": "reject"}')$$, :'d1'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L, '{"enforcement_mode": "x"}')$$, :'d1'));

-- a rejected PATCH changes nothing, even its valid fields
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L,
	'{"description": "never", "tags": ["never"], "owner": 99}')$$, :'d1'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L,
	'{"description": "never", "verified": true, "hidden": true}')$$, :'d1'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L, '[1]')$$, :'d1'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L, '{"a": 1, "a": 2}')$$, :'d1'));
SELECT description, tags, owner_id, verified, hidden
FROM event_definitions_private.event_definitions WHERE id = :'d1';

-- missing, other project
SELECT pg_temp.try($$SELECT event_definitions.update_event_definition(2001, '00000000-0000-4000-8000-00000000dead', '{}')$$);
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2001, %L, '{"description": "hijack"}')$$, :'d2'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(2002, %L, '{"description": "hijack"}')$$, :'d1'));
SELECT description FROM event_definitions_private.event_definitions WHERE id IN (:'d1', :'d2') ORDER BY project_id;

-- every 'changed' entry of d1 so far: before/after diff of what changed, acting user
SELECT * FROM pg_temp.activity(:'d1');

-- 42: description and tags on a fresh definition -> one entry with both diffs
SELECT event_definitions.create_event_definition(2001, '{"name": "purchase"}') ->> 'id' AS d3 \gset
SET event_definitions.user_id = '2002';
SELECT r.description, r.tags, r.updated_by ->> 'first_name' AS updated_by
FROM jsonb_to_record(event_definitions.update_event_definition(2001, :'d3',
	'{"description": "This is a description.", "tags": ["official", "internal"]}'))
	AS r(description text, tags jsonb, updated_by jsonb);
SET event_definitions.user_id = '2001';
SELECT activity, user_id, name, jsonb_pretty(changes) AS changes
FROM pg_temp.activity(:'d3') WHERE activity = 'changed';

-- 48: delete: row gone, 'deleted' entry with the snapshot as "before"
SELECT event_definitions.update_event_definition(2001, :'d3', '{"tags": ["pii"]}') -> 'tags' AS tags;
SELECT event_definitions.delete_event_definition(2001, :'d3');
SELECT count(*) AS rows_left FROM event_definitions_private.event_definitions WHERE id = :'d3';
SELECT activity, user_id, name, jsonb_pretty(changes) AS changes
FROM pg_temp.activity(:'d3') WHERE activity = 'deleted';
SELECT pg_temp.try(format('SELECT event_definitions.delete_event_definition(2001, %L)', :'d3'));
SELECT pg_temp.try(format('SELECT event_definitions.retrieve_event_definition(2001, %L)', :'d3'));
SELECT pg_temp.try(format('SELECT event_definitions.update_event_definition(2001, %L, ''{}'')', :'d3'));
-- other project, missing, null id: nothing deleted, nothing logged
SELECT pg_temp.try(format('SELECT event_definitions.delete_event_definition(2001, %L)', :'d2'));
SELECT pg_temp.try(format('SELECT event_definitions.delete_event_definition(2002, %L)', :'d1'));
SELECT pg_temp.try($$SELECT event_definitions.delete_event_definition(2001, NULL)$$);
-- what is missing answers 404 before the body is read (DRF's get_object()
-- and PostHog's project lookup come first): a bad body changes nothing
SELECT pg_temp.try($$SELECT event_definitions.update_event_definition(2001, '00000000-0000-4000-8000-00000000dead', '{"tags": "nope"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(2099, '{"name": ""}')$$);
SELECT pg_temp.try($$SELECT event_definitions.bulk_update_tags(2099, '{"ids": [], "action": "toggle"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.bulk_update_verified(2099, '{"ids": "nope"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_property_group(2099, '{}')$$);
SELECT pg_temp.try($$SELECT event_definitions.update_property_group(2001, '00000000-0000-4000-8000-00000000dead', '{"name": ""}')$$);
SELECT project_id, name FROM event_definitions_private.event_definitions
WHERE project_id IN (2001, 2002) ORDER BY project_id, name;
SELECT activity, count(*) FROM event_definitions.activity_log
WHERE project_id IN (2001, 2002) GROUP BY activity ORDER BY activity;
