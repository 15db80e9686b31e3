-- Helpers of the report, loaded by tools/bench with the data.

-- What a list page answered: its count (capped or exact) and whether its
-- rows come in name order.
CREATE FUNCTION bench.page_answered(page jsonb, p_project_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN (page ->> 'count_is_capped')::boolean THEN 'count capped at ' || (page ->> 'count')
				ELSE 'exact count ' || (page ->> 'count') END
		|| CASE WHEN ARRAY(SELECT r ->> 'name' FROM jsonb_array_elements(page -> 'results') r)
					 = ARRAY(SELECT d.name FROM event_definitions_private.event_definitions d
							 WHERE d.project_id = p_project_id ORDER BY d.name LIMIT 100)
				THEN ', name order' ELSE ', last-seen order' END
$$;

-- Peak resident / peak virtual memory (VmHWM / VmPeak) of this backend.
CREATE FUNCTION bench.backend_memory() RETURNS text
LANGUAGE sql AS $$
	SELECT string_agg(round(substring(l FROM '([0-9]+) kB')::numeric / 1024) || ' MB', ' / '
					  ORDER BY l LIKE 'VmPeak%')
	FROM regexp_split_to_table(pg_read_file('/proc/' || pg_backend_pid() || '/status'), E'\n') l
	WHERE l ~ '^(VmPeak|VmHWM):'
$$;

-- The machine the server runs on and the versions measured, tab-separated:
-- CPUs, CPU model, memory, PostgreSQL's version(), the extension's version.
CREATE FUNCTION bench.machine() RETURNS text
LANGUAGE sql AS $$
	SELECT concat_ws(E'\t',
		(SELECT count(*) FROM regexp_split_to_table(pg_read_file('/proc/cpuinfo'), E'\n') l WHERE l ~ '^processor\s*:'),
		(SELECT substring(l FROM ':\s*(.*)$') FROM regexp_split_to_table(pg_read_file('/proc/cpuinfo'), E'\n') l
		 WHERE l ~ '^model name\s*:' LIMIT 1),
		(SELECT round(substring(l FROM '([0-9]+) kB')::numeric / 1048576, 1) || ' GiB'
		 FROM regexp_split_to_table(pg_read_file('/proc/meminfo'), E'\n') l WHERE l ~ '^MemTotal:'),
		version(),
		(SELECT extversion FROM pg_extension WHERE extname = 'event_definitions'))
$$;
