-- Attack: the governance surface of 1.3 (project settings, naming
-- violations, value rules, unplanned events, the violations log, tracking
-- plans, bulk delete) under real logins: a reader of project 9541, a
-- writer of 9541 (whose neighbour 9542 it may not see), a login with no
-- role of the extension.  Every refused attack leaves both projects as
-- they were (a digest of every governance row); a project the caller
-- cannot see answers exactly as a missing one (9549); messages quote at
-- most a short escaped prefix of a value; hostile JSON answers 400 or 413
-- with bounded memory; example payloads of the violations log and what
-- one ingestion call keeps and answers stay bounded however large the
-- values, the groups and the batch.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_gov_writer, regress_gov_reader, regress_gov_other, regress_gov_nobody;
RESET client_min_messages;
SELECT current_user AS superuser_name \gset
CREATE ROLE regress_gov_writer LOGIN IN ROLE event_definitions_writer;
CREATE ROLE regress_gov_reader LOGIN IN ROLE event_definitions_reader;
CREATE ROLE regress_gov_other LOGIN IN ROLE event_definitions_writer;
CREATE ROLE regress_gov_nobody LOGIN;
SELECT event_definitions.upsert_project(9541, 'Governed') ->> 'name' AS a,
	   event_definitions.upsert_project(9542, 'Neighbour') ->> 'name' AS b;
SELECT event_definitions.upsert_user('{"id": 9551, "first_name": "Wes", "email": "wes@example.com", "login_role": "regress_gov_writer"}') ->> 'id' AS writer,
	   event_definitions.upsert_user('{"id": 9552, "first_name": "Rae", "email": "rae@example.com", "login_role": "regress_gov_reader"}') ->> 'id' AS reader,
	   event_definitions.upsert_user('{"id": 9553, "first_name": "Nel", "email": "nel@example.com", "login_role": "regress_gov_other"}') ->> 'id' AS other;
SELECT event_definitions.add_project_member(9541, 9551), event_definitions.add_project_member(9541, 9552),
	   event_definitions.add_project_member(9542, 9553);

-- the fixture, through the API as each project's writer: a name from
-- before the naming rule, settings, a group with rules attached to an
-- event, a violation with its example
SET event_definitions.user_id = '9551';
SELECT event_definitions.create_event_definition(9541, '{"name": "Legacy A"}') ->> 'name' AS a1,
	   event_definitions.update_project_settings(9541, '{"event_name_pattern": "^[a-z_]+$", "violation_examples": 3}') ->> 'event_name_pattern' AS a2,
	   event_definitions.create_event_definition(9541, '{"name": "a_event"}') ->> 'name' AS a3,
	   event_definitions.create_property_group(9541, '{"name": "AG", "properties": [
		{"name": "plan", "property_type": "String", "is_required": true, "rules": {"enum": ["free", "pro"]}}]}') ->> 'name' AS a4;
SELECT event_definitions.add_event_schema(9541, d.id, g.id) IS NOT NULL AS a5
FROM event_definitions_private.event_definitions d, event_definitions_private.property_groups g
WHERE d.project_id = 9541 AND d.name = 'a_event' AND g.project_id = 9541 AND g.name = 'AG';
SELECT event_definitions.ingest_event(9541, 'a_event', '{"plan": "gold"}', '2024-05-01T00:00:00Z') ->> 'accepted' AS a6;
SET event_definitions.user_id = '9553';
SELECT event_definitions.create_event_definition(9542, '{"name": "B Secret Name"}') ->> 'name' AS b1,
	   event_definitions.update_project_settings(9542, '{"event_name_pattern": "^b_[a-z]+$", "unplanned_events": "flag",
		"violation_examples": 2}') ->> 'unplanned_events' AS b2,
	   event_definitions.create_event_definition(9542, '{"name": "b_secret"}') ->> 'name' AS b3,
	   event_definitions.create_property_group(9542, '{"name": "BG", "properties": [
		{"name": "b_prop", "property_type": "Numeric", "is_required": true, "rules": {"minimum": 0}}]}') ->> 'name' AS b4;
