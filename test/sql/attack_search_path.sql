-- Attack: a writer plants operators, functions and domains named like
-- PostgreSQL's own in a schema of its own, and a superuser and an admin
-- put that schema ahead of pg_catalog (or a domain lands in pg_temp).
-- Every function of the extension, and the views, then run for them.  No
-- planted object may run inside any of it: each one would record that it
-- ran (a row in regress_evil_hits, a WARNING) and try to make the writer a
-- superuser and a member of the project it may not see.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS regress_evil_ops CASCADE;
DROP TABLE IF EXISTS public.regress_evil_hits;
DROP ROLE IF EXISTS regress_evil, regress_evil_victim;
RESET client_min_messages;

SELECT current_user AS superuser_name \gset
CREATE ROLE regress_evil LOGIN;
CREATE ROLE regress_evil_victim LOGIN;
GRANT event_definitions_writer TO regress_evil;
GRANT event_definitions_admin TO regress_evil_victim;
SELECT event_definitions.upsert_project(9401, 'Evil') ->> 'name' AS p1,
	   event_definitions.upsert_project(9402, 'Victim') ->> 'name' AS p2;
SELECT event_definitions.upsert_user('{"id": 9411, "first_name": "Eve", "login_role": "regress_evil"}') ->> 'first_name' AS u1,
	   event_definitions.upsert_user('{"id": 9412, "first_name": "Vic", "login_role": "regress_evil_victim"}') ->> 'first_name' AS u2;
SELECT event_definitions.add_project_member(9401, 9411), event_definitions.add_project_member(9402, 9412);
CREATE SCHEMA regress_evil_ops AUTHORIZATION regress_evil;
CREATE TABLE public.regress_evil_hits (who name, what text);
GRANT INSERT, SELECT ON public.regress_evil_hits TO PUBLIC;

