-- The C entry points build an event definition's JSON themselves (from the
-- table's columns, with user objects kept per backend); the view
-- event_definitions.event_definitions defines the same shape in SQL.  Both
-- must agree on every row, for every kind of caller, and the kept user
-- objects must follow changes made in the same session.
-- Project 9701 (ours), 9702 (where user 9703 is a member, not us).
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_render_writer, regress_render_plain, regress_render_admin;
RESET client_min_messages;
\set VERBOSITY terse
SET event_definitions.user_id = '9701';
CREATE ROLE regress_render_writer LOGIN IN ROLE event_definitions_writer;
CREATE ROLE regress_render_plain IN ROLE event_definitions_writer;
CREATE ROLE regress_render_admin IN ROLE event_definitions_admin;

SELECT event_definitions.upsert_project(9701, 'Render') ->> 'name' AS project;
SELECT event_definitions.upsert_project(9702, 'Elsewhere') ->> 'name' AS other;
SELECT count(event_definitions.upsert_user(u)) AS users FROM (VALUES
	('{"id": 9701, "uuid": "97010000-0000-4000-8000-000000000001", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "login_role": "regress_render_writer"}'::json),
	('{"id": 9702, "uuid": "97010000-0000-4000-8000-000000000002", "first_name": "Émile", "last_name": "\"Quoted\"\\", "email": "emile@example.com", "hedgehog_config": {"color": "blue", "skin": null}}'),
	('{"id": 9703, "uuid": "97010000-0000-4000-8000-000000000003", "first_name": "Stranger", "email": "stranger@example.com"}')) v(u);
SELECT event_definitions.add_project_member(9701, 9701) IS NOT NULL AS ada,
	   event_definitions.add_project_member(9701, 9702) IS NOT NULL AS emile,
	   event_definitions.add_project_member(9702, 9703) IS NOT NULL AS stranger;

-- every column in its unusual states, written directly (as a superuser may)
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, description, tags, default_columns, hidden, verified, verified_at, verified_by_id,
	 owner_id, created_by_id, updated_by_id, created_at, updated_at, last_seen_at, promoted_property, enforcement_mode)
