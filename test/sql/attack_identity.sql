-- Attack: a gateway's JWT claims (or the user_id setting) that spell a user
-- id loosely.  Only a canonical integer (a JSON number, or a string of
-- digits with an optional minus sign and no leading zero) names a user;
-- anything else is an error, never another spelling of an existing user.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_identity_gw;
RESET client_min_messages;
SELECT current_user AS superuser_name \gset
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try.psql
CREATE ROLE regress_identity_gw LOGIN IN ROLE event_definitions_gateway, event_definitions_reader;
SELECT event_definitions.upsert_project(9931, 'Identity') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 2, "first_name": "Two"}') ->> 'id' AS user_two;
SELECT event_definitions.add_project_member(9931, 2);
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO regress_identity_gw;

\c - regress_identity_gw
CREATE FUNCTION pg_temp.as_claim(claim text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text; st text; msg text;
BEGIN
	PERFORM set_config('request.jwt.claims', '{"role": "event_definitions_reader", "user_id": ' || claim || '}', true);
	r := event_definitions.list_event_definitions(9931) ->> 'count';
	RETURN 'sees project: ' || r;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ': ' || msg;
END $$;
SELECT claim, pg_temp.as_claim(claim) AS outcome
FROM (VALUES ('2'), ('"2"'), ('" 2"'), ('"+2"'), ('"02"'), ('"2 "'), ('"2.0"'), ('2.0'), ('"0x2"'),
			 ('"-0"'), ('"99999999999"'), ('true'), ('null'), ('"3"')) AS c(claim);
-- the setting, for a gateway without claims
SET event_definitions.user_id = '+2';
SELECT event_definitions.list_event_definitions(9931) ->> 'count' AS plus_two;
SET event_definitions.user_id = '2';
SELECT event_definitions.list_event_definitions(9931) ->> 'count' AS two;

\c - :superuser_name
DELETE FROM event_definitions_private.projects WHERE project_id = 9931;
DELETE FROM event_definitions_private.users WHERE id = 2;
DROP ROLE regress_identity_gw;