\c - regress_evil
-- what every planted object does when it runs, as whoever runs it
CREATE FUNCTION regress_evil_ops.hit(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO public.regress_evil_hits VALUES (current_user, what);
	RAISE WARNING 'hijacked by %', what;
	BEGIN
		EXECUTE 'ALTER ROLE regress_evil SUPERUSER';
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
	BEGIN
		INSERT INTO event_definitions_private.project_members VALUES (9402, 9411);
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
	RETURN true;
END $$;
-- operators on the types the extension compares
CREATE FUNCTION regress_evil_ops.eq(bigint, bigint) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= bigint') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.eq(integer, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= integer') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.eq(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= text') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.eq(uuid, uuid) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= uuid') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.eq(regrole, regrole) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= regrole') AND $1::oid OPERATOR(pg_catalog.=) $2::oid $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = regrole, RIGHTARG = regrole, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.ne(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('<> text') AND $1 OPERATOR(pg_catalog.<>) $2 $$;
CREATE OPERATOR regress_evil_ops.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_evil_ops.ne);
CREATE FUNCTION regress_evil_ops.ne(jsonb, jsonb) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('<> jsonb') AND $1 OPERATOR(pg_catalog.<>) $2 $$;
CREATE OPERATOR regress_evil_ops.<> (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = regress_evil_ops.ne);
CREATE FUNCTION regress_evil_ops.lt(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('< timestamptz') AND $1 OPERATOR(pg_catalog.<) $2 $$;
CREATE OPERATOR regress_evil_ops.< (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = regress_evil_ops.lt);
CREATE FUNCTION regress_evil_ops.gt(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('> timestamptz') AND $1 OPERATOR(pg_catalog.>) $2 $$;
CREATE OPERATOR regress_evil_ops.> (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = regress_evil_ops.gt);
CREATE FUNCTION regress_evil_ops.ge(date, date) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('>= date') AND $1 OPERATOR(pg_catalog.>=) $2 $$;
CREATE OPERATOR regress_evil_ops.>= (LEFTARG = date, RIGHTARG = date, FUNCTION = regress_evil_ops.ge);
CREATE FUNCTION regress_evil_ops.minus(timestamptz, interval) RETURNS timestamptz LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('- timestamptz') THEN $1 OPERATOR(pg_catalog.-) $2 END $$;
CREATE OPERATOR regress_evil_ops.- (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = regress_evil_ops.minus);
CREATE FUNCTION regress_evil_ops.plus(bigint, bigint) RETURNS bigint LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('+ bigint') THEN $1 OPERATOR(pg_catalog.+) $2 END $$;
CREATE OPERATOR regress_evil_ops.+ (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = regress_evil_ops.plus);
CREATE FUNCTION regress_evil_ops.ilike(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('~~* text') AND $1 OPERATOR(pg_catalog.~~*) $2 $$;
CREATE OPERATOR regress_evil_ops.~~* (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_evil_ops.ilike);
CREATE FUNCTION regress_evil_ops.overlap(text[], text[]) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('&& text[]') AND $1 OPERATOR(pg_catalog.&&) $2 $$;
CREATE OPERATOR regress_evil_ops.&& (LEFTARG = text[], RIGHTARG = text[], FUNCTION = regress_evil_ops.overlap);
CREATE FUNCTION regress_evil_ops.field(jsonb, text) RETURNS text LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('->> jsonb') THEN $1 OPERATOR(pg_catalog.->>) $2 END $$;
CREATE OPERATOR regress_evil_ops.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = regress_evil_ops.field);
CREATE FUNCTION regress_evil_ops.concat(text, text) RETURNS text LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('|| text') THEN $1 OPERATOR(pg_catalog.||) $2 END $$;
CREATE OPERATOR regress_evil_ops.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_evil_ops.concat);
-- functions named like the ones the extension calls
CREATE FUNCTION regress_evil_ops.now() RETURNS timestamptz LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('now()') THEN pg_catalog.now() END $$;
CREATE FUNCTION regress_evil_ops.starts_with(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('starts_with()') AND pg_catalog.starts_with($1, $2) $$;
CREATE FUNCTION regress_evil_ops.char_length(text) RETURNS integer LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('char_length()') THEN pg_catalog.char_length($1) END $$;
CREATE FUNCTION regress_evil_ops.gen_random_uuid() RETURNS uuid LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('gen_random_uuid()') THEN pg_catalog.gen_random_uuid() END $$;
CREATE FUNCTION regress_evil_ops.timezone(text, timestamptz) RETURNS timestamp LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('timezone()') THEN pg_catalog.timezone($1, $2) END $$;
CREATE FUNCTION regress_evil_ops.to_jsonb(text[]) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('to_jsonb()') THEN pg_catalog.to_jsonb($1) END $$;
-- domains named like the types the extension casts to
CREATE DOMAIN regress_evil_ops.text AS pg_catalog.text CHECK (regress_evil_ops.hit('domain text'));
CREATE DOMAIN regress_evil_ops.uuid AS pg_catalog.uuid CHECK (regress_evil_ops.hit('domain uuid'));
CREATE DOMAIN regress_evil_ops.jsonb AS pg_catalog.jsonb CHECK (regress_evil_ops.hit('domain jsonb'));
CREATE DOMAIN regress_evil_ops.interval AS pg_catalog.interval CHECK (regress_evil_ops.hit('domain interval'));
CREATE DOMAIN regress_evil_ops.date AS pg_catalog.date CHECK (regress_evil_ops.hit('domain date'));
GRANT USAGE ON SCHEMA regress_evil_ops TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA regress_evil_ops TO PUBLIC;

-- the planted objects work (the victim's own query runs one)
SET search_path = regress_evil_ops, pg_catalog;
SELECT 1::bigint = 1::bigint AS planted_operator_runs;
SELECT count(*) AS hits_of_own_query FROM public.regress_evil_hits;
RESET search_path;

-- every call of the extension, in a function the victims run with their path
\c - :superuser_name
TRUNCATE public.regress_evil_hits;
-- (the harness itself names pg_catalog's operators, so that only the
-- extension's own code is at stake)
CREATE FUNCTION public.regress_evil_calls() RETURNS SETOF pg_catalog.text LANGUAGE plpgsql AS $$
DECLARE
	d pg_catalog.uuid;
	g pg_catalog.uuid;
	r pg_catalog.jsonb;
BEGIN
	r := event_definitions.create_event_definition(9402, '{"name": "signup", "description": "d", "tags": ["a", "b"], "owner": 9412, "verified": true}');
	d := (r OPERATOR(pg_catalog.->>) 'id')::pg_catalog.uuid;
	RETURN NEXT pg_catalog.concat('create ', r OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('retrieve ', event_definitions.retrieve_event_definition(9402, d) OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('retrieve text id ', event_definitions.retrieve_event_definition(9402, d::pg_catalog.text) OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('update ', event_definitions.update_event_definition(9402, d, '{"description": "e", "tags": ["c"], "hidden": false}') OPERATOR(pg_catalog.->>) 'description');
	RETURN NEXT pg_catalog.concat('by_name ', event_definitions.event_definition_by_name(9402, 'signup') OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('list ', event_definitions.list_event_definitions(9402, "limit" => 5, "offset" => 0,
		search => 'sign', event_type => 'event_custom', ordering => '-last_seen_at,name,created_at::date',
		exclude_hidden => true, excluded_properties => '["x"]', names => 'signup,other',
		tags => '["c"]', exclude_stale => true) OPERATOR(pg_catalog.->>) 'count');
	RETURN NEXT pg_catalog.concat('list default ', event_definitions.list_event_definitions(9402) OPERATOR(pg_catalog.->>) 'count');
	RETURN NEXT pg_catalog.concat('bulk tags ', pg_catalog.jsonb_array_length(event_definitions.bulk_update_tags(9402,
		pg_catalog.json_build_object('ids', pg_catalog.json_build_array(d, pg_catalog.gen_random_uuid()), 'action', 'add',
									 'tags', pg_catalog.json_build_array('z'))) OPERATOR(pg_catalog.->) 'updated'));
	RETURN NEXT pg_catalog.concat('bulk verified ', pg_catalog.jsonb_array_length(event_definitions.bulk_update_verified(9402,
		pg_catalog.json_build_object('ids', pg_catalog.json_build_array(d), 'verified', false)) OPERATOR(pg_catalog.->) 'updated'));
	PERFORM event_definitions.record_event_usage(9402, 'signup', 2);
	RETURN NEXT pg_catalog.concat('metrics ', event_definitions.event_definition_metrics(9402, d) OPERATOR(pg_catalog.->>) 'query_usage_30_day');
	RETURN NEXT pg_catalog.concat('promoted ', event_definitions.promoted_properties(9402, ARRAY['signup']));
	r := event_definitions.create_property_group(9402, '{"name": "G", "properties": [{"name": "p", "property_type": "String", "is_required": true}]}');
	g := (r OPERATOR(pg_catalog.->>) 'id')::pg_catalog.uuid;
	RETURN NEXT pg_catalog.concat('group ', r OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('group update ', event_definitions.update_property_group(9402, g, '{"description": "x"}') OPERATOR(pg_catalog.->>) 'description');
	RETURN NEXT pg_catalog.concat('group retrieve ', event_definitions.retrieve_property_group(9402, g) OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('group list ', event_definitions.list_property_groups(9402) OPERATOR(pg_catalog.->>) 'count');
	RETURN NEXT pg_catalog.concat('schema ', event_definitions.add_event_schema(9402, d, g) OPERATOR(pg_catalog.->>) 'property_group_id'
		OPERATOR(pg_catalog.=) g::pg_catalog.text);
	RETURN NEXT pg_catalog.concat('ingest ', event_definitions.ingest_event(9402, 'signup', '{"p": 1}', pg_catalog.now()));
	RETURN NEXT pg_catalog.concat('ingest new ', event_definitions.ingest_event(9402, 'first_seen', '{}', pg_catalog.now()) OPERATOR(pg_catalog.->>) 'accepted');
	RETURN NEXT pg_catalog.concat('typescript ', event_definitions.event_definitions_typescript(9402) OPERATOR(pg_catalog.->>) 'event_count');
	RETURN NEXT pg_catalog.concat('python ', event_definitions.event_definitions_python(9402) OPERATOR(pg_catalog.->>) 'event_count');
	RETURN NEXT pg_catalog.concat('golang ', event_definitions.event_definitions_golang(9402) OPERATOR(pg_catalog.->>) 'event_count');
	PERFORM event_definitions.remove_event_schema(9402, d, g);
	PERFORM event_definitions.delete_property_group(9402, g);
	RETURN NEXT pg_catalog.concat('view ', (SELECT pg_catalog.count(*) FROM event_definitions.event_definitions e
											WHERE e.project_id OPERATOR(pg_catalog.=) 9402::pg_catalog.int8));
	RETURN NEXT pg_catalog.concat('activity ', (SELECT pg_catalog.count(*) FROM event_definitions.activity_log a
												WHERE a.project_id OPERATOR(pg_catalog.=) 9402::pg_catalog.int8));
	PERFORM event_definitions.delete_event_definition(9402, d);
	PERFORM event_definitions.delete_event_definition(9402,
		event_definitions.event_definition_by_name(9402, 'first_seen') OPERATOR(pg_catalog.->>) 'id');
	RETURN NEXT pg_catalog.concat('project ', event_definitions.upsert_project(9402, 'Victim') OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('user ', event_definitions.upsert_user('{"id": 9413, "first_name": "Tmp"}') OPERATOR(pg_catalog.->>) 'first_name');
	PERFORM event_definitions.add_project_member(9402, 9413);
	PERFORM event_definitions.remove_project_member(9402, 9413);
END $$;
GRANT EXECUTE ON FUNCTION public.regress_evil_calls() TO regress_evil_victim;

-- a superuser, acting as user 9412, with the planted schema first
SET event_definitions.user_id = '9412';
SET search_path = regress_evil_ops, pg_catalog, public;
SELECT * FROM public.regress_evil_calls();
RESET search_path;
RESET event_definitions.user_id;
SELECT count(*) AS hits_superuser FROM public.regress_evil_hits;

-- an admin login, acting as user 9412 by the setting, with the same path
\c - regress_evil_victim
SET event_definitions.user_id = '9412';
SET search_path = regress_evil_ops, pg_catalog, public;
SELECT * FROM public.regress_evil_calls();
\c - :superuser_name
SELECT count(*) AS hits_admin FROM public.regress_evil_hits;

-- a domain named text in pg_temp, which is searched first for types
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (regress_evil_ops.hit('pg_temp domain text'));
CREATE DOMAIN pg_temp.uuid AS pg_catalog.uuid CHECK (regress_evil_ops.hit('pg_temp domain uuid'));
SET event_definitions.user_id = '9412';
SELECT * FROM public.regress_evil_calls();
RESET event_definitions.user_id;
SELECT count(*) AS hits_pg_temp FROM public.regress_evil_hits;

-- nothing changed: the writer is no superuser and no member of the victim's project
SELECT rolsuper AS evil_is_superuser FROM pg_roles WHERE rolname = 'regress_evil';
SELECT count(*) AS evil_in_victim_project FROM event_definitions_private.project_members
WHERE project_id = 9402 AND user_id = 9411;

-- clean up
\c - :superuser_name
DROP FUNCTION public.regress_evil_calls();
SET client_min_messages = warning;
DROP SCHEMA regress_evil_ops CASCADE;
RESET client_min_messages;
DROP TABLE public.regress_evil_hits;
DELETE FROM event_definitions_private.projects WHERE project_id IN (9401, 9402);
DELETE FROM event_definitions_private.users WHERE id IN (9411, 9412, 9413);
DROP ROLE regress_evil, regress_evil_victim;