VALUES
	(9701, 'a7010000-0000-4000-8000-000000000001', 'plain', '', '{}', NULL, false, false, NULL, NULL,
	 NULL, NULL, NULL, NULL, '2024-01-01 00:00:00+00', NULL, NULL, 'allow'),
	(9701, 'a7010000-0000-4000-8000-000000000002', 'everything "quoted" \ é 😀', E'line\nbreak\ttab', '{alpha,beta}',
	 '{event,person,"with \"quote\""}', NULL, true, '2024-02-03 04:05:06.789+00', 9702,
	 9701, 9702, 9703, '2023-12-31 23:59:59.000001+00', '2024-02-03 04:05:06+00', 'infinity', 'plan', 'enforce'),
	(9701, 'a7010000-0000-4000-8000-000000000003', 'nulls inside', NULL, '{}', '{a,NULL,b}', true, false, NULL, NULL,
	 9703, 9701, NULL, '-infinity', '2024-01-01 00:00:00+00', '2024-06-30 12:00:00.5+00', '', 'reject'),
	(9701, 'a7010000-0000-4000-8000-000000000004', 'matrix', 'two-dimensional', '{{a,b},{c,d}}', '{}', false, false, NULL, NULL,
	 NULL, 9703, 9701, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00', NULL, 'allow');

-- The agreement check: retrieve, by_name and the list's rows, each against
-- the view's row without project_id.
CREATE FUNCTION pg_temp.disagreements() RETURNS TABLE (entry_point text, name text)
LANGUAGE sql AS $$
	SELECT 'retrieve', v.name FROM event_definitions.event_definitions v
	WHERE v.project_id = 9701
	  AND event_definitions.retrieve_event_definition(9701, v.id) IS DISTINCT FROM to_jsonb(v) - 'project_id'
	UNION ALL
	SELECT 'by_name', v.name FROM event_definitions.event_definitions v
	WHERE v.project_id = 9701
	  AND event_definitions.event_definition_by_name(9701, v.name) IS DISTINCT FROM to_jsonb(v) - 'project_id'
	UNION ALL
	SELECT 'list', NULL
	WHERE (SELECT jsonb_agg(r ORDER BY r ->> 'name')
		   FROM jsonb_array_elements(event_definitions.list_event_definitions(9701) -> 'results') r)
		  IS DISTINCT FROM
		  (SELECT jsonb_agg(to_jsonb(v) - 'project_id' ORDER BY v.name)
		   FROM event_definitions.event_definitions v WHERE v.project_id = 9701)
	ORDER BY 1, 2
$$;

-- as a superuser acting as Ada (row-level security bypassed)
SELECT * FROM pg_temp.disagreements();
SELECT count(*) AS rows_compared FROM event_definitions.event_definitions WHERE project_id = 9701;

-- a few values spelled out: escapes, arrays, infinite and fractional times
SELECT r -> 'name' AS name, r -> 'description' AS description, r -> 'tags' AS tags,
	   r -> 'default_columns' AS default_columns, r -> 'hidden' AS hidden,
	   r -> 'created_at' AS created_at, r -> 'last_seen_at' AS last_seen_at, r -> 'verified_at' AS verified_at
FROM (SELECT event_definitions.retrieve_event_definition(9701, id) r
	  FROM event_definitions_private.event_definitions WHERE project_id = 9701 ORDER BY id) s;
SELECT event_definitions.event_definition_by_name(9701, 'everything "quoted" \ é 😀') -> 'verified_by' AS verified_by;

-- the timestamp text (iso8601(), which the C rendering shares) against
-- to_char, over 20,000 instants from 1800 on (five centuries), with and without
-- fractions; years outside 1-9999 keep their digits
SELECT count(*) AS instants,
	   count(*) FILTER (WHERE event_definitions_private.iso8601(t) IS DISTINCT FROM
		   to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
		   || CASE WHEN extract(microseconds FROM t)::bigint % 1000000 <> 0
				   THEN '.' || lpad((extract(microseconds FROM t)::bigint % 1000000)::text, 6, '0') ELSE '' END
		   || 'Z') AS different
FROM (SELECT timestamptz '1800-01-01 00:00:00+00' + i * interval '7 days 3 hours 17 minutes 13.000731 seconds'
			 * CASE WHEN i % 2 = 0 THEN 1 ELSE 1.5 END AS t
	  FROM generate_series(0, 19999) i) s;
SELECT event_definitions_private.iso8601('0099-12-31 23:59:59.5+00') AS two_digit_year,
	   event_definitions_private.iso8601('10000-01-01 00:00:00+00') AS five_digit_year,
	   event_definitions_private.iso8601('2024-02-29 00:00:00.000001+00') AS one_microsecond;

-- as Ada's writer login: Stranger (no shared project) is hidden in both
SET SESSION AUTHORIZATION regress_render_writer;
SELECT * FROM pg_temp.disagreements();
SELECT r ->> 'name' AS name, r -> 'owner' ->> 'first_name' AS owner, r -> 'created_by' ->> 'first_name' AS created_by,
	   r -> 'updated_by' ->> 'first_name' AS updated_by
FROM jsonb_array_elements(event_definitions.list_event_definitions(9701, 10, 0, NULL, 'event', 'name') -> 'results') r;
RESET SESSION AUTHORIZATION;

-- as an admin role (sees every user)
SET ROLE regress_render_admin;
SELECT * FROM pg_temp.disagreements();
SELECT event_definitions.event_definition_by_name(9701, 'matrix') -> 'created_by' ->> 'first_name' AS created_by;
RESET ROLE;

-- kept user objects follow this session's own changes at once: a new
-- name, a membership that shows a user, one that hides it again
SET SESSION AUTHORIZATION regress_render_writer;
SELECT event_definitions.event_definition_by_name(9701, 'nulls inside') -> 'owner' ->> 'first_name' AS owner_hidden;
RESET SESSION AUTHORIZATION;
SELECT event_definitions.add_project_member(9701, 9703) IS NOT NULL AS stranger_joins;
SELECT event_definitions.upsert_user('{"id": 9702, "first_name": "Emil"}') ->> 'first_name' AS renamed;
SET SESSION AUTHORIZATION regress_render_writer;
SELECT r -> 'owner' ->> 'first_name' AS owner, r -> 'created_by' ->> 'first_name' AS created_by
FROM event_definitions.event_definition_by_name(9701, 'everything "quoted" \ é 😀') r;
SELECT event_definitions.event_definition_by_name(9701, 'nulls inside') -> 'owner' ->> 'first_name' AS owner_visible;
SELECT * FROM pg_temp.disagreements();
RESET SESSION AUTHORIZATION;
SELECT event_definitions.remove_project_member(9701, 9703) IS NOT NULL AS stranger_leaves;
SET SESSION AUTHORIZATION regress_render_writer;
SELECT event_definitions.event_definition_by_name(9701, 'nulls inside') -> 'owner' ->> 'first_name' AS owner_hidden_again;
RESET SESSION AUTHORIZATION;

-- a change rolled back is forgotten
BEGIN;
SELECT event_definitions.upsert_user('{"id": 9701, "first_name": "Temporary"}') ->> 'first_name' AS inside;
SELECT event_definitions.event_definition_by_name(9701, 'nulls inside') -> 'created_by' ->> 'first_name' AS seen_inside;
ROLLBACK;
SELECT event_definitions.event_definition_by_name(9701, 'nulls inside') -> 'created_by' ->> 'first_name' AS seen_after;

-- the policy depends on the current role: SET ROLE in the same session
-- (acting as Ada throughout) changes what is seen
SET ROLE regress_render_plain;
SELECT event_definitions.event_definition_by_name(9701, 'matrix') -> 'created_by' ->> 'first_name' AS plain_role_sees;
SET ROLE regress_render_admin;
SELECT event_definitions.event_definition_by_name(9701, 'matrix') -> 'created_by' ->> 'first_name' AS admin_role_sees;
SET ROLE regress_render_plain;
SELECT event_definitions.event_definition_by_name(9701, 'matrix') -> 'created_by' ->> 'first_name' AS plain_role_again;
RESET ROLE;

-- a caller's own operator earlier in its search_path is never called by
-- the rendering (its queries name pg_catalog's operators), and a call made
-- from inside rendering could not pull the kept user objects from under it
CREATE SCHEMA regress_render_evil;
CREATE FUNCTION regress_render_evil.int4eq_noisy(integer, integer) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE 'caller''s operator called';
	PERFORM set_config('event_definitions.user_id', '9702', true);
	RETURN $1 OPERATOR(pg_catalog.=) $2;
END
$$;
CREATE OPERATOR regress_render_evil.= (LEFTARG = integer, RIGHTARG = integer,
	FUNCTION = regress_render_evil.int4eq_noisy);
SET search_path = regress_render_evil, pg_catalog, public;
SET event_definitions.user_id = '9702';	-- another identity: user objects are read again
SELECT event_definitions.event_definition_by_name(9701, 'everything "quoted" \ é 😀') -> 'owner' ->> 'first_name' AS owner;
SELECT jsonb_array_length(event_definitions.list_event_definitions(9701) -> 'results') AS listed;
RESET search_path;
SET event_definitions.user_id = '9701';
-- the list's queries compare bigints with =: a caller's own operator runs
-- inside the outer list's query and makes 96 list calls of new shapes,
-- which must not replace the outer call's plans while it runs them
CREATE FUNCTION regress_render_evil.int8eq_busy(bigint, bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('regress_render.busy', true) IS DISTINCT FROM 'on' THEN
		PERFORM set_config('regress_render.busy', 'on', true);
		PERFORM event_definitions.list_event_definitions(9701, search => string_agg('t' || k, ' '),
														 exclude_hidden => h)
		FROM generate_series(1, 48) n, (VALUES (true), (false)) v(h), generate_series(1, n) k
		GROUP BY n, h;
		PERFORM set_config('regress_render.busy', 'off', true);
	END IF;
	RETURN $1 OPERATOR(pg_catalog.=) $2;
END
$$;
CREATE OPERATOR regress_render_evil.= (LEFTARG = bigint, RIGHTARG = bigint,
	FUNCTION = regress_render_evil.int8eq_busy);
SET search_path = regress_render_evil, pg_catalog, public;
SELECT jsonb_array_length(event_definitions.list_event_definitions(9701, search => 'quoted') -> 'results') AS listed_outer;
RESET search_path;
DROP SCHEMA regress_render_evil CASCADE;

DELETE FROM event_definitions_private.projects WHERE project_id IN (9701, 9702);
DELETE FROM event_definitions_private.users WHERE id IN (9701, 9702, 9703);
DROP ROLE regress_render_writer;
DROP ROLE regress_render_plain;
DROP ROLE regress_render_admin;