SELECT event_definitions.add_event_schema(9542, d.id, g.id) IS NOT NULL AS b5
FROM event_definitions_private.event_definitions d, event_definitions_private.property_groups g
WHERE d.project_id = 9542 AND d.name = 'b_secret' AND g.project_id = 9542 AND g.name = 'BG';
SELECT event_definitions.ingest_event(9542, 'b_secret', '{"b_prop": -1, "secret": "B''s payload"}', '2024-05-01T00:00:00Z') ->> 'accepted' AS b6;
RESET event_definitions.user_id;

-- a digest of every governance row of both projects (for the superuser)
CREATE FUNCTION public.regress_gov_state() RETURNS text LANGUAGE sql AS $$
	SELECT md5(concat_ws('|',
		(SELECT string_agg(s::text, ',' ORDER BY s.project_id) FROM event_definitions_private.project_settings s
		 WHERE s.project_id IN (9541, 9542)),
		(SELECT string_agg(d::text, ',' ORDER BY d.project_id, d.name) FROM event_definitions_private.event_definitions d
		 WHERE d.project_id IN (9541, 9542)),
		(SELECT string_agg(g::text, ',' ORDER BY g.project_id, g.name) FROM event_definitions_private.property_groups g
		 WHERE g.project_id IN (9541, 9542)),
		(SELECT string_agg(p::text, ',' ORDER BY p.project_id, p.property_group_id, p.name)
		 FROM event_definitions_private.property_group_properties p WHERE p.project_id IN (9541, 9542)),
		(SELECT string_agg(s::text, ',' ORDER BY s.project_id, s.event_definition_id, s.property_group_id)
		 FROM event_definitions_private.event_schemas s WHERE s.project_id IN (9541, 9542)),
		(SELECT string_agg(v::text, ',' ORDER BY v.project_id, v.event, v.property, v.violation, v.shard)
		 FROM event_definitions_private.ingestion_violations v WHERE v.project_id IN (9541, 9542)),
		(SELECT count(*) FROM event_definitions_private.activity_log l WHERE l.project_id IN (9541, 9542)),
		(SELECT sum(c.n) FROM event_definitions_private.definition_counts c WHERE c.project_id IN (9541, 9542)),
		(SELECT string_agg(m::text, ',' ORDER BY m.project_id, m.user_id) FROM event_definitions_private.project_members m
		 WHERE m.project_id IN (9541, 9542))))
$$;
SELECT public.regress_gov_state() AS state \gset

-- helpers every login may call: try() shows 'ok' or SQLSTATE and message;
-- as_missing() runs a call (%s: the project) on 9542 and on the missing
-- 9549 and shows the answer, the project masked, and whether both are the same
CREATE FUNCTION public.regress_gov_try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text; st text; msg text;
BEGIN
	EXECUTE sql INTO r;
	RETURN 'ok ' || COALESCE(r, '');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ' ' || msg;
END $$;
CREATE FUNCTION public.regress_gov_as_missing(call text, OUT answer text, OUT same_as_missing boolean)
LANGUAGE plpgsql AS $$
DECLARE
	missing text;
BEGIN
	answer := replace(public.regress_gov_try(format(call, 9542)), '9542', 'N');
	missing := replace(public.regress_gov_try(format(call, 9549)), '9549', 'N');
	same_as_missing := answer = missing;
END $$;
-- an error's SQLSTATE, its message's and detail's lengths, and whether they have a control character
CREATE FUNCTION public.regress_gov_message(sql text, OUT state text, OUT message_length int, OUT detail_length int,
										   OUT control_characters boolean, OUT message text)
LANGUAGE plpgsql AS $$
DECLARE
	msg text; det text;
BEGIN
	EXECUTE sql;
	state := 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	message_length := length(msg);
	detail_length := length(det);
	control_characters := (msg || det) ~ '[[:cntrl:]]';
	message := left(msg, 100);
END $$;
-- the same with $1 bound to arg (no copy of a large argument in a query text)
CREATE FUNCTION public.regress_gov_try_arg(sql text, arg anyelement) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text;
BEGIN
	EXECUTE sql USING arg;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ' ' || left(msg, 120);
END $$;
-- the calling backend's peak resident memory, in kB
CREATE FUNCTION public.regress_gov_peak_kb() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
$$;
GRANT EXECUTE ON FUNCTION public.regress_gov_try(text), public.regress_gov_as_missing(text),
	public.regress_gov_message(text), public.regress_gov_try_arg(text, anyelement), public.regress_gov_peak_kb() TO PUBLIC;
