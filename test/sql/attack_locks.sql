-- Attack: a writer (and a reader) of one project tries to stall every
-- project by locking the extension's tables.  The roles hold no write
-- privilege on the tables at all (writes run as the extension's owner),
-- so no lock stronger than a reader's ACCESS SHARE can be taken, no row
-- can be locked, and nothing can be written or truncated directly.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_locks_writer, regress_locks_reader;
RESET client_min_messages;
SELECT current_user AS superuser_name \gset
CREATE ROLE regress_locks_writer LOGIN IN ROLE event_definitions_writer;
CREATE ROLE regress_locks_reader LOGIN IN ROLE event_definitions_reader;
SELECT event_definitions.upsert_project(9701, 'Locks') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 9711, "first_name": "W", "login_role": "regress_locks_writer"}') ->> 'id' AS writer,
	   event_definitions.upsert_user('{"id": 9712, "first_name": "R", "login_role": "regress_locks_reader"}') ->> 'id' AS reader;
SELECT event_definitions.add_project_member(9701, 9711), event_definitions.add_project_member(9701, 9712);
SET event_definitions.user_id = '9711';
SELECT event_definitions.create_event_definition(9701, '{"name": "signup"}') ->> 'name' AS created;
RESET event_definitions.user_id;

-- every table, every lock mode above ACCESS SHARE, row locks, writes, TRUNCATE
CREATE FUNCTION public.regress_locks_attempts() RETURNS TABLE (attempt text, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
	t text;
	m text;
	s text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c
			 WHERE c.relnamespace = 'event_definitions_private'::regnamespace AND c.relkind = 'r'
			 ORDER BY c.relname LOOP
		FOREACH m IN ARRAY ARRAY['ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE',
								 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'] LOOP
			BEGIN
				EXECUTE format('LOCK TABLE event_definitions_private.%I IN %s MODE NOWAIT', t, m);
				attempt := t || ' ' || m; outcome := 'locked'; RETURN NEXT;
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE;
				IF s <> '42501' THEN attempt := t || ' ' || m; outcome := s; RETURN NEXT; END IF;
			END;
		END LOOP;
		FOREACH m IN ARRAY ARRAY['SELECT 1 FROM event_definitions_private.%I FOR KEY SHARE',
								 'SELECT 1 FROM event_definitions_private.%I FOR UPDATE',
								 'DELETE FROM event_definitions_private.%I',
								 'TRUNCATE event_definitions_private.%I'] LOOP
			BEGIN
				EXECUTE format(m, t);
				attempt := format(m, t); outcome := 'done'; RETURN NEXT;
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE;
				IF s <> '42501' THEN attempt := format(m, t); outcome := s; RETURN NEXT; END IF;
			END;
		END LOOP;
	END LOOP;
	attempt := 'every attempt refused with 42501'; outcome := 'checked'; RETURN NEXT;
END $$;
GRANT EXECUTE ON FUNCTION public.regress_locks_attempts() TO PUBLIC;

\c - regress_locks_writer
BEGIN;
SELECT * FROM public.regress_locks_attempts();
-- what a writer holds afterwards: nothing but ACCESS SHARE on the tables it read
SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'event_definitions_private'::regnamespace
  AND l.mode <> 'AccessShareLock'
ORDER BY 1, 2;
COMMIT;
-- its API writes still work
SELECT event_definitions.update_event_definition(9701,
	(SELECT id FROM event_definitions.event_definitions WHERE project_id = 9701 AND name = 'signup'),
	'{"description": "still writable"}') ->> 'description' AS updated;

\c - regress_locks_reader
BEGIN;
SELECT * FROM public.regress_locks_attempts();
COMMIT;

\c - :superuser_name
SELECT count(*) AS definitions, string_agg(description, ',') AS descriptions
FROM event_definitions_private.event_definitions WHERE project_id = 9701;
DROP FUNCTION public.regress_locks_attempts();
DELETE FROM event_definitions_private.projects WHERE project_id = 9701;
DELETE FROM event_definitions_private.users WHERE id IN (9711, 9712);
DROP ROLE regress_locks_writer, regress_locks_reader;
