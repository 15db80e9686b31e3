-- Reads never write: every read function and view works inside a READ ONLY
-- transaction and under default_transaction_read_only (what PostgREST GET
-- and hot-standby replicas give), and every write fails there with 25006
-- (PostgREST: 405).  Project 7201, user 7211 (writer login
-- regress_readonly_writer).
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_readonly_writer;
RESET client_min_messages;
\set VERBOSITY terse

CREATE ROLE regress_readonly_writer LOGIN;
GRANT event_definitions_writer TO regress_readonly_writer;
SELECT event_definitions.upsert_project(7201, 'Read only') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 7211, "first_name": "Rhea", "email": "rhea@example.com",
	"login_role": "regress_readonly_writer"}') ->> 'first_name' AS usr;
SELECT event_definitions.upsert_user('{"id": 7212, "first_name": "Nobody"}') ->> 'first_name' AS usr;
SELECT event_definitions.add_project_member(7201, 7211);
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, promoted_property, tags, created_at, last_seen_at, owner_id) VALUES
	(7201, '72010000-0000-4000-8000-000000000001', 'signup', 'plan', '{growth}', '2024-01-01Z', '2024-02-01Z', 7211),
	(7201, '72010000-0000-4000-8000-000000000002', 'checkout', NULL, '{}', '2024-01-02Z', '2024-02-02Z', NULL);
INSERT INTO event_definitions_private.property_groups (project_id, id, name) VALUES
	(7201, '72010000-0000-4000-8000-0000000000a1', 'Signup props');
INSERT INTO event_definitions_private.property_group_properties
	(project_id, property_group_id, name, property_type, is_required) VALUES
	(7201, '72010000-0000-4000-8000-0000000000a1', 'plan', 'String', true),
	(7201, '72010000-0000-4000-8000-0000000000a1', 'seats', 'Numeric', false);
INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id) VALUES
	(7201, '72010000-0000-4000-8000-000000000001', '72010000-0000-4000-8000-0000000000a1');
INSERT INTO event_definitions_private.event_usage VALUES (7201, 'signup', CURRENT_DATE, 4);
INSERT INTO event_definitions_private.activity_log (project_id, scope, item_id, activity, user_id, detail) VALUES
	(7201, 'EventDefinition', '72010000-0000-4000-8000-000000000001', 'created', 7211, '{"name": "signup", "changes": []}');

