-- Attack: tracking plans near their limits (16 MB, 500,000 values), from
-- a writer login.  A plan is read in one pass of PostgreSQL's JSON parser
-- and its items are parsed one at a time, so a diff or an apply costs a
-- small multiple of the plan and of its answer.  (Before, the whole plan
-- became a tree, each item a canonical copy and every comparison a few
-- kilobytes: this plan's diff took 1.4 GB of peak memory, the apply of
-- 2,000 events 130 MB.)  Peak memory is the backend's VmHWM, as in
-- attack_memory; the arguments are made in another backend.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_plan_memory_writer;
RESET client_min_messages;
SELECT current_user AS superuser_name \gset

CREATE ROLE regress_plan_memory_writer LOGIN IN ROLE event_definitions_writer;
SELECT event_definitions.upsert_project(9621, 'Plan memory') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 9622, "first_name": "W", "login_role": "regress_plan_memory_writer"}') ->> 'id' AS writer;
SELECT event_definitions.add_project_member(9621, 9622) IS NOT NULL AS member;

-- the calling backend's peak resident memory, in kB (for any login)
CREATE FUNCTION public.regress_plan_peak_kb() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
$$;
GRANT EXECUTE ON FUNCTION public.regress_plan_peak_kb() TO PUBLIC;
-- run sql with $1 bound to arg: its answer's summary, or its error
CREATE FUNCTION public.regress_plan_try(sql text, arg json) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r jsonb; st text; msg text;
BEGIN
	EXECUTE sql INTO r USING arg;
	RETURN format('create %s, update %s', jsonb_array_length(r -> 'create'), jsonb_array_length(r -> 'update'));
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ': ' || msg;
END $$;
GRANT EXECUTE ON FUNCTION public.regress_plan_try(text, json) TO PUBLIC;

-- the plans: 49,000 events of some 330 bytes and 9 values each (16 MB,
-- 441,000 values); the same with a stale base_hash; 2,000 events with an
-- attached group (0.2 MB)
CREATE TABLE public.regress_plan_big AS
SELECT json_build_object('version', 1, 'events', e) AS plan,
	   json_build_object('version', 1, 'base_hash', repeat('0', 64), 'events', e) AS stale
FROM (SELECT json_agg(json_build_object('name', 'plan_' || g, 'description', repeat('d', 230),
		'tags', json_build_array('t1', 't2', 't3', 't4'), 'verified', false) ORDER BY g) AS e
	  FROM generate_series(1, 49000) g) s;
ALTER TABLE public.regress_plan_big ADD small json;
UPDATE public.regress_plan_big SET small = json_build_object('version', 1,
	'property_groups', json_build_array(json_build_object('name', 'Order', 'properties',
		json_build_array(json_build_object('name', 'total', 'property_type', 'Numeric')))),
	'events', (SELECT json_agg(json_build_object('name', 'small_' || g, 'description', 'event ' || g,
		'tags', json_build_array('a', 'b'), 'property_groups', json_build_array('Order')) ORDER BY g)
		FROM generate_series(1, 2000) g));
SELECT length(plan::text) BETWEEN 15 * 1024 * 1024 AND 16 * 1024 * 1024 AS near_16mb,
	   length(stale::text) <= 16 * 1024 * 1024 AS stale_too
FROM public.regress_plan_big;
GRANT SELECT ON public.regress_plan_big TO PUBLIC;

-- the diff of the large plan (49,000 creates), and its apply with a stale
-- base_hash (everything read and compared, then PT409), once the
-- backend's caches are warm: peak memory within 6 times the plan's size
-- (the plan's text, then its items as canonical jsonb)
\c - regress_plan_memory_writer
SELECT public.regress_plan_try('SELECT event_definitions.diff_tracking_plan(9621, $1)', '{"version": 1}') AS warm_diff,
	   public.regress_plan_try('SELECT event_definitions.apply_tracking_plan(9621, $1)',
		json_build_object('version', 1, 'base_hash', repeat('0', 64))) AS warm_apply;
SELECT public.regress_plan_peak_kb() AS start_kb \gset
SELECT public.regress_plan_try('SELECT event_definitions.diff_tracking_plan(9621, $1)', plan) AS diff_16mb
FROM public.regress_plan_big;
SELECT public.regress_plan_try('SELECT event_definitions.apply_tracking_plan(9621, $1)', stale) AS stale_apply_16mb
FROM public.regress_plan_big;
SELECT public.regress_plan_peak_kb() - :start_kb < 96 * 1024 AS plan_16mb_peak_under_96mb;

-- an apply that writes 2,000 events, each attached to a group, through
-- the API: its memory does not grow with every call it makes
\c - regress_plan_memory_writer
SELECT public.regress_plan_peak_kb() AS start_kb \gset
SELECT public.regress_plan_try('SELECT event_definitions.apply_tracking_plan(9621, $1)', small) AS apply_2000
FROM public.regress_plan_big;
SELECT public.regress_plan_peak_kb() - :start_kb < 64 * 1024 AS apply_2000_peak_under_64mb;

-- what was written: the small plan, nothing of the stale one
\c - :superuser_name
SELECT count(*) AS definitions, count(*) FILTER (WHERE name LIKE 'plan\_%') AS from_stale,
	   (SELECT count(*) FROM event_definitions_private.event_schemas s WHERE s.project_id = 9621) AS attached
FROM event_definitions_private.event_definitions WHERE project_id = 9621;

DROP TABLE public.regress_plan_big;
DROP FUNCTION public.regress_plan_peak_kb(), public.regress_plan_try(text, json);
DELETE FROM event_definitions_private.projects WHERE project_id = 9621;
DELETE FROM event_definitions_private.users WHERE id = 9622;
DROP ROLE regress_plan_memory_writer;