-- direct access to the governance tables: every lock above ACCESS SHARE,
-- row locks, writes; anything but 42501 is listed
CREATE FUNCTION public.regress_gov_table_attempts() RETURNS TABLE (attempt text, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
	t text; m text; s text;
BEGIN
	FOREACH t IN ARRAY ARRAY['project_settings', 'ingestion_violations', 'definition_counts'] LOOP
		FOREACH m IN ARRAY ARRAY['LOCK TABLE event_definitions_private.%I IN ROW EXCLUSIVE MODE NOWAIT',
								 'LOCK TABLE event_definitions_private.%I IN SHARE MODE NOWAIT',
								 'LOCK TABLE event_definitions_private.%I IN ACCESS EXCLUSIVE MODE NOWAIT',
								 'SELECT 1 FROM event_definitions_private.%I FOR UPDATE',
								 'SELECT 1 FROM event_definitions_private.%I FOR KEY SHARE',
								 'INSERT INTO event_definitions_private.%I SELECT * FROM event_definitions_private.%1$I',
								 'UPDATE event_definitions_private.%I SET project_id = project_id',
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
GRANT EXECUTE ON FUNCTION public.regress_gov_table_attempts() TO PUBLIC;
-- the neighbour's ids, for the attacks
SELECT json_agg(id ORDER BY name)::text AS b_ids FROM event_definitions_private.event_definitions WHERE project_id = 9542 \gset
SELECT id AS b_event_id FROM event_definitions_private.event_definitions WHERE project_id = 9542 AND name = 'b_secret' \gset
SELECT id AS b_group_id FROM event_definitions_private.property_groups WHERE project_id = 9542 AND name = 'BG' \gset

-- ---------------------------------------------------------------- the reader of 9541
\c - regress_gov_reader
-- it reads its project's governance
SELECT event_definitions.project_settings(9541) ->> 'event_name_pattern' AS settings,
	   event_definitions.naming_violations(9541) -> 'events' AS naming,
	   length(event_definitions.export_tracking_plan(9541) ->> 'base_hash') AS export_hash,
	   event_definitions.diff_tracking_plan(9541, event_definitions.export_tracking_plan(9541)::json) ->> 'unchanged' AS diff_unchanged;
SELECT project_id, event, property, violation, count FROM event_definitions.ingestion_violations ORDER BY 1, 2, 3, 4;
-- and changes none of it
SELECT public.regress_gov_try($$SELECT event_definitions.update_project_settings(9541, '{"event_name_pattern": null}')$$) AS update_settings;
SELECT public.regress_gov_try($$SELECT event_definitions.apply_tracking_plan(9541, '{"version": 1}', prune => true)$$) AS apply_prune;
SELECT public.regress_gov_try(format('SELECT event_definitions.bulk_delete_event_definitions(9541, %L)',
	json_build_object('ids', (SELECT json_agg(id) FROM event_definitions.event_definitions WHERE project_id = 9541)))) AS bulk_delete;
SELECT public.regress_gov_try($$SELECT event_definitions.ingest_event(9541, 'a_event', '{"plan": "x"}')$$) AS ingest_event;
SELECT public.regress_gov_try($$SELECT event_definitions.ingest_events(9541, '[{"event": "a_event"}]')$$) AS ingest_events;
SELECT * FROM public.regress_gov_table_attempts();
-- the neighbour's project is as missing as 9549
SELECT call, (public.regress_gov_as_missing(call)).* FROM (VALUES
	('SELECT event_definitions.project_settings(%s)'),
	('SELECT event_definitions.naming_violations(%s)'),
	('SELECT event_definitions.export_tracking_plan(%s)'),
	('SELECT event_definitions.diff_tracking_plan(%s, ''{"version": 1}'')')) AS c(call);
-- its rows are nowhere to be read
SELECT DISTINCT project_id FROM event_definitions.ingestion_violations
UNION SELECT DISTINCT project_id FROM event_definitions_private.ingestion_violations
UNION SELECT DISTINCT project_id FROM event_definitions_private.project_settings ORDER BY 1;
\c - :superuser_name
SELECT public.regress_gov_state() = :'state' AS reader_changed_nothing;

-- ---------------------------------------------------------------- the writer of 9541
\c - regress_gov_writer
-- every governance call on the neighbour answers as for a missing project
SELECT regexp_replace(call, '\(%s, ''\{"ids".*--', '(%s, ...') AS call, (public.regress_gov_as_missing(call)).* FROM (VALUES
	('SELECT event_definitions.project_settings(%s)'),
	('SELECT event_definitions.update_project_settings(%s, ''{"event_name_pattern": null, "unplanned_events": "allow"}'')'),
	('SELECT event_definitions.naming_violations(%s)'),
	('SELECT event_definitions.export_tracking_plan(%s)'),
	('SELECT event_definitions.diff_tracking_plan(%s, ''{"version": 1}'')'),
	('SELECT event_definitions.apply_tracking_plan(%s, ''{"version": 1}'', prune => true)'),
	('SELECT event_definitions.apply_tracking_plan(%s, ''{"version": 1, "settings": {"violation_examples": 100}}'')'),
	('SELECT event_definitions.bulk_delete_event_definitions(%s, ' || quote_literal(json_build_object('ids', :'b_ids'::json)) || ') -- the ids of 9542'),
	('SELECT event_definitions.ingest_event(%s, ''b_secret'', ''{"b_prop": -5}'')'),
	('SELECT event_definitions.ingest_events(%s, ''[{"event": "b_secret", "properties": {"b_prop": -5}}, {"event": "b_new"}]'')')) AS c(call);
-- the neighbour's ids in a request for its own project: not found, nothing deleted
SELECT event_definitions.bulk_delete_event_definitions(9541, json_build_object('ids', :'b_ids'::json)) -> 'deleted' AS deleted,
	   jsonb_array_length(event_definitions.bulk_delete_event_definitions(9541, json_build_object('ids', :'b_ids'::json)) -> 'skipped') AS skipped;
-- the neighbour's definition, group and violations through the helpers a reader may run: nothing of it
SELECT event_definitions_private.plan_event(jsonb_populate_record(NULL::event_definitions_private.event_definitions,
	jsonb_build_object('project_id', 9542, 'id', :'b_event_id', 'name', 'b_secret', 'owner_id', 9553, 'tags', '{}'::text[],
					   'enforcement_mode', 'allow', 'hidden', false, 'verified', false))) AS fabricated_row;
SELECT event_definitions_private.property_group_object(9542, :'b_group_id') AS group_object,
	   event_definitions_private.property_group_snapshot(9542, :'b_group_id') AS group_snapshot;
SELECT DISTINCT project_id FROM event_definitions.ingestion_violations
UNION SELECT DISTINCT project_id FROM event_definitions_private.ingestion_violations
UNION SELECT DISTINCT project_id FROM event_definitions_private.project_settings ORDER BY 1;
SELECT e ->> 'secret' AS b_payload FROM event_definitions.ingestion_violations v, jsonb_array_elements(v.examples) e
WHERE e -> 'properties' ? 'secret';
-- its own names only, in its naming violations
SELECT event_definitions.naming_violations(9541) -> 'events' AS own_naming;
-- no lock, row lock or write of the governance tables
BEGIN;
SELECT * FROM public.regress_gov_table_attempts();
SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'event_definitions_private'::regnamespace
  AND l.mode <> 'AccessShareLock' ORDER BY 1, 2;
COMMIT;
\c - :superuser_name
SELECT public.regress_gov_state() = :'state' AS writer_changed_nothing;

-- ---------------------------------------------------------------- a login without a role
\c - regress_gov_nobody
SELECT call, public.regress_gov_try(call) AS answer FROM (VALUES
	('SELECT event_definitions.project_settings(9541)'),
	('SELECT event_definitions.update_project_settings(9541, ''{}'')'),
	('SELECT event_definitions.naming_violations(9541)'),
	('SELECT event_definitions.export_tracking_plan(9541)'),
	('SELECT event_definitions.diff_tracking_plan(9541, ''{"version": 1}'')'),
	('SELECT event_definitions.apply_tracking_plan(9541, ''{"version": 1}'')'),
	('SELECT event_definitions.bulk_delete_event_definitions(9541, ''{"ids": []}'')'),
	('SELECT event_definitions.ingest_events(9541, ''[]'')'),
	('SELECT count(*) FROM event_definitions.ingestion_violations'),
	('SELECT count(*) FROM event_definitions_private.project_settings'),
	('SELECT event_definitions_private.first_examples(ARRAY[''[1]''::jsonb], 1)')) AS c(call);
\c - :superuser_name
SELECT public.regress_gov_state() = :'state' AS nobody_changed_nothing;

-- ---------------------------------------------------------------- messages quote values short and escaped
\c - regress_gov_writer
SELECT attack, (public.regress_gov_message(call)).* FROM (VALUES
	('plan: unknown key', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, E'key\nLOG:  forged' || repeat('k', 5000), 1))),
	('plan: unknown key of an event', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'events', json_build_array(json_build_object('name', 'x', E'key\nLOG:  forged' || repeat('k', 5000), 1))))),
	('plan: unknown key of a group', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'property_groups', json_build_array(json_build_object('name', 'g', E'key\nLOG:  forged' || repeat('k', 5000), 1))))),
	('plan: unknown key of the settings', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'settings', json_build_object(E'key\nLOG:  forged' || repeat('k', 5000), 1)))),
	('plan: an event twice', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'events', json_build_array(json_build_object('name', E'n\nLOG:  forged' || repeat('n', 380)),
																   json_build_object('name', E'n\nLOG:  forged' || repeat('n', 380)))))),
	('plan: an unknown group', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'events', json_build_array(json_build_object('name', 'x',
			'property_groups', json_build_array(E'g\nLOG:  forged' || repeat('g', 380))))))),
	('plan: an unknown owner', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'events', json_build_array(json_build_object('name', 'x',
			'owner', E'o\nLOG:  forged' || repeat('o', 200) || '@x.io'))))),
	('plan: a stale base_hash', format('SELECT event_definitions.apply_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'base_hash', E'h\nLOG:  forged' || repeat('h', 50)))),
	('plan: a name against the pattern', format('SELECT event_definitions.diff_tracking_plan(9541, %L)',
		json_build_object('version', 1, 'settings', json_build_object('event_name_pattern', E'^a\n' || repeat('a', 900) || '$'),
						  'events', json_build_array(json_build_object('name', E'N\nLOG:  forged' || repeat('N', 380)))))),
	('settings: an invalid pattern', format('SELECT event_definitions.update_project_settings(9541, %L)',
		json_build_object('event_name_pattern', E'(\nLOG:  forged' || repeat('p', 900)))),
	('settings: a long pattern', format('SELECT event_definitions.update_project_settings(9541, %L)',
		json_build_object('property_name_pattern', E'\nLOG:  forged' || repeat('p', 2000000)))),
	('settings: an unknown choice', format('SELECT event_definitions.update_project_settings(9541, %L)',
		json_build_object('unplanned_events', E'x\nLOG:  forged' || repeat('u', 2000000)))),
	('settings: not an integer', format('SELECT event_definitions.update_project_settings(9541, %L)',
		json_build_object('violation_examples', E'7\nLOG:  forged' || repeat('7', 2000000)))),
	('create: a name against the pattern', format('SELECT event_definitions.create_event_definition(9541, %L)',
		json_build_object('name', E'N\nLOG:  forged' || repeat('N', 380)))),
	('rules: an unknown keyword', format('SELECT event_definitions.create_property_group(9541, %L)',
		json_build_object('name', 'g', 'properties', json_build_array(json_build_object('name', 'p', 'property_type', 'String',
			'rules', json_build_object(E'k\nLOG:  forged' || repeat('k', 2000000), 1)))))),
	('rules: an invalid pattern', format('SELECT event_definitions.create_property_group(9541, %L)',
		json_build_object('name', 'g', 'properties', json_build_array(json_build_object('name', 'p', 'property_type', 'String',
			'rules', json_build_object('pattern', E'[\nLOG:  forged' || repeat('r', 900))))))),
	('rules: a long pattern', format('SELECT event_definitions.create_property_group(9541, %L)',
		json_build_object('name', 'g', 'properties', json_build_array(json_build_object('name', 'p', 'property_type', 'String',
			'rules', json_build_object('pattern', E'\nLOG:  forged' || repeat('r', 2000000))))))),
	('rules: an unknown format', format('SELECT event_definitions.create_property_group(9541, %L)',
		json_build_object('name', 'g', 'properties', json_build_array(json_build_object('name', 'p', 'property_type', 'String',
			'rules', json_build_object('format', E'f\nLOG:  forged' || repeat('f', 2000000))))))),
	('ingest: a long name', format('SELECT event_definitions.ingest_events(9541, %L)',
		json_build_array(json_build_object('event', E'e\nLOG:  forged' || repeat('e', 2000000))))),
	('ingest: a bad timestamp', format('SELECT event_definitions.ingest_events(9541, %L)',
		json_build_array(json_build_object('event', 'a_event', 'timestamp', E't\nLOG:  forged' || repeat('t', 2000000))))),
	('bulk delete: a bad id (skipped, not found)', format('SELECT event_definitions.bulk_delete_event_definitions(9541, %L)',
		json_build_object('ids', json_build_array(E'i\nLOG:  forged' || repeat('i', 2000000)))))
	) AS a(attack, call);
\c - :superuser_name
SELECT public.regress_gov_state() = :'state' AS messages_changed_nothing;

-- ---------------------------------------------------------------- hostile JSON: 400 or 413, bounded memory
-- (the arguments are made by another backend)
CREATE TABLE public.regress_gov_args (n int, attack text, call text, arg text);
INSERT INTO public.regress_gov_args VALUES
	(1, 'plan nested 3,000 deep', 'SELECT event_definitions.diff_tracking_plan(9541, $1::json)',
		'{"version": 1, "events": ' || repeat('[', 3000) || repeat(']', 3000) || '}'),
	(2, 'rules nested 3,000 deep', 'SELECT event_definitions.create_property_group(9541, $1::json)',
		'{"name": "g", "properties": [{"name": "p", "property_type": "String", "rules": {"enum": '
		|| repeat('[', 3000) || repeat(']', 3000) || '}}]}'),
	(3, 'settings nested 3,000 deep', 'SELECT event_definitions.update_project_settings(9541, $1::json)',
		'{"event_name_pattern": ' || repeat('[', 3000) || repeat(']', 3000) || '}'),
	(4, 'plan: a key twice', 'SELECT event_definitions.apply_tracking_plan(9541, $1::json)',
		'{"version": 1, "settings": {"violation_examples": 0}, "settings": {"violation_examples": 100}}'),
	(5, 'plan: an event''s key twice', 'SELECT event_definitions.apply_tracking_plan(9541, $1::json)',
		'{"version": 1, "events": [{"name": "a_event", "name": "Legacy A"}]}'),
	(6, 'rules: a keyword twice', 'SELECT event_definitions.create_property_group(9541, $1::json)',
		'{"name": "g", "properties": [{"name": "p", "property_type": "String", "rules": {"enum": ["a"], "enum": ["b"]}}]}'),
	(7, 'settings: a key twice', 'SELECT event_definitions.update_project_settings(9541, $1::json)',
		'{"violation_examples": 0, "violation_examples": 100}'),
	(8, 'plan of 600,000 values', 'SELECT event_definitions.diff_tracking_plan(9541, $1::json)',
		json_build_object('version', 1, 'events', json_build_array(json_build_object('name', 'x',
			'tags', (SELECT json_agg(g % 10) FROM generate_series(1, 600000) g))))::text),
	(9, 'plan of 17 MB', 'SELECT event_definitions.apply_tracking_plan(9541, $1::json)',
		json_build_object('version', 1, 'settings', json_build_object('event_name_pattern', repeat('x', 17000000)))::text),
	(10, 'rules: an enum of 1,001 values', 'SELECT event_definitions.create_property_group(9541, $1::json)',
		json_build_object('name', 'g', 'properties', json_build_array(json_build_object('name', 'p', 'property_type', 'String',
			'rules', json_build_object('enum', (SELECT json_agg('v' || g) FROM generate_series(1, 1001) g)))))::text),
	(11, 'rules: an enum of 200,000 values', 'SELECT event_definitions.create_property_group(9541, $1::json)',
		json_build_object('name', 'g', 'properties', json_build_array(json_build_object('name', 'p', 'property_type', 'String',
			'rules', json_build_object('enum', (SELECT json_agg(g) FROM generate_series(1, 200000) g)))))::text),
	(12, 'settings of 3 MB', 'SELECT event_definitions.update_project_settings(9541, $1::json)',
		json_build_object('event_name_pattern', repeat('x', 3000000))::text),
	(13, 'a batch of 10,001 events', 'SELECT event_definitions.ingest_events(9541, $1::jsonb)',
		(SELECT jsonb_agg(jsonb_build_object('event', 'a_event')) FROM generate_series(1, 10001))::text),
	(14, 'a batch of 36 MB', 'SELECT event_definitions.ingest_events(9541, $1::jsonb)',
		(SELECT jsonb_agg(jsonb_build_object('event', 'a_event', 'properties', jsonb_build_object('pad', repeat('x', 4000))))
		 FROM generate_series(1, 9000))::text);
GRANT SELECT ON public.regress_gov_args TO PUBLIC;
\c - regress_gov_writer
SELECT public.regress_gov_peak_kb() AS start_kb \gset
SELECT n, attack, public.regress_gov_try_arg(call, arg) AS answer FROM public.regress_gov_args
WHERE n <= 12 AND n <> 9 ORDER BY n;
SELECT public.regress_gov_peak_kb() - :start_kb < 32 * 1024 AS hostile_json_peak_under_32mb;
-- (arguments of many megabytes: PostgreSQL copies and reads a json or
-- jsonb argument before the call, which refuses it by its size)
SELECT n, attack, public.regress_gov_try_arg(call, arg) AS answer FROM public.regress_gov_args
WHERE n = 9 OR n > 12 ORDER BY n;
\c - :superuser_name
SELECT public.regress_gov_state() = :'state' AS hostile_json_changed_nothing;
DROP TABLE public.regress_gov_args;

-- ---------------------------------------------------------------- the violations log stays bounded
-- examples: at most violation_examples a row, each at most 4 kB (a large
-- payload is kept as its size)
\c - regress_gov_writer
SELECT event_definitions.update_project_settings(9541, '{"violation_examples": 100}') ->> 'violation_examples' AS examples;
SELECT public.regress_gov_try_arg('SELECT event_definitions.ingest_event(9541, ''a_event'', $1) ->> ''accepted''',
	jsonb_build_object('plan', repeat('p', 2400000))) AS ingest_2mb_value;
SELECT event_definitions.ingest_events(9541, (SELECT jsonb_agg(jsonb_build_object('event', 'a_event',
	'properties', jsonb_build_object('plan', 'v' || g, 'pad', repeat('x', 3000)), 'timestamp', '2024-06-01T00:00:00Z'))
	FROM generate_series(1, 2000) g)) -> 'accepted' AS accepted;
SELECT event, property, violation, count, jsonb_array_length(examples) AS examples,
	   (SELECT max(octet_length(e::text)) FROM jsonb_array_elements(v.examples) e) < 4200 AS each_under_4kb,
	   (SELECT count(*) FROM jsonb_array_elements(v.examples) e WHERE e ? 'properties_bytes') AS kept_as_size
FROM event_definitions.ingestion_violations v WHERE project_id = 9541 ORDER BY 1, 2, 3;
-- a group of 1,000 required properties with rules on 200 definitions, and
-- one of 1,000 optional properties (1,000 patterns) on 1,000: a call
-- answers at most 100,000 violations (200 events that break every rule:
-- 413, nothing written; 90 events: answered), keeps their payloads whole
-- up to 4 MB and then their sizes; what ingestion keeps and reads of the
-- groups does not grow with the definitions they are attached to
\c - :superuser_name
INSERT INTO event_definitions_private.property_groups (project_id, id, name)
VALUES (9541, '95410000-0000-4000-8000-000000000001', 'wide'), (9541, '95410000-0000-4000-8000-000000000002', 'optional');
INSERT INTO event_definitions_private.property_group_properties (project_id, property_group_id, name, property_type, is_required, rules)
SELECT 9541, g.id, 'w' || k, 'String', g.required,
	   jsonb_build_object('pattern', '^(' || k || ')?[a-z]{1,' || (k % 250 + 1) || '}$', 'enum', jsonb_build_array('a' || k, 'b'))
FROM generate_series(1, 1000) k,
	 (VALUES ('95410000-0000-4000-8000-000000000001'::uuid, true), ('95410000-0000-4000-8000-000000000002', false)) g(id, required);
INSERT INTO event_definitions_private.event_definitions (project_id, name)
SELECT 9541, 'wide_' || g FROM generate_series(1, 200) g UNION ALL SELECT 9541, 'opt_' || g FROM generate_series(1, 1000) g;
INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id)
SELECT 9541, d.id, CASE WHEN d.name LIKE 'wide\_%' THEN '95410000-0000-4000-8000-000000000001'::uuid
						ELSE '95410000-0000-4000-8000-000000000002' END
