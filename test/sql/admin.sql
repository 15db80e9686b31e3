--
-- Admin functions: upsert_project, upsert_user, add/remove_project_member,
-- and that only event_definitions_admin (or a superuser) may call them.
--
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_admin_writer, regress_admin_admin;
RESET client_min_messages;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try.psql

-- upsert_project: create, then rename (created_at kept); ids unique to this
-- file (the test database is shared by all files of a run)
SELECT event_definitions.upsert_project(6001, 'First name') - 'created_at' AS created;
SELECT created_at AS first_created FROM event_definitions_private.projects WHERE project_id = 6001 \gset
SELECT event_definitions.upsert_project(6001, 'Renamed') - 'created_at' AS renamed;
SELECT name, created_at = :'first_created' AS created_at_kept
FROM event_definitions_private.projects WHERE project_id = 6001;
SELECT event_definitions.upsert_project(6002, NULL) - 'created_at' AS null_name;
SELECT (event_definitions.upsert_project(6003, 'Third') ->> 'created_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$' AS iso_created_at;
SELECT pg_temp.try($$SELECT event_definitions.upsert_project(NULL, 'x')$$);

-- upsert_user: PostHog's user object
SELECT jsonb_pretty(event_definitions.upsert_user('{"id": 6001, "uuid": "00000000-0000-4000-8000-000000006001",
	"distinct_id": "distinct-6001", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
	"is_email_verified": true, "role_at_organization": "engineering",
	"hedgehog_config": {"use_as_profile": true, "color": "blue", "accessories": ["hat"], "skin": "robo", "walking": 1}}')) AS created;
-- a minimal user gets a uuid and defaults
SELECT u - 'uuid' AS minimal, (u ->> 'uuid') IS NOT NULL AS uuid_generated
FROM event_definitions.upsert_user('{"id": 6002}') AS u;
-- partial update: absent keys keep their value
SELECT event_definitions.upsert_user('{"id": 6001, "last_name": "Byron", "is_email_verified": null}') AS partial;
SELECT event_definitions.upsert_user('{"id": 6001, "distinct_id": null, "role_at_organization": "",
	"uuid": "00000000-0000-4000-8000-00000000600a"}') AS partial;
-- hedgehog_config: the four keys only (absent ones null); {} and null render as null
SELECT event_definitions.upsert_user('{"id": 6001, "hedgehog_config": {"color": "green"}}') -> 'hedgehog_config' AS projected;
SELECT hedgehog_config FROM event_definitions_private.users WHERE id = 6001;
-- numbers are stored as written (0.1 stays 0.1, not its 17-digit double)
SELECT event_definitions.upsert_user('{"id": 6001, "hedgehog_config": {"color": 0.1, "skin": [1e-7, 2.5e20, 3]}}') -> 'hedgehog_config' AS numbers;
SELECT event_definitions.upsert_user('{"id": 6001, "hedgehog_config": {}}') -> 'hedgehog_config' AS empty;
SELECT event_definitions.upsert_user('{"id": 6001, "hedgehog_config": null}') -> 'hedgehog_config' AS null_config;
SELECT event_definitions.upsert_user('{"id": 6001, "first_name": "Ada"}') ->> 'last_name' AS last_name_kept;

-- role_at_organization choices
SELECT r AS role, event_definitions.upsert_user(json_build_object('id', 6002, 'role_at_organization', r)) -> 'role_at_organization' AS stored
FROM unnest(ARRAY['engineering', 'data', 'product', 'founder', 'leadership', 'marketing', 'sales', 'other', '']) AS r;
SELECT event_definitions.upsert_user('{"id": 6002, "role_at_organization": null}') -> 'role_at_organization' AS null_role;

-- validation: nothing written
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6002, "role_at_organization": "ceo"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6002, "role_at_organization": "Engineering"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"first_name": "No id"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user(NULL)$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": "6009"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 0}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6009, "uuid": "not-a-uuid"}')$$);
SELECT pg_temp.try(format($$SELECT event_definitions.upsert_user('{"id": 6009, "first_name": "%s"}')$$, repeat('x', 151)));
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6009, "first_name": null}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6009, "is_email_verified": "perhaps"}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6009, "hedgehog_config": [1]}')$$);
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('[{"id": 6009}]')$$);
SELECT count(*) AS users_6009 FROM event_definitions_private.users WHERE id = 6009;

-- login_role: must be an existing role, and belong to one user only
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_admin_writer') THEN
		CREATE ROLE regress_admin_writer LOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_admin_admin') THEN
		CREATE ROLE regress_admin_admin LOGIN;
	END IF;
