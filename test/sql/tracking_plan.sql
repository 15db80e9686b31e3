-- Tracking plans as code: export_tracking_plan (deterministic, owners by
-- email, base_hash), diff_tracking_plan (each change named) and
-- apply_tracking_plan (one transaction, logged per object, prune for
-- deletes, PT409 and nothing written on a stale base_hash).  Project 8101
-- is curated through the API; 8102 starts empty.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_plan_writer, regress_plan_reader;
RESET client_min_messages;
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
CREATE ROLE regress_plan_writer LOGIN;
CREATE ROLE regress_plan_reader LOGIN;
GRANT event_definitions_writer TO regress_plan_writer;
GRANT event_definitions_reader TO regress_plan_reader;
SELECT event_definitions.upsert_project(8101, 'Curated') ->> 'name', event_definitions.upsert_project(8102, 'Empty') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 8101, "first_name": "Pat", "email": "pat@example.com", "login_role": "regress_plan_writer"}') ->> 'id',
	   event_definitions.upsert_user('{"id": 8102, "first_name": "Rob", "email": "rob@example.com", "login_role": "regress_plan_reader"}') ->> 'id',
	   event_definitions.upsert_user('{"id": 8103, "first_name": "Dup", "email": "dup@example.com"}') ->> 'id',
	   event_definitions.upsert_user('{"id": 8104, "first_name": "Dup2", "email": "dup@example.com"}') ->> 'id';
SELECT p, u, event_definitions.add_project_member(p, u) IS NULL
FROM (VALUES (8101, 8101), (8101, 8102), (8102, 8101), (8102, 8102), (8102, 8103), (8102, 8104)) v(p, u) ORDER BY 1, 2;
-- a plan with its uuids and times is the same text in every run
CREATE FUNCTION pg_temp.plan(p bigint) RETURNS jsonb LANGUAGE sql AS $$ SELECT event_definitions.export_tracking_plan(p) $$;

SET SESSION AUTHORIZATION regress_plan_writer;
SELECT event_definitions.update_project_settings(8101, '{"event_name_pattern": "^[$a-z][a-z_]*$", "unplanned_events": "flag",
	"stale_after_days": 14}') ->> 'unplanned_events';
SELECT event_definitions.create_property_group(8101, '{"name": "Order", "description": "An order", "properties": [
	{"name": "total", "property_type": "Numeric", "is_required": true, "rules": {"minimum": 0}},
	{"name": "plan", "property_type": "String", "rules": {"enum": ["free", "pro"]}, "description": "the plan"},
	{"name": "coupon", "property_type": "String", "is_optional_in_types": true}]}') ->> 'name';
SELECT event_definitions.create_property_group(8101, '{"name": "Marketing", "properties": [
	{"name": "utm_source", "property_type": "String"}]}') ->> 'name';
SELECT event_definitions.create_event_definition(8101, '{"name": "checkout", "description": "Paid",
	"tags": ["Billing", "core"], "owner": 8101, "verified": true, "promoted_property": "total"}') ->> 'name';
SELECT event_definitions.create_event_definition(8101, '{"name": "$pageview", "hidden": true, "tags": ["web"]}') ->> 'name';
SELECT event_definitions.create_event_definition(8101, '{"name": "signup", "enforcement_mode": "allow"}') ->> 'name';
SELECT event_definitions.add_event_schema(8101, d.id, g.id) IS NOT NULL
FROM event_definitions.event_definitions d, event_definitions_private.property_groups g
WHERE d.project_id = 8101 AND g.project_id = 8101
  AND (d.name, g.name) IN (('checkout', 'Order'), ('checkout', 'Marketing'), ('signup', 'Marketing'))
ORDER BY d.name, g.name;

-- ---------------------------------------------------------------- export
SELECT jsonb_pretty(pg_temp.plan(8101) - 'base_hash');
-- the hash is the SHA-256 of the plan's text without it
SELECT (pg_temp.plan(8101) ->> 'base_hash') = encode(sha256(convert_to((pg_temp.plan(8101) - 'base_hash')::text, 'UTF8')), 'hex') AS hash_of_text;
-- the same catalog exports the same bytes; another order of writes does too
SELECT pg_temp.plan(8101)::text = pg_temp.plan(8101)::text AS stable;
-- an empty project; its own export applies to it (the hash of empty lists)
SELECT pg_temp.plan(8102) - 'base_hash' AS empty;
SELECT event_definitions.apply_tracking_plan(8102, pg_temp.plan(8102)::json) AS empty_applied;