FROM event_definitions_private.event_definitions d WHERE d.project_id = 9541 AND (d.name LIKE 'wide\_%' OR d.name LIKE 'opt\_%');
CREATE TABLE public.regress_gov_batches AS
SELECT (SELECT jsonb_agg(jsonb_build_object('event', 'wide_' || g, 'properties', jsonb_build_object('pad', repeat('x', 3000))))
		FROM generate_series(1, 200) g) AS wide_200,
	   (SELECT jsonb_agg(jsonb_build_object('event', 'wide_' || g, 'properties', jsonb_build_object('pad', repeat('x', 3000))))
		FROM generate_series(1, 90) g) AS wide_90,
	   (SELECT jsonb_agg(jsonb_build_object('event', 'opt_' || g, 'properties', '{"w1": "zz", "w2": "b", "w3": "abc"}'::jsonb))
		FROM generate_series(1, 1000) g) AS optional_1000;
GRANT SELECT ON public.regress_gov_batches TO PUBLIC;
\c - regress_gov_writer
SELECT public.regress_gov_peak_kb() AS start_kb \gset
SELECT public.regress_gov_try_arg('SELECT event_definitions.ingest_events(9541, $1)', wide_200) AS too_many_violations
FROM public.regress_gov_batches;
SELECT (r ->> 'accepted')::int AS accepted, jsonb_array_length(r -> 'results' -> 0 -> 'violations') AS violations_of_one
FROM public.regress_gov_batches, LATERAL event_definitions.ingest_events(9541, wide_90) r;
SELECT public.regress_gov_peak_kb() - :start_kb < 256 * 1024 AS wide_peak_under_256mb;
\c - regress_gov_writer
SELECT public.regress_gov_peak_kb() AS start_kb \gset
SELECT (r ->> 'accepted')::int AS accepted, r -> 'results' -> 0 -> 'violations' AS violations_of_one
FROM public.regress_gov_batches, LATERAL event_definitions.ingest_events(9541, optional_1000) r;
SELECT public.regress_gov_peak_kb() - :start_kb < 32 * 1024 AS optional_peak_under_32mb;
\c - :superuser_name
DROP TABLE public.regress_gov_batches;
SELECT CASE WHEN event LIKE 'wide\_%' THEN 'wide' ELSE 'optional' END AS events, count(*) AS rows,
	   sum(jsonb_array_length(examples)) AS examples,
	   count(*) FILTER (WHERE examples -> 0 ? 'properties') AS kept_whole,
	   sum(octet_length(examples::text)) FILTER (WHERE examples -> 0 ? 'properties') <= 4 * 1024 * 1024 + 100000 AS whole_under_4mb,
	   max(octet_length(examples::text)) FILTER (WHERE examples -> 0 ? 'properties_bytes') AS size_only_bytes
FROM event_definitions_private.ingestion_violations WHERE project_id = 9541 AND (event LIKE 'wide\_%' OR event LIKE 'opt\_%')
GROUP BY 1 ORDER BY 1;
-- the neighbour is untouched by all of it
SELECT project_id, event, property, violation, count, examples FROM event_definitions.ingestion_violations
WHERE project_id = 9542 ORDER BY 1, 2, 3, 4;

-- clean up
DROP FUNCTION public.regress_gov_state(), public.regress_gov_try(text), public.regress_gov_as_missing(text),
	public.regress_gov_message(text), public.regress_gov_try_arg(text, anyelement), public.regress_gov_peak_kb(),
	public.regress_gov_table_attempts();
DELETE FROM event_definitions_private.projects WHERE project_id IN (9541, 9542);
DELETE FROM event_definitions_private.users WHERE id IN (9551, 9552, 9553);
DROP ROLE regress_gov_writer, regress_gov_reader, regress_gov_other, regress_gov_nobody;
