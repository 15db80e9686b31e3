-- Project isolation and roles, under real login roles.
-- Projects 9101 (Alpha) and 9102 (Beta); users 9111 alice (9101, writer),
-- 9112 bob (9102, writer), 9113 carol (9101, reader only).
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_roles_alice, regress_roles_bob, regress_roles_carol, regress_roles_gw, regress_roles_admin;
RESET client_min_messages;
\set VERBOSITY terse

-- error catcher usable from every login (created in public, dropped at the end)
CREATE FUNCTION public.roles_try(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	st text;
	msg text;
	det text;
BEGIN
	EXECUTE sql INTO r;
	RETURN COALESCE(r, '<ok>');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ' ' || msg || ' / ' || COALESCE(det, '');
END
$$;
-- names of a list answer, in order
CREATE FUNCTION public.roles_names(j jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT j->>'count' || ': ' || COALESCE(string_agg(r->>'name', ', ' ORDER BY o), '')
	FROM jsonb_array_elements(j->'results') WITH ORDINALITY AS e(r, o)
$$;

CREATE ROLE regress_roles_alice LOGIN;
CREATE ROLE regress_roles_bob LOGIN;
CREATE ROLE regress_roles_carol LOGIN;
CREATE ROLE regress_roles_gw LOGIN;
CREATE ROLE regress_roles_admin LOGIN;
GRANT event_definitions_writer TO regress_roles_alice, regress_roles_bob;
GRANT event_definitions_reader TO regress_roles_carol;
GRANT event_definitions_gateway, event_definitions_writer TO regress_roles_gw;
GRANT event_definitions_admin TO regress_roles_admin;

SELECT event_definitions.upsert_project(9101, 'Alpha') - 'created_at';
SELECT event_definitions.upsert_project(9102, 'Beta') - 'created_at';
SELECT event_definitions.upsert_user('{"id": 9111, "uuid": "00000000-0000-4000-8000-000000009111", "first_name": "Alice", "email": "alice@example.com", "login_role": "regress_roles_alice"}')->>'first_name';
SELECT event_definitions.upsert_user('{"id": 9112, "uuid": "00000000-0000-4000-8000-000000009112", "first_name": "Bob", "email": "bob@example.com", "login_role": "regress_roles_bob"}')->>'first_name';
SELECT event_definitions.upsert_user('{"id": 9113, "uuid": "00000000-0000-4000-8000-000000009113", "first_name": "Carol", "email": "carol@example.com", "login_role": "regress_roles_carol"}')->>'first_name';
SELECT event_definitions.add_project_member(9101, 9111);
SELECT event_definitions.add_project_member(9102, 9112);
SELECT event_definitions.add_project_member(9101, 9113);

-- fixtures: 'a_owned_by_bob' in Alpha has a foreign owner (bob shares no project with Alpha's members)
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, owner_id, created_by_id, tags) VALUES
	(9101, '91010000-0000-4000-8000-000000000001', 'a_signup', 9113, 9111, '{}'),
	(9101, '91010000-0000-4000-8000-000000000002', 'a_owned_by_bob', 9112, 9112, '{}'),
	(9102, '91020000-0000-4000-8000-000000000001', 'b_secret_event', 9112, 9112, '{beta}');
INSERT INTO event_definitions_private.event_usage VALUES
	(9101, 'a_signup', CURRENT_DATE, 3), (9102, 'b_secret_event', CURRENT_DATE, 5);

-- ---------------------------------------------------------------- alice (writer of Alpha)
SELECT current_user AS superuser_name \gset
\c - regress_roles_alice
\set VERBOSITY terse
SELECT session_user, event_definitions_private.acting_user_id();
SELECT roles_names(event_definitions.list_event_definitions(9101, ordering => 'name'));
SELECT r->>'name' AS name, r->'owner'->>'first_name' AS owner, r->'created_by'->>'first_name' AS created_by
FROM event_definitions.retrieve_event_definition(9101, '91010000-0000-4000-8000-000000000001') r;
-- the foreign owner and creator are not visible users: null objects
SELECT r->'owner' AS owner, r->'created_by' AS created_by
FROM event_definitions.retrieve_event_definition(9101, '91010000-0000-4000-8000-000000000002') r;
SELECT r->>'name' AS name, r->'created_by'->>'first_name' AS created_by, r->'updated_by'->>'first_name' AS updated_by
FROM event_definitions.create_event_definition(9101, '{"name": "a_by_alice"}') r;
SELECT r->>'description' AS description, r->'updated_by'->>'first_name' AS updated_by
FROM event_definitions.update_event_definition(9101, '91010000-0000-4000-8000-000000000001', '{"description": "edited by alice"}') r;

-- Beta is invisible: every call answers like a missing object, and never says its names
SELECT roles_try($$SELECT event_definitions.list_event_definitions(9102)$$) AS list_beta;
SELECT roles_try($$SELECT event_definitions.list_event_definitions(9199)$$) AS list_missing;
SELECT roles_try($$SELECT event_definitions.retrieve_event_definition(9102, '91020000-0000-4000-8000-000000000001')$$) AS retrieve_beta;
SELECT roles_try($$SELECT event_definitions.retrieve_event_definition(9101, '91020000-0000-4000-8000-000000000001')$$) AS retrieve_beta_id_in_alpha;
SELECT roles_try($$SELECT event_definitions.retrieve_event_definition(9102, '91020000-0000-4000-8000-00000000ffff')$$) AS retrieve_missing;
SELECT roles_try($$SELECT event_definitions.update_event_definition(9102, '91020000-0000-4000-8000-000000000001', '{"description": "x"}')$$) AS update_beta;
SELECT roles_try($$SELECT event_definitions.delete_event_definition(9102, '91020000-0000-4000-8000-000000000001')$$) AS delete_beta;
SELECT roles_try($$SELECT event_definitions.event_definition_by_name(9102, 'b_secret_event')$$) AS by_name_beta;
SELECT roles_try($$SELECT event_definitions.event_definition_by_name(9102, 'no_such_event')$$) AS by_name_missing;
SELECT roles_try($$SELECT event_definitions.event_definition_metrics(9102, '91020000-0000-4000-8000-000000000001')$$) AS metrics_beta;
SELECT roles_try($$SELECT event_definitions.promoted_properties(9102)$$) AS promoted_beta;
SELECT roles_try($$SELECT event_definitions.create_event_definition(9102, '{"name": "intruder"}')$$) AS create_beta;
SELECT roles_try($$SELECT event_definitions.bulk_update_tags(9102, '{"ids": ["91020000-0000-4000-8000-000000000001"], "action": "add", "tags": ["x"]}')$$) AS bulk_beta;
SELECT roles_try($$SELECT event_definitions.bulk_update_tags(9199, '{"ids": ["91020000-0000-4000-8000-000000000001"], "action": "add", "tags": ["x"]}')$$) AS bulk_missing;
-- a Beta id in an Alpha request is skipped as not found
SELECT event_definitions.bulk_update_tags(9101, '{"ids": ["91020000-0000-4000-8000-000000000001", "91010000-0000-4000-8000-000000000001"], "action": "add", "tags": ["x"]}');
SELECT event_definitions.bulk_update_verified(9101, '{"ids": ["91020000-0000-4000-8000-000000000001"], "verified": true}');
-- direct reads: only Alpha rows
SELECT project_id, name FROM event_definitions.event_definitions ORDER BY project_id, name;
SELECT project_id, name, tags FROM event_definitions_private.event_definitions ORDER BY project_id, name;
SELECT project_id, name FROM event_definitions_private.projects ORDER BY project_id;
SELECT project_id, user_id FROM event_definitions_private.project_members ORDER BY 1, 2;
SELECT project_id, event_name, count FROM event_definitions_private.event_usage ORDER BY 1, 2;
SELECT DISTINCT project_id FROM event_definitions.activity_log ORDER BY 1;
SELECT id, first_name FROM event_definitions_private.users ORDER BY id;
-- no writing around the functions either
SELECT roles_try($$WITH u AS (UPDATE event_definitions_private.event_definitions SET description = 'hacked' WHERE project_id = 9102 RETURNING 1) SELECT count(*) FROM u$$) AS update_beta_rows;
SELECT roles_try($$WITH d AS (DELETE FROM event_definitions_private.event_definitions WHERE project_id = 9102 RETURNING 1) SELECT count(*) FROM d$$) AS delete_beta_rows;
SELECT roles_try($$WITH u AS (UPDATE event_definitions_private.event_definitions SET project_id = 9102 WHERE project_id = 9101 RETURNING 1) SELECT count(*) FROM u$$) AS move_to_beta;
SELECT roles_try($$INSERT INTO event_definitions_private.event_definitions (project_id, name) VALUES (9102, 'intruder') RETURNING name$$) AS insert_beta_row;
SELECT roles_try($$INSERT INTO event_definitions_private.project_members VALUES (9102, 9111) RETURNING 1$$) AS join_beta;

-- a non-gateway login cannot impersonate: claims and settings are ignored
SET request.jwt.claims = '{"user_id": 9112}';
SET event_definitions.user_id = '9112';
SELECT event_definitions_private.acting_user_id();
SELECT roles_try($$SELECT event_definitions.list_event_definitions(9102)$$) AS list_beta;
SELECT count(*) FROM event_definitions.event_definitions WHERE project_id = 9102;
SELECT r->>'name' AS name, r->'created_by'->>'first_name' AS created_by
FROM event_definitions.create_event_definition(9101, '{"name": "a_with_claim"}') r;
RESET request.jwt.claims;
RESET event_definitions.user_id;

-- ---------------------------------------------------------------- carol (reader of Alpha)
\c - regress_roles_carol
\set VERBOSITY terse
SELECT event_definitions_private.acting_user_id();
SELECT roles_names(event_definitions.list_event_definitions(9101, ordering => 'name'));
SELECT event_definitions.retrieve_event_definition(9101, '91010000-0000-4000-8000-000000000001')->>'description';
SELECT event_definitions.event_definition_by_name(9101, 'a_signup')->>'name';
SELECT event_definitions.event_definition_metrics(9101, '91010000-0000-4000-8000-000000000001');
SELECT roles_try($$SELECT event_definitions.create_event_definition(9101, '{"name": "by_carol"}')$$) AS create;
SELECT roles_try($$SELECT event_definitions.update_event_definition(9101, '91010000-0000-4000-8000-000000000001', '{"description": "x"}')$$) AS update;
SELECT roles_try($$SELECT event_definitions.delete_event_definition(9101, '91010000-0000-4000-8000-000000000001')$$) AS delete;
SELECT roles_try($$SELECT event_definitions.bulk_update_tags(9101, '{"ids": ["91010000-0000-4000-8000-000000000001"], "action": "add", "tags": ["y"]}')$$) AS bulk_tags;
SELECT roles_try($$SELECT event_definitions.bulk_update_verified(9101, '{"ids": ["91010000-0000-4000-8000-000000000001"], "verified": true}')$$) AS bulk_verified;
SELECT roles_try($$SELECT event_definitions.record_event_usage(9101, 'a_signup')$$) AS record_usage;
SELECT roles_try($$UPDATE event_definitions_private.event_definitions SET description = 'x' RETURNING name$$) AS direct_update;

-- ---------------------------------------------------------------- gateway
\c - regress_roles_gw
\set VERBOSITY terse
-- no acting user: nothing visible
SELECT event_definitions_private.acting_user_id();
SELECT count(*) FROM event_definitions.event_definitions;
SELECT roles_try($$SELECT event_definitions.list_event_definitions(9101)$$) AS list_alpha;
-- the JWT claim names the acting user
SET request.jwt.claims = '{"user_id": 9111, "role": "authenticated"}';
SELECT event_definitions_private.acting_user_id();
SELECT roles_names(event_definitions.list_event_definitions(9101, ordering => 'name'));
SELECT roles_try($$SELECT event_definitions.list_event_definitions(9102)$$) AS list_beta;
SELECT DISTINCT project_id FROM event_definitions.event_definitions ORDER BY 1;
SELECT r->>'name' AS name, r->'created_by'->>'first_name' AS created_by
FROM event_definitions.create_event_definition(9101, '{"name": "a_via_gateway"}') r;
-- the claim wins over the setting
SET event_definitions.user_id = '9112';
SELECT event_definitions_private.acting_user_id();
-- the setting, without a claim
RESET request.jwt.claims;
SELECT event_definitions_private.acting_user_id();
SELECT DISTINCT project_id FROM event_definitions.event_definitions ORDER BY 1;
SELECT r->'updated_by'->>'first_name' AS updated_by, r->'owner'->>'first_name' AS owner
FROM event_definitions.update_event_definition(9102, '91020000-0000-4000-8000-000000000001', '{"description": "by bob via gateway"}') r;
SELECT roles_try($$SELECT event_definitions.retrieve_event_definition(9101, '91010000-0000-4000-8000-000000000001')$$) AS retrieve_alpha;
-- an empty claim set falls back to the setting; an empty setting means nobody
SET request.jwt.claims = '';
SELECT event_definitions_private.acting_user_id();
SET event_definitions.user_id = '';
SELECT event_definitions_private.acting_user_id();
SELECT count(*) FROM event_definitions.event_definitions;
-- the gateway holds no admin rights
SELECT roles_try($$SELECT event_definitions.upsert_project(9199, 'x')$$) AS upsert_project;

-- ---------------------------------------------------------------- admin
\c - regress_roles_admin
\set VERBOSITY terse
SELECT event_definitions_private.acting_user_id();
SELECT project_id, name, owner->>'first_name' AS owner FROM event_definitions.event_definitions
WHERE project_id IN (9101, 9102) ORDER BY project_id, name;
SELECT roles_names(event_definitions.list_event_definitions(9102));
SELECT id, first_name FROM event_definitions_private.users WHERE id BETWEEN 9111 AND 9113 ORDER BY id;
-- an admin without acting user writes as nobody
SELECT r->'created_by' AS created_by FROM event_definitions.create_event_definition(9102, '{"name": "b_by_admin"}') r;
SET event_definitions.user_id = '9112';
SELECT r->'updated_by'->>'first_name' AS updated_by
FROM event_definitions.update_event_definition(9102, '91020000-0000-4000-8000-000000000001', '{"description": "by admin as bob"}') r;
RESET event_definitions.user_id;

-- ---------------------------------------------------------------- back as superuser
\c - :superuser_name
\set VERBOSITY terse
-- Beta was not touched by alice or carol
SELECT name, description, tags FROM event_definitions_private.event_definitions WHERE project_id = 9102 ORDER BY name;
-- who did what
SELECT d.name, d.created_by_id, d.updated_by_id
FROM event_definitions_private.event_definitions d WHERE project_id IN (9101, 9102) ORDER BY name;
SELECT a.project_id, d.name, a.activity, a.user_id
FROM event_definitions_private.activity_log a
LEFT JOIN event_definitions_private.event_definitions d ON d.project_id = a.project_id AND d.id::text = a.item_id
WHERE a.project_id IN (9101, 9102) ORDER BY a.id;

DELETE FROM event_definitions_private.projects WHERE project_id IN (9101, 9102);
DELETE FROM event_definitions_private.users WHERE id IN (9111, 9112, 9113);
DROP FUNCTION public.roles_try(text), public.roles_names(jsonb);
REVOKE event_definitions_writer FROM regress_roles_alice, regress_roles_bob, regress_roles_gw;
REVOKE event_definitions_reader FROM regress_roles_carol;
REVOKE event_definitions_gateway FROM regress_roles_gw;
REVOKE event_definitions_admin FROM regress_roles_admin;
DROP OWNED BY regress_roles_alice, regress_roles_bob, regress_roles_carol, regress_roles_gw, regress_roles_admin;
DROP ROLE regress_roles_alice, regress_roles_bob, regress_roles_carol, regress_roles_gw, regress_roles_admin;