-- ---------------------------------------------------------------- export -> apply to an empty project -> export
SELECT event_definitions.diff_tracking_plan(8102, (pg_temp.plan(8101) - 'base_hash')::json) AS diff;
SELECT event_definitions.apply_tracking_plan(8102, (pg_temp.plan(8101) - 'base_hash')::json) AS applied;
SELECT (pg_temp.plan(8101) - 'base_hash')::text = (pg_temp.plan(8102) - 'base_hash')::text AS same_plan,
	   pg_temp.plan(8101) ->> 'base_hash' = pg_temp.plan(8102) ->> 'base_hash' AS same_hash;
-- nothing left to do
SELECT event_definitions.diff_tracking_plan(8102, pg_temp.plan(8101)::json) AS no_diff;
SELECT event_definitions.apply_tracking_plan(8102, pg_temp.plan(8102)::json) AS no_op;
-- every object was logged, as a single call logs it
SELECT scope, activity, detail ->> 'name' AS name, jsonb_array_length(detail -> 'changes') AS changes, user_id
FROM event_definitions_private.activity_log WHERE project_id = 8102 ORDER BY id;

-- ---------------------------------------------------------------- each kind of change
-- a plan edited as a file would be: every kind of change at once
SELECT pg_temp.plan(8102) AS base \gset
CREATE TEMP TABLE edited AS SELECT jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(
	:'base'::jsonb,
	'{settings,stale_after_days}', '30'),
	'{events}', (:'base'::jsonb -> 'events') - 0
		|| '[{"name": "invite_sent", "tags": ["Growth"], "property_groups": ["Referral"]}]'::jsonb),
	'{events,0}', (:'base'::jsonb -> 'events' -> 1) || '{"description": "Paid order", "owner": "rob@example.com",
		"tags": ["billing"], "property_groups": ["Order"]}'),
	'{property_groups}', (:'base'::jsonb -> 'property_groups')
		|| '[{"name": "Referral", "properties": [{"name": "code", "property_type": "String", "is_required": true}]}]'::jsonb),
	'{property_groups,1,properties}', '[{"name": "coupon", "property_type": "String", "is_optional_in_types": false},
		{"name": "plan", "property_type": "String", "rules": {"enum": ["free", "pro", "team"]}, "description": "the plan"},
		{"name": "tax", "property_type": "Numeric"}]') AS plan;
SELECT plan AS edited FROM edited \gset
SELECT jsonb_pretty(event_definitions.diff_tracking_plan(8102, (:'edited')::json)) AS diff;
-- a diff writes nothing, and runs for a reader
SELECT pg_temp.plan(8102)::text = :'base' AS unchanged_by_diff;
SET SESSION AUTHORIZATION regress_plan_reader;
SELECT event_definitions.diff_tracking_plan(8102, (:'edited')::json) -> 'unchanged' AS reader_diff;
SELECT pg_temp.plan(8102) ->> 'base_hash' = :'base'::jsonb ->> 'base_hash' AS reader_export;
SELECT pg_temp.try(format('SELECT event_definitions.apply_tracking_plan(8102, %L)', :'edited')) AS reader_apply;
SET SESSION AUTHORIZATION regress_plan_writer;

-- apply without prune: $pageview (no longer in the plan) stays
SELECT event_definitions.apply_tracking_plan(8102, (:'edited')::json) - 'update' AS applied;
SELECT pg_temp.plan(8102) -> 'events' -> 0 ->> 'name' AS kept_pageview;
-- the plan and the catalog agree, but for what prune would delete
SELECT event_definitions.diff_tracking_plan(8102, (:'edited'::jsonb - 'base_hash')::json) AS after;
-- the activity of this apply: the settings, each group and event, the attached groups
SELECT scope, activity, detail ->> 'name' AS name,
	   (SELECT string_agg(c ->> 'field', ',' ORDER BY c ->> 'field') FROM jsonb_array_elements(detail -> 'changes') c) AS fields
FROM event_definitions_private.activity_log WHERE project_id = 8102 AND id > (
	SELECT max(id) FROM event_definitions_private.activity_log WHERE project_id = 8102 AND detail ->> 'name' = 'signup')
