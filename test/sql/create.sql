--
-- create_event_definition: POST /event_definitions/ (PostHog cases 27-36)
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_masked.psql
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('definitions=%s activity=%s',
		(SELECT count(*) FROM event_definitions_private.event_definitions WHERE project_id IN (1001, 1002)),
		(SELECT count(*) FROM event_definitions_private.activity_log WHERE project_id IN (1001, 1002)))
$$;

-- fixtures (ids unique to this file: the test database is shared by all
-- files of a run): two projects, two users; the superuser acts as user 1001
SELECT event_definitions.upsert_project(1001, 'Project one') - 'created_at' AS project;
SELECT event_definitions.upsert_project(1002, 'Project two') - 'created_at' AS project;
SELECT event_definitions.upsert_user('{"id": 1001, "uuid": "00000000-0000-4000-8000-000000001001",
	"distinct_id": "d1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
	"is_email_verified": true, "role_at_organization": "engineering"}') AS user1;
SELECT event_definitions.upsert_user('{"id": 1002, "uuid": "00000000-0000-4000-8000-000000001002",
	"first_name": "Bob", "email": "bob@example.com"}') ->> 'first_name' AS user2;
SELECT event_definitions.add_project_member(1001, 1001);
-- an owner must be a member of the project (so that its members see the owner)
SELECT event_definitions.add_project_member(1001, 1002);
SET event_definitions.user_id = '1001';

-- 27: minimal create: timestamps null, defaults, created_by/updated_by = acting user
SELECT pg_temp.m(event_definitions.create_event_definition(1001, '{"name": "my_custom_event"}'));
SELECT created_at IS NULL AS created_null, last_seen_at IS NULL AS last_seen_null,
	   updated_at IS NOT NULL AS updated_set, created_by_id, updated_by_id, description
FROM event_definitions_private.event_definitions WHERE project_id = 1001 AND name = 'my_custom_event';
-- activity 'created' with one change per non-null snapshot field
SELECT a.scope, a.activity, a.user_id, a.item_id = d.id::text AS item_is_id,
	   jsonb_pretty(a.detail) AS detail
FROM event_definitions.activity_log a
JOIN event_definitions_private.event_definitions d ON d.name = 'my_custom_event'
WHERE a.project_id = 1001;

-- 28: name is required, non-null, non-blank, at most 400 characters
SELECT pg_temp.counts();
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, NULL)$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": null}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": ""}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": " \t\n "}')$$);
SELECT pg_temp.try(format($$SELECT event_definitions.create_event_definition(1001, '{"name": "%s"}')$$,
					  repeat('x', 401)));
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": ["a"]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": true}')$$);
SELECT pg_temp.counts();
-- 400 characters is fine; a number is coerced to its text; whitespace is trimmed
SELECT length(event_definitions.create_event_definition(1001,
	format('{"name": "%s"}', repeat('é', 400))::json) ->> 'name') AS name_length;
SELECT event_definitions.create_event_definition(1001, '{"name": 123}') ->> 'name' AS number_name;
SELECT event_definitions.create_event_definition(1001, '{"name": 1.5}') ->> 'name' AS real_name;
SELECT event_definitions.create_event_definition(1001, '{"name": "  padded  "}') ->> 'name' AS trimmed;

-- 29: duplicate name (after trimming) -> PostHog's detail; names are case-sensitive
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "my_custom_event"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": " my_custom_event "}')$$);
SELECT event_definitions.create_event_definition(1001, '{"name": "My_Custom_Event"}') ->> 'name' AS other_case;
-- 36: the same name in another project is another definition, only in that project
SELECT event_definitions.create_event_definition(1002, '{"name": "my_custom_event"}') ->> 'name' AS project2;
SELECT project_id, count(*) FROM event_definitions_private.event_definitions
WHERE project_id IN (1001, 1002) AND name = 'my_custom_event' GROUP BY project_id ORDER BY project_id;
-- unknown project
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1003, '{"name": "x"}')$$);

-- 30: tags are normalized (stripped, lower-cased, deduplicated, sorted)
SELECT event_definitions.create_event_definition(1001,
	'{"name": "tagged", "tags": ["production", " Important ", "important"]}') -> 'tags' AS tags;
SELECT tags FROM event_definitions_private.event_definitions WHERE project_id = 1001 AND name = 'tagged';

-- 32: owner and description
SELECT jsonb_pretty(event_definitions.create_event_definition(1001,
	'{"name": "owned", "description": "A description", "owner": 1002}')
	- '{id,updated_at,last_updated_at,updated_by,created_by}'::text[]) AS owned;
SELECT event_definitions.create_event_definition(1001, '{"name": "owned_str", "owner": "1002"}') -> 'owner' ->> 'id' AS owner_from_string;
SELECT event_definitions.create_event_definition(1001, '{"name": "no_owner", "owner": null}') -> 'owner' AS owner_null;
SELECT event_definitions.create_event_definition(1001, '{"name": "null_description", "description": null}') -> 'description' AS description_null;
-- a number is coerced to a string, as DRF's CharField does
SELECT event_definitions.create_event_definition(1001, '{"name": "number_description", "description": 5}') -> 'description' AS description_number;
SELECT pg_temp.counts();
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "o1", "owner": 99}')$$);
-- a user who exists but is not a member of the project
SELECT event_definitions.upsert_user('{"id": 1003, "first_name": "Outsider"}') ->> 'first_name' AS outsider;
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "o0", "owner": 1003}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "o2", "owner": "99"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "o3", "owner": "abc"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "o4", "owner": true}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "o5", "owner": {"id": 1}}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "o7", "description": ["x"]}')$$);
SELECT pg_temp.counts();