-- runs one call; the answer (a short text) or SQLSTATE and message
CREATE FUNCTION public.readonly_try(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	st text;
	msg text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok: ' || COALESCE(r, '<null>');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ' ' || msg;
END
$$;
CREATE TABLE public.readonly_calls (n int PRIMARY KEY, kind text, sql text);
GRANT SELECT ON public.readonly_calls TO PUBLIC;
INSERT INTO public.readonly_calls VALUES
	(1, 'read', $$SELECT string_agg(name, ',' ORDER BY name) FROM event_definitions.event_definitions WHERE project_id = 7201$$),
	(2, 'read', $$SELECT count(*) FROM event_definitions.activity_log WHERE project_id = 7201$$),
	(3, 'read', $$SELECT r ->> 'count' FROM event_definitions.list_event_definitions(7201, search => 'sign', tags => '["growth"]') r$$),
	(4, 'read', $$SELECT r ->> 'name' FROM event_definitions.retrieve_event_definition(7201, '72010000-0000-4000-8000-000000000001') r$$),
	(5, 'read', $$SELECT r ->> 'id' FROM event_definitions.event_definition_by_name(7201, 'checkout') r$$),
	(6, 'read', $$SELECT event_definitions.promoted_properties(7201, ARRAY['signup', 'checkout'])::text$$),
	(7, 'read', $$SELECT event_definitions.event_definition_metrics(7201, '72010000-0000-4000-8000-000000000001')::text$$),
	(8, 'read', $$SELECT r ->> 'event_count' FROM event_definitions.event_definitions_typescript(7201) r WHERE r ->> 'content' LIKE '%signup%'$$),
	(9, 'read', $$SELECT r ->> 'event_count' FROM event_definitions.event_definitions_python(7201) r WHERE r ->> 'content' LIKE '%signup%'$$),
	(10, 'read', $$SELECT r ->> 'event_count' FROM event_definitions.event_definitions_golang(7201) r WHERE r ->> 'content' LIKE '%Signup%'$$),
	(11, 'read', $$SELECT r ->> 'name' FROM event_definitions.retrieve_property_group(7201, '72010000-0000-4000-8000-0000000000a1') r$$),
	(12, 'read', $$SELECT r ->> 'count' FROM event_definitions.list_property_groups(7201) r$$),
	-- a read that fails still fails the same way (not with 25006)
	(13, 'read', $$SELECT event_definitions.retrieve_event_definition(7201, '72010000-0000-4000-8000-00000000ffff')::text$$),
	-- the generators' files of any size, in chunks
	(14, 'read', $$SELECT count(*) || ' ' || bool_or(content LIKE '%signup%') FROM event_definitions.event_definitions_typescript_chunks(7201, 100)$$),
	(15, 'read', $$SELECT count(*) || ' ' || bool_or(content LIKE '%signup%') FROM event_definitions.event_definitions_python_chunks(7201)$$),
	(16, 'read', $$SELECT count(*) || ' ' || bool_or(content LIKE '%Signup%') FROM event_definitions.event_definitions_golang_chunks(7201)$$),
	(20, 'write', $$SELECT event_definitions.create_event_definition(7201, '{"name": "new_one"}')::text$$),
	(21, 'write', $$SELECT event_definitions.update_event_definition(7201, '72010000-0000-4000-8000-000000000002', '{"description": "x"}')::text$$),
	(22, 'write', $$SELECT event_definitions.delete_event_definition(7201, '72010000-0000-4000-8000-000000000002')::text$$),
	(23, 'write', $$SELECT event_definitions.bulk_update_tags(7201, '{"ids": ["72010000-0000-4000-8000-000000000002"], "action": "add", "tags": ["t"]}')::text$$),
	(24, 'write', $$SELECT event_definitions.bulk_update_verified(7201, '{"ids": ["72010000-0000-4000-8000-000000000002"], "verified": true}')::text$$),
	(25, 'write', $$SELECT event_definitions.record_event_usage(7201, 'signup', 1)::text$$),
	(26, 'write', $$SELECT event_definitions.ingest_event(7201, 'signup', '{"plan": "pro"}')::text$$),
	(27, 'write', $$SELECT event_definitions.create_property_group(7201, '{"name": "Other"}')::text$$),
	(28, 'write', $$SELECT event_definitions.update_property_group(7201, '72010000-0000-4000-8000-0000000000a1', '{"description": "x"}')::text$$),
	(29, 'write', $$SELECT event_definitions.delete_property_group(7201, '72010000-0000-4000-8000-0000000000a1')::text$$),
	(30, 'write', $$SELECT event_definitions.add_event_schema(7201, '72010000-0000-4000-8000-000000000002', '72010000-0000-4000-8000-0000000000a1')::text$$),
	(31, 'write', $$SELECT event_definitions.remove_event_schema(7201, '72010000-0000-4000-8000-000000000001', '72010000-0000-4000-8000-0000000000a1')::text$$),
	(40, 'admin', $$SELECT event_definitions.upsert_project(7201, 'Renamed')::text$$),
	(41, 'admin', $$SELECT event_definitions.upsert_user('{"id": 7213, "first_name": "New"}')::text$$),
	(42, 'admin', $$SELECT event_definitions.add_project_member(7201, 7212)::text$$),
	(43, 'admin', $$SELECT event_definitions.remove_project_member(7201, 7211)::text$$);

-- what the reads answer in an ordinary transaction (the reference)
CREATE TABLE public.readonly_reference AS
SELECT n, public.readonly_try(sql) AS answer FROM public.readonly_calls WHERE kind = 'read';
GRANT SELECT ON public.readonly_reference TO PUBLIC;
SELECT n, answer FROM public.readonly_reference ORDER BY n;

-- ---------------------------------------------------------------- as the writer login
SELECT current_user AS superuser_name \gset
\c - regress_readonly_writer
\set VERBOSITY terse
BEGIN TRANSACTION READ ONLY;
SELECT c.n, c.kind, CASE WHEN c.kind = 'read' AND a.answer = r.answer THEN 'same as read-write' ELSE a.answer END AS answer
FROM public.readonly_calls c
CROSS JOIN LATERAL (SELECT public.readonly_try(c.sql) AS answer) a
LEFT JOIN public.readonly_reference r ON r.n = c.n
WHERE c.kind <> 'admin' ORDER BY c.n;
COMMIT;

SET default_transaction_read_only = on;
SELECT c.n, c.kind, CASE WHEN c.kind = 'read' AND a.answer = r.answer THEN 'same as read-write' ELSE a.answer END AS answer
FROM public.readonly_calls c
CROSS JOIN LATERAL (SELECT public.readonly_try(c.sql) AS answer) a
LEFT JOIN public.readonly_reference r ON r.n = c.n
WHERE c.kind <> 'admin' ORDER BY c.n;
-- a top-level write statement, not wrapped
SELECT event_definitions.create_event_definition(7201, '{"name": "direct"}');
RESET default_transaction_read_only;

-- ---------------------------------------------------------------- admin writes, as superuser
\c - :superuser_name
\set VERBOSITY terse
BEGIN TRANSACTION READ ONLY;
SELECT n, public.readonly_try(sql) AS answer FROM public.readonly_calls WHERE kind = 'admin' ORDER BY n;
COMMIT;

-- nothing was written by any of it
SELECT name, description, tags, verified FROM event_definitions_private.event_definitions
WHERE project_id = 7201 ORDER BY name;
SELECT count(*) AS usage_rows, sum(count) AS usage FROM event_definitions_private.event_usage WHERE project_id = 7201;
SELECT count(*) AS groups FROM event_definitions_private.property_groups WHERE project_id = 7201;
SELECT count(*) AS schemas FROM event_definitions_private.event_schemas WHERE project_id = 7201;
SELECT count(*) AS log_entries_still_one FROM event_definitions_private.activity_log WHERE project_id = 7201;
SELECT name FROM event_definitions_private.projects WHERE project_id = 7201;
SELECT count(*) AS users FROM event_definitions_private.users WHERE id = 7213;
SELECT user_id FROM event_definitions_private.project_members WHERE project_id = 7201 ORDER BY user_id;

-- the read functions are declared STABLE, the writes VOLATILE (PostgREST picks
-- the transaction access mode of a POST from the volatility)
SELECT c.kind, p.provolatile, string_agg(DISTINCT p.proname, ', ' ORDER BY p.proname) AS functions
FROM pg_proc p
JOIN public.readonly_calls c ON c.sql LIKE '%event_definitions.' || p.proname || '(%'
WHERE p.pronamespace = 'event_definitions'::regnamespace
GROUP BY c.kind, p.provolatile ORDER BY c.kind, p.provolatile;

DROP TABLE public.readonly_calls, public.readonly_reference;
DROP FUNCTION public.readonly_try(text);
DELETE FROM event_definitions_private.projects WHERE project_id = 7201;
DELETE FROM event_definitions_private.users WHERE id IN (7211, 7212);
DROP ROLE regress_readonly_writer;