ORDER BY id;
-- the owner by email became the owner's id
SELECT owner_id, verified, tags FROM event_definitions_private.event_definitions WHERE project_id = 8102 AND name = 'checkout';

-- ---------------------------------------------------------------- a stale base_hash: 409, nothing written
-- the plan exported before the apply is stale now
SELECT pg_temp.plan(8102)::text AS before_conflict \gset
SELECT count(*) AS log_before FROM event_definitions_private.activity_log WHERE project_id = 8102 \gset
SELECT pg_temp.try(format('SELECT event_definitions.apply_tracking_plan(8102, %L)',
	jsonb_set(:'base'::jsonb, '{settings,stale_after_days}', '3'))) AS stale;
SELECT pg_temp.plan(8102)::text = :'before_conflict' AS nothing_written,
	   (SELECT count(*) FROM event_definitions_private.activity_log WHERE project_id = 8102) = :log_before AS nothing_logged;
-- the 409 carries PostHog's error object (PostgREST answers PT409 with HTTP 409)
DO $$
DECLARE
	h text;
BEGIN
	PERFORM event_definitions.apply_tracking_plan(8102, '{"version": 1, "base_hash": "0000"}');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
	RAISE NOTICE 'sqlstate %, hint %', SQLSTATE, h::jsonb - 'detail';
END $$;
-- with the current hash it goes through
SELECT event_definitions.apply_tracking_plan(8102, jsonb_set(pg_temp.plan(8102), '{settings,stale_after_days}', '3')::json)
	-> 'update' -> 0 -> 'changes' AS fresh;

-- ---------------------------------------------------------------- prune
SELECT event_definitions.diff_tracking_plan(8102, '{"version": 1, "events": [{"name": "signup"}]}') - 'update' AS diff_prunes;
SELECT event_definitions.apply_tracking_plan(8102, '{"version": 1, "events": [{"name": "signup"}]}', prune => true) - 'update' AS pruned;
SELECT pg_temp.plan(8102) - 'base_hash' AS after_prune;
SELECT scope, activity, count(*) FROM event_definitions_private.activity_log
WHERE project_id = 8102 AND activity = 'deleted' GROUP BY 1, 2 ORDER BY 1;

-- ---------------------------------------------------------------- validation, naming each item
CREATE TEMP TABLE bad (n serial, plan text);
INSERT INTO bad (plan) VALUES
	('[]'),
	('{}'),
	('{"version": 2}'),
	('{"version": "1"}'),
	('{"version": 1, "extra": true}'),
	('{"version": 1, "events": {}}'),
	('{"version": 1, "events": [1]}'),
	('{"version": 1, "events": [{"name": "a", "colour": "red"}]}'),
	('{"version": 1, "events": [{"description": "no name"}]}'),
	('{"version": 1, "events": [{"name": "a"}, {"name": "b", "tags": "x"}]}'),
	('{"version": 1, "events": [{"name": "a", "hidden": true, "verified": true}]}'),
	('{"version": 1, "events": [{"name": "a", "owner": "nobody@example.com"}]}'),
	('{"version": 1, "events": [{"name": "a", "owner": "dup@example.com"}]}'),
	('{"version": 1, "events": [{"name": "a", "owner": 8101}]}'),
	('{"version": 1, "events": [{"name": "a", "property_groups": ["Nope"]}]}'),
	('{"version": 1, "events": [{"name": "a", "enforcement_mode": "enforce"}]}'),
	('{"version": 1, "events": [{"name": "b"}, {"name": "a"}, {"name": "b"}]}'),
	('{"version": 1, "events": [{"name": "Not Allowed"}], "settings": {"event_name_pattern": "^[a-z]+$"}}'),
	('{"version": 1, "settings": {"unplanned_events": "drop"}}'),
	('{"version": 1, "settings": {"colour": 1}}'),
	('{"version": 1, "settings": []}'),
	('{"version": 1, "property_groups": [{"name": "G", "properties": [{"name": "p", "property_type": "Text"}]}]}'),
	('{"version": 1, "property_groups": [{"name": "G", "properties": [{"name": "p", "property_type": "Boolean", "rules": {"maxLength": 1}}]}]}'),
	('{"version": 1, "property_groups": [{"name": "G", "properties": [{"name": "Bad", "property_type": "String"}]}], "settings": {"property_name_pattern": "^[a-z]+$"}}'),
	('{"version": 1, "property_groups": [{"name": "G"}, {"name": "G"}]}'),
	('{"version": 1, "base_hash": 5}');
