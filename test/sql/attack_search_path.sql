-- Attack: a writer plants operators, functions and domains named like
-- PostgreSQL's own in a schema of its own, and a superuser and an admin
-- put that schema ahead of pg_catalog (or a domain lands in pg_temp).
-- Every function of the extension, and the views, then run for them.  No
-- planted object may run inside any of it: each one would record that it
-- ran (a row in regress_evil_hits, a WARNING) and try to make the writer a
-- superuser and a member of the project it may not see.  A guard at the
-- end lists every function of the extension that the calls did not run
-- (counted by track_functions), so that a function added later and
-- forgotten here fails the test.
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
SELECT event_definitions.upsert_user('{"id": 9411, "first_name": "Eve", "uuid": "00000000-0000-4000-8000-000000009411", "login_role": "regress_evil"}') ->> 'first_name' AS u1,
	   event_definitions.upsert_user('{"id": 9412, "first_name": "Vic", "uuid": "00000000-0000-4000-8000-000000009412", "login_role": "regress_evil_victim"}') ->> 'first_name' AS u2;
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
-- operators, functions and aggregates of the governance code (settings,
-- rules, the violations log, tracking plans)
CREATE FUNCTION regress_evil_ops.regex(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('~ text') AND $1 OPERATOR(pg_catalog.~) $2 $$;
CREATE OPERATOR regress_evil_ops.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_evil_ops.regex);
CREATE FUNCTION regress_evil_ops.like(text, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('~~ text') AND $1 OPERATOR(pg_catalog.~~) $2 $$;
CREATE OPERATOR regress_evil_ops.~~ (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_evil_ops.like);
CREATE FUNCTION regress_evil_ops.eq(jsonb, jsonb) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= jsonb') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.eq(boolean, boolean) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= boolean') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = boolean, RIGHTARG = boolean, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.eq(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= timestamptz') AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = regress_evil_ops.eq);
CREATE FUNCTION regress_evil_ops.concat(jsonb, jsonb) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('|| jsonb') THEN $1 OPERATOR(pg_catalog.||) $2 END $$;
CREATE OPERATOR regress_evil_ops.|| (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = regress_evil_ops.concat);
CREATE FUNCTION regress_evil_ops.getj(jsonb, text) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('-> jsonb') THEN $1 OPERATOR(pg_catalog.->) $2 END $$;
CREATE OPERATOR regress_evil_ops.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = regress_evil_ops.getj);
CREATE FUNCTION regress_evil_ops.element(jsonb, integer) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('-> jsonb integer') THEN $1 OPERATOR(pg_catalog.->) $2 END $$;
CREATE OPERATOR regress_evil_ops.-> (LEFTARG = jsonb, RIGHTARG = integer, FUNCTION = regress_evil_ops.element);
CREATE FUNCTION regress_evil_ops.contains(jsonb, jsonb) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('@> jsonb') AND $1 OPERATOR(pg_catalog.@>) $2 $$;
CREATE OPERATOR regress_evil_ops.@> (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = regress_evil_ops.contains);
CREATE FUNCTION regress_evil_ops.has(jsonb, text) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('? jsonb') AND $1 OPERATOR(pg_catalog.?) $2 $$;
CREATE OPERATOR regress_evil_ops.? (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = regress_evil_ops.has);
CREATE FUNCTION regress_evil_ops.minus(jsonb, text) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('- jsonb') THEN $1 OPERATOR(pg_catalog.-) $2 END $$;
CREATE OPERATOR regress_evil_ops.- (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = regress_evil_ops.minus);
CREATE FUNCTION regress_evil_ops.le(bigint, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('<= bigint integer') AND $1 OPERATOR(pg_catalog.<=) $2 $$;
CREATE OPERATOR regress_evil_ops.<= (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = regress_evil_ops.le);
CREATE FUNCTION regress_evil_ops.lt(integer, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('< integer') AND $1 OPERATOR(pg_catalog.<) $2 $$;
CREATE OPERATOR regress_evil_ops.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = regress_evil_ops.lt);
CREATE FUNCTION regress_evil_ops.le(integer, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('<= integer') AND $1 OPERATOR(pg_catalog.<=) $2 $$;
CREATE OPERATOR regress_evil_ops.<= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = regress_evil_ops.le);
CREATE FUNCTION regress_evil_ops.gt(integer, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('> integer') AND $1 OPERATOR(pg_catalog.>) $2 $$;
CREATE OPERATOR regress_evil_ops.> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = regress_evil_ops.gt);
CREATE FUNCTION regress_evil_ops.ge(integer, integer) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('>= integer') AND $1 OPERATOR(pg_catalog.>=) $2 $$;
CREATE OPERATOR regress_evil_ops.>= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = regress_evil_ops.ge);
CREATE FUNCTION regress_evil_ops.gt(bigint, bigint) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('> bigint') AND $1 OPERATOR(pg_catalog.>) $2 $$;
CREATE OPERATOR regress_evil_ops.> (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = regress_evil_ops.gt);
CREATE FUNCTION regress_evil_ops.div(numeric, integer) RETURNS numeric LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('/ numeric') THEN $1 OPERATOR(pg_catalog./) $2 END $$;
CREATE OPERATOR regress_evil_ops./ (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = regress_evil_ops.div);
CREATE FUNCTION regress_evil_ops.count_step(bigint) RETURNS bigint LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('count(*)') THEN $1 OPERATOR(pg_catalog.+) 1 END $$;
CREATE AGGREGATE regress_evil_ops.count(*) (SFUNC = regress_evil_ops.count_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION regress_evil_ops.jsonb_step(jsonb, jsonb) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('jsonb_agg()') THEN $1 OPERATOR(pg_catalog.||) $2 END $$;
CREATE AGGREGATE regress_evil_ops.jsonb_agg(jsonb) (SFUNC = regress_evil_ops.jsonb_step, STYPE = jsonb, INITCOND = '[]');
CREATE FUNCTION regress_evil_ops.sum_step(numeric, bigint) RETURNS numeric LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('sum()') THEN $1 OPERATOR(pg_catalog.+) $2 END $$;
CREATE AGGREGATE regress_evil_ops.sum(bigint) (SFUNC = regress_evil_ops.sum_step, STYPE = numeric, INITCOND = '0');
CREATE FUNCTION regress_evil_ops.min_step(timestamptz, timestamptz) RETURNS timestamptz LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('min()') THEN LEAST($1, $2) END $$;
CREATE AGGREGATE regress_evil_ops.min(timestamptz) (SFUNC = regress_evil_ops.min_step, STYPE = timestamptz);
CREATE AGGREGATE regress_evil_ops.max(timestamptz) (SFUNC = regress_evil_ops.min_step, STYPE = timestamptz);
CREATE FUNCTION regress_evil_ops.array_step(jsonb[], jsonb) RETURNS jsonb[] LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('array_agg()') THEN pg_catalog.array_append($1, $2) END $$;
CREATE AGGREGATE regress_evil_ops.array_agg(jsonb) (SFUNC = regress_evil_ops.array_step, STYPE = jsonb[]);
CREATE FUNCTION regress_evil_ops.jsonb_array_length(jsonb) RETURNS integer LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('jsonb_array_length()') THEN pg_catalog.jsonb_array_length($1) END $$;
CREATE FUNCTION regress_evil_ops.jsonb_array_elements(jsonb) RETURNS SETOF jsonb LANGUAGE sql
	AS $$ SELECT e FROM pg_catalog.jsonb_array_elements($1) e WHERE regress_evil_ops.hit('jsonb_array_elements()') $$;
CREATE FUNCTION regress_evil_ops.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('jsonb_typeof()') THEN pg_catalog.jsonb_typeof($1) END $$;
CREATE FUNCTION regress_evil_ops.jsonb_build_object(text, text) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('jsonb_build_object()') THEN pg_catalog.jsonb_build_object($1, $2) END $$;
CREATE FUNCTION regress_evil_ops.unnest(text[]) RETURNS SETOF text LANGUAGE sql
	AS $$ SELECT t FROM pg_catalog.unnest($1) t WHERE regress_evil_ops.hit('unnest()') $$;
CREATE FUNCTION regress_evil_ops.floor(numeric) RETURNS numeric LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('floor()') THEN pg_catalog.floor($1) END $$;
CREATE FUNCTION regress_evil_ops.lower(text) RETURNS text LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('lower()') THEN pg_catalog.lower($1) END $$;
CREATE FUNCTION regress_evil_ops.length(text) RETURNS integer LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('length()') THEN pg_catalog.length($1) END $$;
CREATE FUNCTION regress_evil_ops.sha256(bytea) RETURNS bytea LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('sha256()') THEN pg_catalog.sha256($1) END $$;
CREATE FUNCTION regress_evil_ops.encode(bytea, text) RETURNS text LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('encode()') THEN pg_catalog.encode($1, $2) END $$;
CREATE FUNCTION regress_evil_ops.string_agg_step(text, text, text) RETURNS text LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('string_agg()') THEN pg_catalog.concat($1, $3, $2) END $$;
CREATE AGGREGATE regress_evil_ops.string_agg(text, text) (SFUNC = regress_evil_ops.string_agg_step, STYPE = text);
-- a type of the writer's with implicit casts from and to the types the
-- extension compares (a cast is no schema's: it applies on every path)
CREATE TYPE regress_evil_ops.evil AS ENUM ('evil');
CREATE FUNCTION regress_evil_ops.evil_of(text) RETURNS regress_evil_ops.evil LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('cast text to evil') THEN 'evil'::regress_evil_ops.evil END $$;
CREATE FUNCTION regress_evil_ops.evil_of(jsonb) RETURNS regress_evil_ops.evil LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('cast jsonb to evil') THEN 'evil'::regress_evil_ops.evil END $$;
CREATE FUNCTION regress_evil_ops.text_of(regress_evil_ops.evil) RETURNS text LANGUAGE sql
	AS $$ SELECT CASE WHEN regress_evil_ops.hit('cast evil to text') THEN 'evil' END $$;
CREATE CAST (text AS regress_evil_ops.evil) WITH FUNCTION regress_evil_ops.evil_of(text) AS IMPLICIT;
CREATE CAST (jsonb AS regress_evil_ops.evil) WITH FUNCTION regress_evil_ops.evil_of(jsonb) AS IMPLICIT;
CREATE CAST (regress_evil_ops.evil AS text) WITH FUNCTION regress_evil_ops.text_of(regress_evil_ops.evil) AS IMPLICIT;
CREATE FUNCTION regress_evil_ops.eq(regress_evil_ops.evil, regress_evil_ops.evil) RETURNS boolean LANGUAGE sql
	AS $$ SELECT regress_evil_ops.hit('= evil') $$;
CREATE OPERATOR regress_evil_ops.= (LEFTARG = regress_evil_ops.evil, RIGHTARG = regress_evil_ops.evil,
									FUNCTION = regress_evil_ops.eq);
-- a collation named "C" that is not byte order (nor deterministic, which
-- makes regular expressions and LIKE with it an error)
CREATE COLLATION regress_evil_ops."C" (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
-- more domains named like the types the extension casts to
CREATE DOMAIN regress_evil_ops.int8 AS pg_catalog.int8 CHECK (regress_evil_ops.hit('domain int8'));
CREATE DOMAIN regress_evil_ops.int4 AS pg_catalog.int4 CHECK (regress_evil_ops.hit('domain int4'));
CREATE DOMAIN regress_evil_ops.bool AS pg_catalog.bool CHECK (regress_evil_ops.hit('domain bool'));
CREATE DOMAIN regress_evil_ops.json AS pg_catalog.json CHECK (regress_evil_ops.hit('domain json'));
CREATE DOMAIN regress_evil_ops.timestamptz AS pg_catalog.timestamptz CHECK (regress_evil_ops.hit('domain timestamptz'));
GRANT USAGE ON SCHEMA regress_evil_ops TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA regress_evil_ops TO PUBLIC;

-- the planted objects work (the victim's own query runs one)
SET search_path = regress_evil_ops, pg_catalog;
SELECT 1::bigint = 1::bigint AS planted_operator_runs;
SELECT 'a'::text ~ 'a' AS planted_regex_runs, (SELECT count(*) FROM (VALUES (1)) v) AS planted_count_runs,
	('evil'::text)::regress_evil_ops.evil IS NOT NULL AS planted_cast_runs;
SELECT pg_catalog.count(*) AS hits_of_own_query FROM public.regress_evil_hits;
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
	plan pg_catalog.jsonb;
	def event_definitions_private.event_definitions;
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
	-- governance: settings, naming, value rules, unplanned events, the violations log
	RETURN NEXT pg_catalog.concat('settings ', event_definitions.project_settings(9402));
	r := event_definitions.create_event_definition(9402, '{"name": "Legacy Name"}');
	RETURN NEXT pg_catalog.concat('settings update ', event_definitions.update_project_settings(9402,
		'{"event_name_pattern": "^[a-z_]+$", "property_name_pattern": "^[a-z_]+$", "stale_after_days": 10,
		  "unplanned_events": "flag", "violation_examples": 2}'));
	RETURN NEXT pg_catalog.concat('naming ', event_definitions.naming_violations(9402));
	r := event_definitions.create_event_definition(9402, '{"name": "checkout", "description": "c", "tags": ["t"], "owner": 9412}');
	d := (r OPERATOR(pg_catalog.->>) 'id')::pg_catalog.uuid;
	r := event_definitions.create_property_group(9402, '{"name": "rules", "properties": [
		{"name": "plan", "property_type": "String", "is_required": true,
		 "rules": {"enum": ["free", "pro"], "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 8}},
		{"name": "email", "property_type": "String", "rules": {"format": "email"}},
		{"name": "seats", "property_type": "Numeric",
		 "rules": {"enum": [1, 5], "minimum": 1, "maximum": 10, "exclusiveMinimum": 0, "exclusiveMaximum": 11}},
		{"name": "items", "property_type": "Array", "rules": {"minItems": 1, "maxItems": 2}},
		{"name": "ok", "property_type": "Boolean", "rules": {"enum": [true]}}]}');
	g := (r OPERATOR(pg_catalog.->>) 'id')::pg_catalog.uuid;
	RETURN NEXT pg_catalog.concat('rules group ', pg_catalog.jsonb_array_length(r OPERATOR(pg_catalog.->) 'properties'));
	PERFORM event_definitions.add_event_schema(9402, d, g);
	RETURN NEXT pg_catalog.concat('ingest rules ', event_definitions.ingest_event(9402, 'checkout',
		'{"plan": "Gold!", "email": "nope", "seats": 20, "items": [], "ok": false}', '2024-01-01T00:00:00Z'));
	RETURN NEXT pg_catalog.concat('ingest batch ', event_definitions.ingest_events(9402, '[
		{"event": "checkout", "properties": {"plan": "pro", "seats": 5, "items": [1]}, "timestamp": "2024-01-02T00:00:00Z"},
		{"event": "Unplanned Name", "timestamp": "2024-01-03T00:00:00Z"},
		{"event": "unplanned_ok", "timestamp": 1704326400}]'));
	PERFORM event_definitions.update_project_settings(9402, '{"unplanned_events": "reject"}');
	RETURN NEXT pg_catalog.concat('ingest rejected ', event_definitions.ingest_events(9402, '[{"event": "rejected_name"}]'));
	RETURN NEXT pg_catalog.concat('violations ', (SELECT pg_catalog.string_agg(pg_catalog.concat(v.property, ' ', v.violation, ' ',
		v.count, ' ', pg_catalog.jsonb_array_length(v.examples)), ', ' ORDER BY v.property, v.violation)
		FROM event_definitions.ingestion_violations v
		WHERE v.project_id OPERATOR(pg_catalog.=) 9402::pg_catalog.int8 AND v.event OPERATOR(pg_catalog.=) 'checkout'::pg_catalog.text));
	-- tracking plans
	plan := event_definitions.export_tracking_plan(9402);
	RETURN NEXT pg_catalog.concat('export ', pg_catalog.jsonb_array_length(plan OPERATOR(pg_catalog.->) 'events'), ' ',
		pg_catalog.jsonb_array_length(plan OPERATOR(pg_catalog.->) 'property_groups'), ' ',
		pg_catalog.char_length(plan OPERATOR(pg_catalog.->>) 'base_hash'), ' ', plan OPERATOR(pg_catalog.->) 'settings');
	RETURN NEXT pg_catalog.concat('diff ', event_definitions.diff_tracking_plan(9402, plan::pg_catalog.json));
	plan := pg_catalog.jsonb_set(plan, '{events}', (plan OPERATOR(pg_catalog.->) 'events') OPERATOR(pg_catalog.||)
		'[{"name": "from_plan", "tags": ["p"], "property_groups": ["rules"]}]'::pg_catalog.jsonb);
	RETURN NEXT pg_catalog.concat('apply ', event_definitions.apply_tracking_plan(9402, plan::pg_catalog.json) OPERATOR(pg_catalog.->) 'create');
	-- bulk delete
	RETURN NEXT pg_catalog.concat('bulk delete ', event_definitions.bulk_delete_event_definitions(9402, pg_catalog.json_build_object('ids',
		pg_catalog.json_build_array(event_definitions.event_definition_by_name(9402, 'from_plan') OPERATOR(pg_catalog.->>) 'id',
									'00000000-0000-4000-8000-000000000000'))) OPERATOR(pg_catalog.->) 'skipped');
	-- the generators' files in chunks
	RETURN NEXT pg_catalog.concat('chunks ',
		(SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 1 FROM event_definitions.event_definitions_typescript_chunks(9402, 64)), ' ',
		(SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 1 FROM event_definitions.event_definitions_python_chunks(9402, 64)), ' ',
		(SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 1 FROM event_definitions.event_definitions_golang_chunks(9402, 64)));
	-- the private functions a caller may run directly
	SELECT * INTO def FROM event_definitions_private.event_definitions e
	WHERE e.project_id OPERATOR(pg_catalog.=) 9402::pg_catalog.int8 AND e.id OPERATOR(pg_catalog.=) d;
	RETURN NEXT pg_catalog.concat('plan_event ', event_definitions_private.plan_event(def));
	RETURN NEXT pg_catalog.concat('snapshot ', event_definitions_private.snapshot(def) OPERATOR(pg_catalog.->) 'tags');
	RETURN NEXT pg_catalog.concat('changes ', event_definitions_private.changes('{"description": "a"}', '{"description": "b"}',
		'changed', 'EventDefinition'));
	RETURN NEXT pg_catalog.concat('group object ', event_definitions_private.property_group_object(9402, g) OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('group snapshot ', event_definitions_private.property_group_snapshot(9402, g) OPERATOR(pg_catalog.->>) 'name');
	RETURN NEXT pg_catalog.concat('first_examples ', event_definitions_private.first_examples(ARRAY['[1, 2]', '[3]']::pg_catalog.jsonb[], 2));
	RETURN NEXT pg_catalog.concat('iso8601 ', event_definitions_private.iso8601('2024-01-01T00:00:00Z'));
	RETURN NEXT pg_catalog.concat('acting ', event_definitions_private.acting_user_id(), ' ',
		9402 OPERATOR(pg_catalog.=) ANY (event_definitions_private.policy_projects()) IS NOT FALSE, ' ',
		9412 OPERATOR(pg_catalog.=) ANY (event_definitions_private.policy_users()) IS NOT FALSE);
	RETURN NEXT pg_catalog.concat('search index ', event_definitions_private.create_search_index());
	RETURN NEXT pg_catalog.concat('types ',
		event_definitions_private.any_id_out(event_definitions_private.any_id_in('i')), ' ',
		event_definitions_private.any_id_send('i'::pg_catalog.text::event_definitions_private.any_id), ' ',
		event_definitions_private.any_integer_out(event_definitions_private.any_integer_in('5')), ' ',
		event_definitions_private.any_integer_send('5'::pg_catalog.text::event_definitions_private.any_integer), ' ',
		event_definitions_private.json_list_out(event_definitions_private.json_list_in('[]')), ' ',
		event_definitions_private.json_list_send('[]'::pg_catalog.text::event_definitions_private.json_list));
	-- prune: the project is empty again, its settings the defaults
	RETURN NEXT pg_catalog.concat('prune ', event_definitions.apply_tracking_plan(9402, '{"version": 1}', prune => true) OPERATOR(pg_catalog.->) 'delete');
	RETURN NEXT pg_catalog.concat('settings after ', event_definitions.project_settings(9402));
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

-- objects in pg_temp, which is searched first for relations and types
-- (and last inside the extension's functions): domains named like the
-- types the extension casts to, and views named like its tables and views
-- and like the transition tables of its triggers; with the planted schema
-- ahead of pg_catalog as well
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (regress_evil_ops.hit('pg_temp domain text'));
CREATE DOMAIN pg_temp.uuid AS pg_catalog.uuid CHECK (regress_evil_ops.hit('pg_temp domain uuid'));
CREATE DOMAIN pg_temp.jsonb AS pg_catalog.jsonb CHECK (regress_evil_ops.hit('pg_temp domain jsonb'));
CREATE DOMAIN pg_temp.json AS pg_catalog.json CHECK (regress_evil_ops.hit('pg_temp domain json'));
CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (regress_evil_ops.hit('pg_temp domain int8'));
CREATE DOMAIN pg_temp.int4 AS pg_catalog.int4 CHECK (regress_evil_ops.hit('pg_temp domain int4'));
CREATE DOMAIN pg_temp.bool AS pg_catalog.bool CHECK (regress_evil_ops.hit('pg_temp domain bool'));
CREATE DOMAIN pg_temp.timestamptz AS pg_catalog.timestamptz CHECK (regress_evil_ops.hit('pg_temp domain timestamptz'));
DO $$
DECLARE
	rel pg_catalog.text;
BEGIN
	FOR rel IN SELECT c.relname FROM pg_catalog.pg_class c
			   WHERE c.relnamespace IN ('event_definitions'::regnamespace, 'event_definitions_private'::regnamespace)
				 AND c.relkind IN ('r', 'v')
			   UNION SELECT unnest(ARRAY['inserted', 'deleted']) LOOP
		EXECUTE pg_catalog.format('CREATE TEMP VIEW %I AS SELECT regress_evil_ops.hit(%L) AS hit',
								  rel, 'pg_temp relation ' || rel);
	END LOOP;
END $$;
-- this run counts every function the calls run (in this backend: no
-- parallel workers, whose counts might arrive late)
SET track_functions = 'all';
SET force_parallel_mode = off;
SET max_parallel_workers_per_gather = 0;
SELECT count(pg_stat_reset_single_function_counters(d.objid)) > 0 AS counters_reset
FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'event_definitions') AND d.deptype = 'e';
SET event_definitions.user_id = '9412';
SET search_path = regress_evil_ops, pg_catalog, public;
SELECT * FROM public.regress_evil_calls();
RESET search_path;
RESET event_definitions.user_id;
SELECT pg_stat_force_next_flush();
SELECT count(*) AS hits_pg_temp FROM public.regress_evil_hits;

-- the guard: every function of the extension ran in that call, but for
-- the input and output functions of its argument types, which are
-- PostgreSQL's own text functions under another name (their receive
-- function takes no SQL argument); a function added to the extension and
-- not to the calls above is listed here
SELECT p.oid::regprocedure AS not_called
FROM pg_depend d
JOIN pg_proc p ON p.oid = d.objid
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_stat_user_functions s ON s.funcid = p.oid
WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'event_definitions')
  AND NOT (l.lanname = 'internal' AND p.prosrc IN ('textin', 'textout', 'textrecv', 'textsend'))
  AND COALESCE(s.calls, 0) = 0
ORDER BY 1::text;
SELECT count(*) AS text_io_aliases
FROM pg_depend d
JOIN pg_proc p ON p.oid = d.objid
JOIN pg_language l ON l.oid = p.prolang
WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'event_definitions')
  AND l.lanname = 'internal';

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
