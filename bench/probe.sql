-- Run by tools/bench after loading bench/data.sql and bench/baselines.sql,
-- just before measuring: a quick probe that the data is what the cases
-- assume and that the baselines still answer what the C functions answer on
-- it, then pg_prewarm.  The real check of the baselines is the regression
-- test bench_baselines (./tools/test bench_baselines); this only refuses to
-- measure baselines that have obviously drifted.  small_rows is set by
-- tools/bench (psql -v).
\set ON_ERROR_STOP 1
SELECT set_config('bench.small_rows', :'small_rows', false) \g /dev/null
CREATE FUNCTION bench.probe() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	probe record;
BEGIN
	FOR probe IN
		SELECT * FROM (VALUES
			('by_name', event_definitions.event_definition_by_name(1, 'event_77'),
			 bench.by_name_sql(1, 'event_77'), bench.by_name_plpgsql(1, 'event_77')),
			('retrieve', event_definitions.retrieve_event_definition(1, md5('1-143')::uuid),
			 bench.retrieve_sql(1, md5('1-143')::uuid), bench.retrieve_plpgsql(1, md5('1-143')::uuid)),
			('promoted', event_definitions.promoted_properties(1), bench.promoted_sql(1), bench.promoted_plpgsql(1)),
			('metrics', event_definitions.event_definition_metrics(1, md5('1-10')::uuid),
			 bench.metrics_sql(1, md5('1-10')::uuid), bench.metrics_plpgsql(1, md5('1-10')::uuid)),
			('list', event_definitions.list_event_definitions(1), bench.list_sql(1), bench.list_plpgsql(1))
		) v(what, c, sql, plpgsql)
	LOOP
		IF probe.c IS NULL OR probe.c IS DISTINCT FROM probe.sql OR probe.c IS DISTINCT FROM probe.plpgsql THEN
			RAISE EXCEPTION 'the % baselines do not answer what the C function answers (as %)', probe.what, current_user
				USING HINT = 'Run ./tools/test bench_baselines.';
		END IF;
	END LOOP;
END
$$;
SELECT bench.probe() \g /dev/null

-- the 1.1 rules hold: an exact count for project 5, a capped one for project 1
DO $$
DECLARE
	n integer := current_setting('bench.small_rows')::integer;
	small jsonb := event_definitions.list_event_definitions(5);
	p1 jsonb := event_definitions.list_event_definitions(1);
BEGIN
	IF (small ->> 'count')::int <> n OR (small ->> 'count_is_capped')::boolean
	   OR jsonb_array_length(small -> 'results') <> least(n, 100) THEN
		RAISE EXCEPTION 'unexpected page of project 5: %', small - 'results';
	END IF;
	IF (p1 ->> 'count')::int <> 10000 OR NOT (p1 ->> 'count_is_capped')::boolean THEN
		RAISE EXCEPTION 'unexpected page of project 1: %', p1 - 'results';
	END IF;
END
$$;

-- everything in shared buffers before measuring
SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('event_definitions_private', 'bench') AND c.relkind IN ('r', 'i', 't') \g /dev/null

-- the writer login: the same answers, and really filtered by row-level
-- security (project 3 is not one of its projects)
\connect - bench_writer
SELECT bench.probe() \g /dev/null
DO $$
BEGIN
	IF EXISTS (SELECT FROM event_definitions.event_definitions WHERE project_id = 3) THEN
		RAISE EXCEPTION 'row-level security does not filter bench_writer';
	END IF;
END
$$;

-- the floors read the same rows the functions answer: the view's page is
-- the list's page of project 1 (listed by name), row for row
\connect - postgres
DO $$
BEGIN
	IF (SELECT jsonb_agg(to_jsonb(v) - 'project_id' ORDER BY v.name)
		FROM (SELECT * FROM event_definitions.event_definitions v WHERE v.project_id = 1 ORDER BY v.name LIMIT 100) v)
	   IS DISTINCT FROM event_definitions.list_event_definitions(1, ordering => 'name') -> 'results' THEN
		RAISE EXCEPTION 'the raw page of bench/cases/list_page_raw.sql is not the list''s page of project 1';
	END IF;
	IF (SELECT to_jsonb(v) - 'project_id' FROM event_definitions.event_definitions v
		WHERE v.project_id = 1 AND v.name = 'event_77')
	   IS DISTINCT FROM event_definitions.event_definition_by_name(1, 'event_77') THEN
		RAISE EXCEPTION 'by_name does not answer the row of bench/cases/by_name_raw.sql';
	END IF;
END
$$;