SELECT n, pg_temp.try(format('SELECT event_definitions.diff_tracking_plan(8102, %L)', plan)) AS diff_answer
FROM bad ORDER BY n;
-- apply answers the same errors, and writes nothing
SELECT count(*) FILTER (WHERE pg_temp.try(format('SELECT event_definitions.apply_tracking_plan(8102, %L)', plan))
	<> pg_temp.try(format('SELECT event_definitions.diff_tracking_plan(8102, %L)', plan))) AS differing FROM bad;
SELECT pg_temp.plan(8102) - 'base_hash' AS still;
-- an existing name that breaks a new naming rule stays (only new names must match)
SELECT event_definitions.apply_tracking_plan(8102, '{"version": 1, "settings": {"event_name_pattern": "^x"},
	"events": [{"name": "signup"}]}') - 'update' AS legacy_name_kept;
-- limits: a plan larger than 16 MB is a 413
SELECT pg_temp.try(format('SELECT event_definitions.diff_tracking_plan(8102, %L)',
	json_build_object('version', 1, 'events', json_build_array(json_build_object('name', 'a', 'description', repeat('x', 17000000)))))) AS too_large;
-- an item is one request body: at most 2.5 MB and 100,000 values (413
-- naming it, from diff as from apply); so are the settings
SELECT pg_temp.try(format('SELECT event_definitions.diff_tracking_plan(8102, %L)',
	json_build_object('version', 1, 'events', json_build_array(json_build_object('name', 'a'),
		json_build_object('name', 'b', 'description', repeat('x', 2700000)))))) AS item_too_large;
SELECT pg_temp.try(format('SELECT event_definitions.apply_tracking_plan(8102, %L)',
	json_build_object('version', 1, 'property_groups', json_build_array(json_build_object('name', 'G',
		'properties', (SELECT json_agg(json_build_object('name', 'p' || g)) FROM generate_series(1, 50001) g)))))) AS item_too_many_values;
SELECT pg_temp.try(format('SELECT event_definitions.diff_tracking_plan(8102, %L)',
	json_build_object('version', 1, 'settings', json_build_object('event_name_pattern', repeat('a', 2700000))))) AS settings_too_large;
-- the plan is parsed an item at a time, but answers as if parsed whole:
-- invalid JSON (to jansson) names the plan's line and column, keys may be
-- escaped, and the plan's own keys may not repeat
SELECT n, pg_temp.try(format('SELECT event_definitions.diff_tracking_plan(8102, %L) -> %L', plan, 'unchanged')) AS answer
FROM (VALUES
	(1, '{"version": 1, "version": 1}'),
	(2, E'{"version": 1,\n "events": [{"name": "a"},\n  {"name": "b", "name": "c"}]}'),
	(3, '{"version": 1, "events": [{"name": "é", "tags": ["ü"], "name": "x"}]}'),
	(4, '{"version": 1, "events": [{"name": "a\u0000"}]}'),
	(5, '{"version": 1, "settings": {"stale_after_days": 99999999999999999999}}'),
	(6, '{"ver\u0073ion": 1, "events": [{"name": "signup"}]}'),
	(7, '{"version": 1, "\u0065xtra": 1}'),
	(8, '{"version": 1, "events": [{"name": "a"}], "events": []}'),
	(9, ' [{"version": 1}] '),
	(10, '1.5')) v(n, plan)
ORDER BY n;
-- the hash apply computes as it reads the catalog is the export's, for
-- any text: a description with quotes, escapes and letters beyond ASCII
SELECT event_definitions.update_event_definition(8102, id, json_build_object('description', E'Ünïcödé "quoted" \\ and\n\ttabs \u0001',
	'tags', json_build_array('émoji 🎉', 'billing'))) ->> 'name' AS described
FROM event_definitions_private.event_definitions WHERE project_id = 8102 AND name = 'signup';
SELECT event_definitions.apply_tracking_plan(8102, pg_temp.plan(8102)::json) AS same_hash_applied;
-- the first write a create, found while a catalog row is being read
SELECT event_definitions.apply_tracking_plan(8102, jsonb_set(jsonb_set(pg_temp.plan(8102),
	'{settings,event_name_pattern}', 'null'), '{events}', '[{"name": "a_first"}]' || (pg_temp.plan(8102) -> 'events'))::json)
	- 'unchanged' AS create_written_first;
