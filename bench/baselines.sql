-- Plain-SQL baselines of the benchmark.  tools/bench loads this file after
-- bench/data.sql and measures the C functions against these;
-- test/sql/bench_baselines.sql loads it on a small dataset and checks that
-- every baseline answers exactly what its C function answers (results,
-- errors, rows written, activity-log entries).  It only creates functions:
-- no data, no psql settings.
CREATE SCHEMA IF NOT EXISTS bench;

/*
 * Plain-SQL baselines: the same JSON from the same tables, written as a
 * user of the extension would write them without C.  The LANGUAGE sql ones
 * are single statements (PostgreSQL plans a non-inlined SQL function's
 * statement again on every call); the plpgsql ones keep their plans like
 * the C functions' SPI plans do, and also raise the same errors.
 */

-- event_definition_by_name
CREATE FUNCTION bench.by_name_sql(project_id bigint, name text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(v) - 'project_id'
	FROM event_definitions.event_definitions v
	WHERE v.project_id = $1 AND v.name = $2
$$;

CREATE FUNCTION bench.by_name_plpgsql(p_project_id bigint, p_name text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	r jsonb;
BEGIN
	IF p_project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be null' USING ERRCODE = '22004';
	END IF;
	IF p_name IS NULL OR p_name = '' THEN
		RAISE EXCEPTION 'query parameter "name" is required' USING ERRCODE = '22023',
			DETAIL = 'Query parameter ''name'' is required', COLUMN = 'name';
	END IF;
	SELECT to_jsonb(v) - 'project_id' INTO r
	FROM event_definitions.event_definitions v
	WHERE v.project_id = p_project_id AND v.name = p_name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'event definition with name ''%'' not found', p_name USING ERRCODE = 'PT404',
			DETAIL = format('Event definition with name ''%s'' not found', p_name);
	END IF;
	RETURN r;
END
$$;

-- retrieve_event_definition
CREATE FUNCTION bench.retrieve_sql(project_id bigint, id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(v) - 'project_id'
	FROM event_definitions.event_definitions v
	WHERE v.project_id = $1 AND v.id = $2
$$;

CREATE FUNCTION bench.retrieve_plpgsql(p_project_id bigint, p_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	r jsonb;
BEGIN
	IF p_project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be null' USING ERRCODE = '22004';
	END IF;
	SELECT to_jsonb(v) - 'project_id' INTO r
	FROM event_definitions.event_definitions v
	WHERE v.project_id = p_project_id AND v.id = p_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'event definition not found' USING ERRCODE = 'PT404', DETAIL = 'Not found.';
	END IF;
	RETURN r;
END
$$;

-- promoted_properties
CREATE FUNCTION bench.promoted_sql(project_id bigint, names text[] DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('promoted_properties', COALESCE(jsonb_object_agg(d.name, d.promoted_property), '{}'))
	FROM event_definitions_private.event_definitions d
	WHERE d.project_id = $1
	  AND d.promoted_property IS NOT NULL AND d.promoted_property <> ''
	  AND (COALESCE(cardinality(array_remove(array_remove($2, NULL), '')), 0) = 0 OR d.name = ANY ($2))
$$;

CREATE FUNCTION bench.promoted_plpgsql(p_project_id bigint, p_names text[] DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	n text[];
	r jsonb;
BEGIN
	IF p_project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be null' USING ERRCODE = '22004';
	END IF;
	n := ARRAY(SELECT DISTINCT x COLLATE "C" FROM unnest(p_names) x WHERE x <> '' ORDER BY 1);
	PERFORM FROM event_definitions_private.projects p WHERE p.project_id = p_project_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % not found', p_project_id USING ERRCODE = 'PT404', DETAIL = 'Not found.';
	END IF;
	IF cardinality(n) > 0 THEN
		SELECT jsonb_build_object('promoted_properties', COALESCE(jsonb_object_agg(d.name, d.promoted_property), '{}'))
		INTO r
		FROM event_definitions_private.event_definitions d
		WHERE d.project_id = p_project_id AND d.name = ANY (n)
		  AND d.promoted_property IS NOT NULL AND d.promoted_property <> '';
	ELSE
		SELECT jsonb_build_object('promoted_properties', COALESCE(jsonb_object_agg(d.name, d.promoted_property), '{}'))
		INTO r
		FROM event_definitions_private.event_definitions d
		WHERE d.project_id = p_project_id
		  AND d.promoted_property IS NOT NULL AND d.promoted_property <> '';
	END IF;
	RETURN r;
END
$$;

-- event_definition_metrics
CREATE FUNCTION bench.metrics_sql(project_id bigint, id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('query_usage_30_day', COALESCE((
		SELECT sum(u.count) FROM event_definitions_private.event_usage u
		WHERE u.project_id = d.project_id AND u.event_name = d.name
		  AND u.day >= (now() - interval '30 days')::date), 0))
	FROM event_definitions_private.event_definitions d
	WHERE d.project_id = $1 AND d.id = $2
$$;

CREATE FUNCTION bench.metrics_plpgsql(p_project_id bigint, p_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	r jsonb;
BEGIN
	IF p_project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be null' USING ERRCODE = '22004';
	END IF;
	SELECT jsonb_build_object('query_usage_30_day', COALESCE((
		SELECT sum(u.count) FROM event_definitions_private.event_usage u
		WHERE u.project_id = d.project_id AND u.event_name = d.name
		  AND u.day >= (now() - interval '30 days')::date), 0))
	INTO r
	FROM event_definitions_private.event_definitions d
	WHERE d.project_id = p_project_id AND d.id = p_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'event definition not found' USING ERRCODE = 'PT404', DETAIL = 'Not found.';
	END IF;
	RETURN r;
END
$$;

-- list_event_definitions: the default page (no filters, default ordering).
-- As the C function (version 1.1): a project of more than 50,000
-- definitions gets a count capped at 10,000 (count_is_capped) and a next
-- link while pages are full; above 100,000 the default order is by name.
-- The size is the one the C function goes by: the planner's estimate from
-- the statistics of project_id (most common values and frequencies, scaled
-- to the table's current number of pages), computed as src/list.c does.
CREATE FUNCTION bench.project_size(p_project_id bigint) RETURNS double precision
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_tuples double precision;
	v_freq double precision;
	st record;
BEGIN
	SELECT CASE WHEN c.reltuples > 0 AND c.relpages > 0
				THEN c.reltuples::float8 / c.relpages
					 * (pg_relation_size(c.oid) / current_setting('block_size')::integer)
				ELSE c.reltuples END
	INTO v_tuples
	FROM pg_class c WHERE c.oid = 'event_definitions_private.event_definitions'::regclass;
	IF v_tuples <= 0 THEN
		RETURN 0;
	END IF;
	SELECT s.most_common_vals::text::bigint[] AS vals, s.most_common_freqs AS freqs,
		   s.n_distinct::float8 AS n_distinct, s.null_frac::float8 AS null_frac
	INTO st
	FROM pg_stats s
	WHERE s.schemaname = 'event_definitions_private' AND s.tablename = 'event_definitions'
	  AND s.attname = 'project_id' AND NOT s.inherited;
	IF NOT FOUND THEN
		RETURN 0;
	END IF;
	v_freq := st.freqs[array_position(st.vals, p_project_id)];
	IF v_freq IS NULL THEN
		v_freq := (1.0 - COALESCE((SELECT sum(f::float8) FROM unnest(st.freqs) f), 0) - st.null_frac)
				  / greatest(CASE WHEN st.n_distinct > 0 THEN st.n_distinct ELSE -st.n_distinct * v_tuples END
							 - COALESCE(cardinality(st.vals), 0), 1.0);
	END IF;
	RETURN greatest(v_freq, 0) * v_tuples;
END
$$;

-- (Written for a generic plan, as a SQL function's statement is planned
-- without the argument values: the count once, the rows by primary key.)
CREATE FUNCTION bench.list_sql(project_id bigint, "limit" integer DEFAULT 100, "offset" integer DEFAULT 0)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH c AS MATERIALIZED (
		SELECT s.size,
			   s.size > 50000 AS large,
			   CASE WHEN s.size > 50000
					THEN (SELECT count(*) FROM (SELECT FROM event_definitions_private.event_definitions d
												WHERE d.project_id = $1 LIMIT 10000) x)
					ELSE (SELECT count(*) FROM event_definitions_private.event_definitions d WHERE d.project_id = $1)
			   END AS n
		FROM (SELECT bench.project_size(p.project_id) AS size
			  FROM event_definitions_private.projects p WHERE p.project_id = $1) s),
	page AS MATERIALIZED (
		SELECT p.id, p.ord
		FROM (SELECT d.id, row_number() OVER (ORDER BY d.last_seen_date DESC NULLS LAST, d.name) AS ord
			  FROM event_definitions_private.event_definitions d
			  WHERE d.project_id = $1
			  ORDER BY d.last_seen_date DESC NULLS LAST, d.name
			  LIMIT $2 OFFSET $3) p
		WHERE (SELECT c.size FROM c) <= 100000
		UNION ALL
		SELECT p.id, p.ord
		FROM (SELECT d.id, row_number() OVER (ORDER BY d.name) AS ord
			  FROM event_definitions_private.event_definitions d
			  WHERE d.project_id = $1
			  ORDER BY d.name
			  LIMIT $2 OFFSET $3) p
		WHERE (SELECT c.size FROM c) > 100000),
	r AS (
		SELECT COALESCE(jsonb_agg((SELECT to_jsonb(v) - 'project_id' FROM event_definitions.event_definitions v
								   WHERE v.project_id = $1 AND v.id = page.id) ORDER BY page.ord), '[]') AS results,
			   count(*) AS n
		FROM page)
	SELECT jsonb_build_object(
		'count', c.n,
		'next', CASE WHEN (c.large AND c.n >= 10000 AND r.n = $2) OR (NOT (c.large AND c.n >= 10000) AND $3 + $2 < c.n)
					 THEN '?limit=' || $2 || '&offset=' || ($3 + $2) END,
		'previous', CASE WHEN $3 > 0 THEN '?limit=' || $2 ||
							CASE WHEN $3 - $2 > 0 THEN '&offset=' || ($3 - $2) ELSE '' END END,
		'count_is_capped', c.large AND c.n >= 10000,
		'results', r.results)
	FROM c, r
$$;

CREATE FUNCTION bench.list_plpgsql(p_project_id bigint, p_limit integer DEFAULT 100, p_offset integer DEFAULT 0)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_size double precision;
	v_count bigint;
	v_capped boolean;
	v_results jsonb;
	v_rows integer;
BEGIN
	IF p_project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be null' USING ERRCODE = '22004';
	END IF;
	p_limit := COALESCE(p_limit, 100);
	p_offset := COALESCE(p_offset, 0);
	IF p_limit < 1 THEN
		RAISE EXCEPTION 'invalid "limit": ensure this value is greater than or equal to 1.' USING ERRCODE = '22023';
	END IF;
	IF p_offset < 0 THEN
		RAISE EXCEPTION 'invalid "offset": ensure this value is greater than or equal to 0.' USING ERRCODE = '22023';
	END IF;
	SELECT bench.project_size(p.project_id) INTO v_size FROM event_definitions_private.projects p WHERE p.project_id = p_project_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % not found', p_project_id USING ERRCODE = 'PT404', DETAIL = 'Not found.';
	END IF;
	IF v_size > 50000 THEN
		SELECT count(*) INTO v_count
		FROM (SELECT FROM event_definitions_private.event_definitions d WHERE d.project_id = p_project_id LIMIT 10000) x;
	ELSE
		SELECT count(*) INTO v_count FROM event_definitions_private.event_definitions d WHERE d.project_id = p_project_id;
	END IF;
	v_capped := v_size > 50000 AND v_count >= 10000;
	IF v_size > 100000 THEN
		SELECT COALESCE(jsonb_agg(to_jsonb(v) - 'project_id' ORDER BY p.ord), '[]'), count(*) INTO v_results, v_rows
		FROM (SELECT d.id, row_number() OVER (ORDER BY d.name) AS ord
			  FROM event_definitions_private.event_definitions d
			  WHERE d.project_id = p_project_id
			  ORDER BY d.name
			  LIMIT p_limit OFFSET p_offset) p
		JOIN event_definitions.event_definitions v ON v.project_id = p_project_id AND v.id = p.id;
	ELSE
		SELECT COALESCE(jsonb_agg(to_jsonb(v) - 'project_id' ORDER BY p.ord), '[]'), count(*) INTO v_results, v_rows
		FROM (SELECT d.id, row_number() OVER (ORDER BY d.last_seen_date DESC NULLS LAST, d.name) AS ord
			  FROM event_definitions_private.event_definitions d
			  WHERE d.project_id = p_project_id
			  ORDER BY d.last_seen_date DESC NULLS LAST, d.name
			  LIMIT p_limit OFFSET p_offset) p
		JOIN event_definitions.event_definitions v ON v.project_id = p_project_id AND v.id = p.id;
	END IF;
	RETURN jsonb_build_object(
		'count', v_count,
		'next', CASE WHEN (v_capped AND v_rows = p_limit) OR (NOT v_capped AND p_offset + p_limit < v_count)
					 THEN '?limit=' || p_limit || '&offset=' || (p_offset + p_limit) END,
		'previous', CASE WHEN p_offset > 0 THEN '?limit=' || p_limit ||
							CASE WHEN p_offset - p_limit > 0 THEN '&offset=' || (p_offset - p_limit) ELSE '' END END,
		'count_is_capped', v_capped,
		'results', v_results);
END
$$;

-- bulk_update_tags: same validation, tag normalization, locking, result
-- and activity-log rows as the C function.
CREATE FUNCTION bench.bulk_update_tags_plpgsql(p_project_id bigint, p_body json) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	v_ids uuid[];
	v_action text;
	v_tags text[];
	v_raw json;
	r jsonb;
BEGIN
	IF p_project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be null' USING ERRCODE = '22004';
	END IF;
	PERFORM FROM event_definitions_private.projects p WHERE p.project_id = p_project_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % not found', p_project_id USING ERRCODE = 'PT404', DETAIL = 'Not found.';
	END IF;
	p_body := COALESCE(p_body, '{}');
	IF json_typeof(p_body) <> 'object' THEN
		RAISE EXCEPTION 'invalid bulk_update_tags body' USING ERRCODE = '22023';
	END IF;

	v_raw := p_body -> 'ids';
	IF v_raw IS NULL OR json_typeof(v_raw) <> 'array' THEN
		RAISE EXCEPTION 'invalid "ids"' USING ERRCODE = '22023', COLUMN = 'ids';
	END IF;
	IF json_array_length(v_raw) NOT BETWEEN 1 AND 500 THEN
		RAISE EXCEPTION 'invalid "ids": list size' USING ERRCODE = '22023', COLUMN = 'ids';
	END IF;
	IF EXISTS (SELECT FROM json_array_elements(v_raw) e
			   WHERE json_typeof(e) <> 'string'
				  OR e #>> '{}' !~* '^\{?[0-9a-f]{4}(-?[0-9a-f]{4}){7}\}?$') THEN
		RAISE EXCEPTION 'invalid "ids": must be a valid UUID.' USING ERRCODE = '22023', COLUMN = 'ids';
	END IF;
	v_ids := ARRAY(SELECT (e #>> '{}')::uuid FROM json_array_elements(v_raw) WITH ORDINALITY AS x(e, o) ORDER BY o);

	v_action := p_body ->> 'action';
	IF v_action IS NULL OR v_action NOT IN ('add', 'remove', 'set') THEN
		RAISE EXCEPTION 'invalid "action"' USING ERRCODE = '22023', COLUMN = 'action';
	END IF;

	v_raw := p_body -> 'tags';
	IF v_raw IS NULL OR json_typeof(v_raw) <> 'array' THEN
		RAISE EXCEPTION 'invalid "tags"' USING ERRCODE = '22023', COLUMN = 'tags';
	END IF;
	IF json_array_length(v_raw) > 100 THEN
		RAISE EXCEPTION 'invalid "tags": ensure this field has no more than 100 elements.' USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT FROM json_array_elements(v_raw) e
			   WHERE json_typeof(e) NOT IN ('string', 'number')
				  OR char_length(regexp_replace(e #>> '{}', '^\s+|\s+$', '', 'g')) NOT BETWEEN 1 AND 255) THEN
		RAISE EXCEPTION 'invalid "tags"' USING ERRCODE = '22023', COLUMN = 'tags';
	END IF;
	v_tags := ARRAY(SELECT DISTINCT lower(regexp_replace(t, '^\s+|\s+$', '', 'g')) COLLATE "C"
					FROM json_array_elements_text(v_raw) t ORDER BY 1);
	IF cardinality(v_tags) = 0 AND v_action <> 'set' THEN
		RAISE EXCEPTION 'invalid "tags": tags must not be empty for action ''%''.', v_action USING ERRCODE = '22023';
	END IF;
	IF cardinality(v_ids) * cardinality(v_tags) > 10000 THEN
		RAISE EXCEPTION 'too many changes in one request' USING ERRCODE = '22023';
	END IF;

	WITH req AS (
		SELECT x.id, min(x.ord) AS ord
		FROM unnest(v_ids) WITH ORDINALITY AS x(id, ord) GROUP BY x.id),
	cur AS (
		SELECT d.project_id, d.id, d.name, d.tags AS before
		FROM event_definitions_private.event_definitions d
		WHERE d.project_id = p_project_id AND d.id IN (SELECT req.id FROM req)
		ORDER BY d.id FOR UPDATE),
	new AS (
		SELECT c.project_id, c.id, c.name, c.before, req.ord,
			   CASE v_action
				   WHEN 'add' THEN ARRAY(SELECT DISTINCT t FROM unnest(c.before || v_tags) t ORDER BY t)
				   WHEN 'remove' THEN ARRAY(SELECT t FROM unnest(c.before) t WHERE t <> ALL (v_tags) ORDER BY t)
				   ELSE v_tags END AS after
		FROM cur c JOIN req ON req.id = c.id),
	upd AS (
		UPDATE event_definitions_private.event_definitions d SET tags = n.after
		FROM new n WHERE d.project_id = n.project_id AND d.id = n.id AND d.tags IS DISTINCT FROM n.after
		RETURNING d.id),
	log AS (
		INSERT INTO event_definitions_private.activity_log (project_id, scope, item_id, activity, user_id, detail)
		SELECT p_project_id, 'EventDefinition', n.id::text, 'changed', event_definitions_private.acting_user_id(),
			   jsonb_build_object('name', n.name, 'changes', jsonb_build_array(
				   jsonb_build_object('type', 'EventDefinition', 'action', 'changed', 'field', 'tags',
									  'before', to_jsonb(n.before), 'after', to_jsonb(n.after))))
		FROM new n WHERE n.before IS DISTINCT FROM n.after ORDER BY n.id)
	SELECT jsonb_build_object(
		'updated', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', n.id, 'tags', to_jsonb(n.after)) ORDER BY n.ord)
							 FROM new n), '[]'),
		'skipped', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', x.id, 'reason', 'Not found') ORDER BY x.ord)
							 FROM unnest(v_ids) WITH ORDINALITY AS x(id, ord)
							 WHERE NOT EXISTS (SELECT 1 FROM new n WHERE n.id = x.id)), '[]'))
	INTO r;
	RETURN r;
END
$$;

-- bulk_update_verified: same validation, locking, result and activity-log
-- rows as the C function.
CREATE FUNCTION bench.bulk_update_verified_plpgsql(p_project_id bigint, p_body json) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	v_ids uuid[];
	v_raw json;
	v_verified boolean;
	v_user integer;
	r jsonb;
BEGIN
	IF p_project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be null' USING ERRCODE = '22004';
	END IF;
	PERFORM FROM event_definitions_private.projects p WHERE p.project_id = p_project_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % not found', p_project_id USING ERRCODE = 'PT404', DETAIL = 'Not found.';
	END IF;
	p_body := COALESCE(p_body, '{}');
	IF json_typeof(p_body) <> 'object' THEN
		RAISE EXCEPTION 'invalid bulk_update_verified body' USING ERRCODE = '22023';
	END IF;
	v_raw := p_body -> 'ids';
	IF v_raw IS NULL OR json_typeof(v_raw) <> 'array' THEN
		RAISE EXCEPTION 'invalid "ids"' USING ERRCODE = '22023', COLUMN = 'ids';
	END IF;
	IF json_array_length(v_raw) NOT BETWEEN 1 AND 500 THEN
		RAISE EXCEPTION 'invalid "ids": list size' USING ERRCODE = '22023', COLUMN = 'ids';
	END IF;
	IF EXISTS (SELECT FROM json_array_elements(v_raw) e
			   WHERE json_typeof(e) <> 'string'
				  OR e #>> '{}' !~* '^\{?[0-9a-f]{4}(-?[0-9a-f]{4}){7}\}?$') THEN
		RAISE EXCEPTION 'invalid "ids": must be a valid UUID.' USING ERRCODE = '22023', COLUMN = 'ids';
	END IF;
	v_ids := ARRAY(SELECT (e #>> '{}')::uuid FROM json_array_elements(v_raw) WITH ORDINALITY AS x(e, o) ORDER BY o);
	v_raw := p_body -> 'verified';
	IF v_raw IS NULL THEN
		RAISE EXCEPTION 'invalid "verified"' USING ERRCODE = '22023', COLUMN = 'verified';
	END IF;
	IF json_typeof(v_raw) = 'boolean' THEN
		v_verified := v_raw::text::boolean;
	ELSIF json_typeof(v_raw) = 'string' AND (v_raw #>> '{}') IN
		('t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1') THEN
		v_verified := true;
	ELSIF json_typeof(v_raw) = 'string' AND (v_raw #>> '{}') IN
		('f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0') THEN
		v_verified := false;
	ELSIF json_typeof(v_raw) = 'number' AND v_raw::text::numeric IN (0, 1) THEN
		v_verified := v_raw::text::numeric = 1;
	ELSE
		RAISE EXCEPTION 'invalid "verified": must be a valid boolean.' USING ERRCODE = '22023', COLUMN = 'verified';
	END IF;

	v_user := event_definitions_private.acting_user_id();

	WITH req AS (
		SELECT x.id, min(x.ord) AS ord
		FROM unnest(v_ids) WITH ORDINALITY AS x(id, ord) GROUP BY x.id),
	cur AS (
		SELECT d.project_id, d.id, event_definitions_private.snapshot(d) AS before
		FROM event_definitions_private.event_definitions d
		WHERE d.project_id = p_project_id AND d.id IN (SELECT req.id FROM req)
		ORDER BY d.id FOR UPDATE),
	upd AS (
		UPDATE event_definitions_private.event_definitions d SET
			verified = v_verified,
			verified_by_id = CASE WHEN v_verified THEN v_user END,
			verified_at = CASE WHEN v_verified THEN now() END,
			hidden = CASE WHEN v_verified THEN false ELSE d.hidden END,
			updated_by_id = v_user,
			updated_at = now()
		FROM cur c WHERE d.project_id = c.project_id AND d.id = c.id AND d.verified <> v_verified
		RETURNING d.id, d.name, c.before, event_definitions_private.snapshot(d) AS after),
	log AS (
		INSERT INTO event_definitions_private.activity_log (project_id, scope, item_id, activity, user_id, detail)
		SELECT p_project_id, 'EventDefinition', u.id::text, 'changed', v_user,
			   jsonb_build_object('name', u.name, 'changes',
								  event_definitions_private.changes(u.before, u.after, 'changed', 'EventDefinition'))
		FROM upd u ORDER BY u.id)
	SELECT jsonb_build_object(
		'updated', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'verified', v_verified) ORDER BY req.ord)
							 FROM cur c JOIN req ON req.id = c.id), '[]'),
		'skipped', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', req.id, 'reason', 'Not found') ORDER BY req.ord)
							 FROM req WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.id = req.id)), '[]'))
	INTO r;
	RETURN r;
END
$$;


/*
 * What a defence costs: the entry points of event_definition_by_name and
 * ingest_event without the extension's pinned search_path (SET search_path
 * = pg_catalog, pg_temp, which every function of the extension carries), so
 * that the bench measures the pinning against them.  Same C code, same
 * answers (test/sql/bench_baselines.sql checks them).
 */
CREATE FUNCTION bench.by_name_unpinned(project_id bigint, name text) RETURNS jsonb
LANGUAGE C STABLE AS '$libdir/event_definitions', 'ed_event_definition_by_name';

CREATE FUNCTION bench.ingest_event_unpinned(project_id bigint, event text, properties jsonb,
											"timestamp" timestamptz DEFAULT pg_catalog.now()) RETURNS jsonb
LANGUAGE C VOLATILE AS '$libdir/event_definitions', 'ed_ingest_event';