-- 33: verified stamps verified_by/verified_at and leaves hidden false
SELECT pg_temp.m(event_definitions.create_event_definition(1001, '{"name": "verified_event", "verified": true}'))
	- '{name,description,tags,enforcement_mode,promoted_property,default_columns,media_preview_urls}'::text[];
SELECT verified, verified_by_id, verified_at IS NOT NULL AS verified_at_set, hidden
FROM event_definitions_private.event_definitions WHERE project_id = 1001 AND name = 'verified_event';
SELECT event_definitions.create_event_definition(1001, '{"name": "verified_no", "verified": false}')
	-> 'verified_by' AS verified_by_when_false;
-- 34: hidden leaves it unverified
SELECT verified, verified_by, verified_at, hidden
FROM jsonb_to_record(event_definitions.create_event_definition(1001, '{"name": "hidden_event", "hidden": true}'))
	AS r(verified boolean, verified_by jsonb, verified_at text, hidden boolean);
SELECT event_definitions.create_event_definition(1001, '{"name": "hidden_null", "hidden": null}') -> 'hidden' AS hidden_null;
SELECT verified, hidden
FROM jsonb_to_record(event_definitions.create_event_definition(1001,
	'{"name": "hidden_false_verified", "hidden": false, "verified": true}')) AS r(verified boolean, hidden boolean);
-- 35: both -> non-field error, nothing written
SELECT pg_temp.counts();
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "both", "verified": true, "hidden": true}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "both", "verified": "yes", "hidden": 1}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "b1", "verified": "maybe"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "b2", "verified": null}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "b3", "hidden": "nope"}')$$);
SELECT pg_temp.counts();

-- enforcement_mode: choices; "reject" only when enabled
SELECT event_definitions.create_event_definition(1001, '{"name": "allowing", "enforcement_mode": "allow"}') ->> 'enforcement_mode' AS mode;
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "e1", "enforcement_mode": "x"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "e2", "enforcement_mode": null}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "e3", "enforcement_mode": 1}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "e3", "enforcement_mode": 0.1}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "e4", "enforcement_mode": "Allow"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "e5", "enforcement_mode": "reject"}')$$);
SELECT pg_temp.counts();
SET event_definitions.enable_reject_mode = on;
SELECT event_definitions.create_event_definition(1001, '{"name": "rejecting", "enforcement_mode": "reject"}') ->> 'enforcement_mode' AS mode;
RESET event_definitions.enable_reject_mode;

-- promoted_property: string, null, at most 400 characters
SELECT event_definitions.create_event_definition(1001, '{"name": "promoted", "promoted_property": "checkout_id"}') ->> 'promoted_property' AS promoted;
SELECT event_definitions.create_event_definition(1001, '{"name": "promoted_null", "promoted_property": null}') -> 'promoted_property' AS promoted;
SELECT pg_temp.try(format($$SELECT event_definitions.create_event_definition(1001, '{"name": "p1", "promoted_property": "%s"}')$$,
					  repeat('p', 401)));
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "p2", "promoted_property": {}}')$$);

-- default_columns: list of strings, [] when absent or null
SELECT event_definitions.create_event_definition(1001, '{"name": "columns", "default_columns": ["event", "person", "timestamp"]}') -> 'default_columns' AS columns;
SELECT default_columns FROM event_definitions_private.event_definitions WHERE project_id = 1001 AND name = 'columns';
SELECT event_definitions.create_event_definition(1001, '{"name": "columns_null", "default_columns": null}') -> 'default_columns' AS columns;
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "c1", "default_columns": "event"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "c2", "default_columns": [{"a": 1}]}')$$);

-- read-only and unknown keys are ignored
SELECT pg_temp.m(event_definitions.create_event_definition(1001, '{"name": "read_only",
	"id": "00000000-0000-4000-8000-0000000000ff", "verified_by": 1002, "verified_at": "2020-01-01T00:00:00Z",
	"created_at": "2020-01-01T00:00:00Z", "last_seen_at": "2020-01-01T00:00:00Z", "updated_by": 1002,
	"post_to_slack": true, "is_action": true, "whatever": [1, 2]}'))
	- '{description,tags,enforcement_mode,promoted_property,default_columns,media_preview_urls,owner,hidden}'::text[];
SELECT id <> '00000000-0000-4000-8000-0000000000ff' AS id_generated, created_at, last_seen_at, verified_by_id
FROM event_definitions_private.event_definitions WHERE project_id = 1001 AND name = 'read_only';

-- the body must be a JSON object; invalid JSON is 22032
SELECT pg_temp.counts();
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '[{"name": "x"}]')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '"x"')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, 'null')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "a", "name": "b"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": "a\u0000b"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(1001, '{"name": ')$$);
SELECT pg_temp.try($$SELECT event_definitions.create_event_definition(NULL, '{"name": "x"}')$$);
SELECT pg_temp.counts();

-- every successful create logged exactly one 'created' entry
SELECT count(*) AS definitions,
	   (SELECT count(*) FROM event_definitions.activity_log
		WHERE project_id IN (1001, 1002) AND activity = 'created') AS created_entries
FROM event_definitions_private.event_definitions WHERE project_id IN (1001, 1002);
SELECT a.detail -> 'changes' AS changes
FROM event_definitions.activity_log a
WHERE a.project_id = 1001 AND a.detail ->> 'name' = 'owned';