SELECT name FROM event_definitions_private.event_definitions WHERE project_id = 8102 ORDER BY name;

-- a project the caller cannot see is a 404
SELECT pg_temp.try($$SELECT event_definitions.export_tracking_plan(8199)$$) AS missing_export,
	   pg_temp.try($$SELECT event_definitions.apply_tracking_plan(8199, '{"version": 1}')$$) AS missing_apply;
RESET SESSION AUTHORIZATION;

-- owners without an email are named by uuid (two of them are no longer
-- "more than one member"): the export applies unchanged, an owner may be
-- named by either, and a uuid of a member with an email is its email
SELECT event_definitions.upsert_project(8105, 'No emails') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 8105, "first_name": "Ann", "uuid": "00000000-0000-4000-8000-000000008105"}') ->> 'id',
	   event_definitions.upsert_user('{"id": 8106, "first_name": "Bo", "uuid": "00000000-0000-4000-8000-000000008106"}') ->> 'id';
SELECT p, u, event_definitions.add_project_member(p, u) IS NULL
FROM (VALUES (8105, 8101), (8105, 8105), (8105, 8106)) v(p, u) ORDER BY 1, 2;
SET SESSION AUTHORIZATION regress_plan_writer;
SELECT event_definitions.create_event_definition(8105, '{"name": "a", "owner": 8105}') ->> 'name',
	   event_definitions.create_event_definition(8105, '{"name": "b", "owner": 8106}') ->> 'name',
	   event_definitions.create_event_definition(8105, '{"name": "c", "owner": 8101}') ->> 'name';
SELECT e ->> 'name' AS name, e ->> 'owner' AS owner
FROM jsonb_array_elements(pg_temp.plan(8105) -> 'events') e ORDER BY 1;
SELECT event_definitions.diff_tracking_plan(8105, pg_temp.plan(8105)::json) AS no_change;
SELECT event_definitions.apply_tracking_plan(8105, pg_temp.plan(8105)::json) AS applied_unchanged;
SELECT event_definitions.diff_tracking_plan(8105, jsonb_set(pg_temp.plan(8105), '{events,2,owner}',
	to_jsonb((SELECT uuid::text FROM event_definitions_private.users WHERE id = 8101)))::json) AS uuid_of_an_email_no_change;
SELECT event_definitions.apply_tracking_plan(8105, jsonb_set(jsonb_set(pg_temp.plan(8105),
	'{events,0,owner}', '"00000000-0000-4000-8000-000000008106"'),
	'{events,1,owner}', '"00000000-0000-4000-8000-000000008105"')::json) -> 'update' AS owners_swapped;
SELECT name, owner_id FROM event_definitions_private.event_definitions WHERE project_id = 8105 ORDER BY name;
-- one owner named by three events (looked up once): the two it does not own change
SELECT jsonb_path_query_array(event_definitions.diff_tracking_plan(8105, jsonb_set(jsonb_set(jsonb_set(pg_temp.plan(8105),
	'{events,0,owner}', '"00000000-0000-4000-8000-000000008105"'),
	'{events,1,owner}', '"00000000-0000-4000-8000-000000008105"'),
	'{events,2,owner}', '"00000000-0000-4000-8000-000000008105"')::json)::jsonb, '$.update[*].name') AS one_owner_thrice;
-- a blank owner, a uuid of no user, the uuid of a member of another project
SELECT pg_temp.try($$SELECT event_definitions.diff_tracking_plan(8105,
	'{"version": 1, "events": [{"name": "a", "owner": ""}]}')$$) AS blank_owner,
	   pg_temp.try($$SELECT event_definitions.diff_tracking_plan(8105,
	'{"version": 1, "events": [{"name": "a", "owner": "00000000-0000-4000-8000-000000008103"}]}')$$) AS no_such_user,
	   pg_temp.try($$SELECT event_definitions.diff_tracking_plan(8101,
	'{"version": 1, "events": [{"name": "a", "owner": "00000000-0000-4000-8000-000000008105"}]}')$$) AS not_a_member;
RESET SESSION AUTHORIZATION;

DROP OWNED BY regress_plan_writer, regress_plan_reader;
DROP ROLE regress_plan_writer, regress_plan_reader;
