-- Attack: flooding and forging the server log through error messages.  A
-- user's value is echoed in a message only as a short prefix (64
-- characters, then "..."), with control characters escaped, so ten
-- megabytes of name cost a line of log and a newline cannot start a forged
-- line.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try.psql
SELECT event_definitions.upsert_project(9901, 'Log') ->> 'name' AS project;
SET event_definitions.user_id = '';
SELECT event_definitions.create_event_definition(9901, json_build_object('name', repeat('n', 400))) ->> 'id' IS NOT NULL AS created;

-- how long an error's message and detail are, and whether either has a control character
CREATE FUNCTION pg_temp.message_of(sql text) RETURNS TABLE (sqlstate text, message_length int, detail_length int,
															control_characters boolean, message text)
LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text;
BEGIN
	EXECUTE sql;
	RETURN QUERY SELECT 'ok', 0, 0, false, '';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN QUERY SELECT st, length(msg), length(det), (msg || det) ~ '[[:cntrl:]]', msg;
END $$;

SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.event_definition_by_name(9901, %L)', repeat('x', 10000000)));
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.event_definition_by_name(9901, %L)',
	E'ok\nLOG:  forged line\r\t\x01' || repeat('y', 100)));
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.create_event_definition(9901, %L)',
	json_build_object('name', repeat('n', 400))));
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.create_event_definition(9901, %L)',
	json_build_object('name', 'x', 'enforcement_mode', E'bad\nLOG:  forged' || repeat('z', 2000000))));
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.create_event_definition(9901, %L)',
	json_build_object('name', 'x', 'owner', repeat('9', 2000000))));
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.bulk_update_tags(9901, %L)',
	json_build_object('ids', json_build_array(gen_random_uuid()), 'action', repeat('a', 2000000), 'tags', '[]'::json)));
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.create_property_group(9901, %L)',
	json_build_object('name', 'g', 'properties', json_build_array(
		json_build_object('name', E'p\n' || repeat('p', 300), 'property_type', 'String'),
		json_build_object('name', E'p\n' || repeat('p', 300), 'property_type', 'String')))));
-- jansson's message quotes the input near the error: a control character inside a string
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.create_event_definition(9901, %L)',
	'{"name": "x", "description": "' || repeat('t', 100) || E'\nLOG:  forged"}'));
SELECT * FROM pg_temp.message_of(format('SELECT event_definitions.upsert_user(%L)',
	json_build_object('id', 9911, 'login_role', E'no\nsuch role')));
SET event_definitions.user_id = E' 7\nLOG:  forged';
SELECT * FROM pg_temp.message_of('SELECT event_definitions.list_event_definitions(9901)');
RESET event_definitions.user_id;

DELETE FROM event_definitions_private.activity_log WHERE project_id = 9901;
DELETE FROM event_definitions_private.event_definitions WHERE project_id = 9901;
DELETE FROM event_definitions_private.projects WHERE project_id = 9901;