END $$;
GRANT event_definitions_writer TO regress_admin_writer;
GRANT event_definitions_admin TO regress_admin_admin;
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6001, "login_role": "regress_admin_missing"}')$$);
SELECT event_definitions.upsert_user('{"id": 6001, "login_role": "regress_admin_writer"}') ->> 'id' AS with_login;
SELECT pg_temp.try($$SELECT event_definitions.upsert_user('{"id": 6002, "login_role": "regress_admin_writer"}')$$);
SELECT event_definitions.upsert_user('{"id": 6001, "login_role": "regress_admin_writer"}') ->> 'id' AS same_user_again;
SELECT event_definitions.upsert_user('{"id": 6001, "first_name": "Ada"}') ->> 'id' AS absent_keeps;
SELECT id, login_role FROM event_definitions_private.users WHERE id IN (6001, 6002) ORDER BY id;

-- memberships
SELECT event_definitions.add_project_member(6001, 6001);
SELECT event_definitions.add_project_member(6001, 6001);
SELECT event_definitions.add_project_member(6002, 6001);
SELECT pg_temp.try($$SELECT event_definitions.add_project_member(6999, 6001)$$);
SELECT pg_temp.try($$SELECT event_definitions.add_project_member(6001, 6999)$$);
SELECT pg_temp.try($$SELECT event_definitions.add_project_member(6001, NULL)$$);
SELECT pg_temp.try($$SELECT event_definitions.add_project_member(NULL, 6001)$$);
SELECT project_id, user_id FROM event_definitions_private.project_members
WHERE project_id BETWEEN 6001 AND 6999 ORDER BY 1, 2;
SELECT event_definitions.remove_project_member(6002, 6001);
SELECT pg_temp.try($$SELECT event_definitions.remove_project_member(6002, 6001)$$);
SELECT pg_temp.try($$SELECT event_definitions.remove_project_member(6001, 6002)$$);
SELECT pg_temp.try($$SELECT event_definitions.remove_project_member(6999, 6001)$$);
SELECT project_id, user_id FROM event_definitions_private.project_members
WHERE project_id BETWEEN 6001 AND 6999 ORDER BY 1, 2;

-- a writer (the login role of user 6001) cannot call the admin functions
SELECT current_user AS superuser_name \gset
\c - regress_admin_writer
SELECT session_user, event_definitions_private.acting_user_id() AS acting_user;
DO $$
DECLARE
	stmt text;
	st text;
	msg text;
BEGIN
	FOREACH stmt IN ARRAY ARRAY[
		$q$SELECT event_definitions.upsert_project(6001, 'Hijacked')$q$,
		$q$SELECT event_definitions.upsert_project(6010, 'New')$q$,
		$q$SELECT event_definitions.upsert_user('{"id": 6001, "first_name": "Mallory"}')$q$,
		$q$SELECT event_definitions.add_project_member(6002, 6001)$q$,
		$q$SELECT event_definitions.remove_project_member(6001, 6001)$q$,
		$q$INSERT INTO event_definitions_private.project_members VALUES (6002, 6001)$q$,
		$q$UPDATE event_definitions_private.users SET first_name = 'Mallory' WHERE id = 6001$q$]
	LOOP
		BEGIN
			EXECUTE stmt;
			RAISE NOTICE 'ok: %', stmt;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
			RAISE NOTICE '%: %', st, msg;
		END;
	END LOOP;
END $$;
-- but it may use the writer functions in its own project
SELECT event_definitions.create_event_definition(6001, '{"name": "by_writer"}') -> 'created_by' ->> 'id' AS created_by;

-- an event_definitions_admin login may (acting user from the setting)
\c - regress_admin_admin
SET event_definitions.user_id = '6002';
SELECT event_definitions.upsert_project(6010, 'By admin') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 6002, "first_name": "Grace"}') ->> 'first_name' AS first_name;
SELECT event_definitions.add_project_member(6010, 6002);
SELECT event_definitions.remove_project_member(6010, 6002);
-- an admin sees every project, member or not
SELECT name FROM event_definitions.event_definitions WHERE project_id = 6001 ORDER BY name;

\c - :superuser_name
SELECT p.project_id, p.name, u.first_name
FROM event_definitions_private.projects p
LEFT JOIN event_definitions_private.users u ON u.id = 6001
WHERE p.project_id BETWEEN 6001 AND 6999 ORDER BY p.project_id;
SELECT event_definitions.upsert_user('{"id": 6001, "login_role": null}') ->> 'id' AS login_cleared;
SELECT login_role FROM event_definitions_private.users WHERE id = 6001;
DROP ROLE regress_admin_writer;
DROP ROLE regress_admin_admin;
