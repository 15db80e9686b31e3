-- PostgREST, replayed: every endpoint of docs/postgrest.md as the SQL that
-- PostgREST (v12+) sends, on a gateway login (authenticator) with JWT claims.
-- Each request is one transaction: the pre-request set_config() of
-- search_path, role, request.jwt.claims, request.method, request.path,
-- request.headers, request.cookies, then the main query.  Table reads are
-- PREPAREd with untyped parameters, as PostgREST sends filter values; RPC
-- bodies are one json parameter unpacked with json_to_record into named
-- arguments (GET query strings become a JSON object of strings).  The
-- harness derives the HTTP status from response.status, the count, or the
-- SQLSTATE (PostgREST's mapping).  Projects 7101 (alice, 7111) and 7102
-- (bob, 7112).
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_pgrst_anon, regress_pgrst_authenticator;
RESET client_min_messages;
\set VERBOSITY terse

CREATE ROLE regress_pgrst_anon NOLOGIN;
CREATE ROLE regress_pgrst_authenticator LOGIN NOINHERIT;
GRANT event_definitions_gateway, event_definitions_reader, event_definitions_writer, regress_pgrst_anon
	TO regress_pgrst_authenticator;
SELECT event_definitions.upsert_project(7101, 'Storefront') ->> 'name' AS p1,
	   event_definitions.upsert_project(7102, 'Backoffice') ->> 'name' AS p2;
SELECT event_definitions.upsert_user('{"id": 7111, "uuid": "00000000-0000-4000-8000-000000007111", "first_name": "Alice", "email": "alice@example.com"}') ->> 'first_name' AS u1,
	   event_definitions.upsert_user('{"id": 7112, "uuid": "00000000-0000-4000-8000-000000007112", "first_name": "Bob", "email": "bob@example.com"}') ->> 'first_name' AS u2;
SELECT event_definitions.add_project_member(7101, 7111), event_definitions.add_project_member(7102, 7112);
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, promoted_property, tags, created_at, last_seen_at, updated_at, owner_id) VALUES
	(7101, '71010000-0000-4000-8000-000000000001', 'signup', 'plan', '{growth}', '2024-01-01Z', '2024-03-01Z', '2024-01-01Z', 7111),
	(7101, '71010000-0000-4000-8000-000000000002', 'checkout', NULL, '{}', '2024-01-02Z', '2024-03-02Z', '2024-01-02Z', NULL),
	(7101, '71010000-0000-4000-8000-000000000003', 'page_view', 'path', '{web}', '2024-01-03Z', NULL, '2024-01-03Z', NULL),
	(7102, '71020000-0000-4000-8000-000000000001', 'secret_event', 'secret', '{}', NULL, NULL, '2024-01-04Z', NULL);
INSERT INTO event_definitions_private.event_usage VALUES (7101, 'signup', CURRENT_DATE, 9);

-- PostgREST's error mapping (Error.hs): PTxyz -> xyz, 42501 -> 401 anonymous / 403, ...
CREATE FUNCTION public.pgrst_http_status(state text) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN state LIKE 'PT___' THEN substr(state, 3)::integer
		WHEN state IN ('23503', '23505') THEN 409
		WHEN state = '42501' THEN
			CASE WHEN (NULLIF(current_setting('request.jwt.claims', true), '')::jsonb - 'role') = '{}' THEN 401 ELSE 403 END
		WHEN state IN ('42883', '42P01') THEN 404
		WHEN state = '25006' THEN 405
		WHEN state LIKE '08%' OR state LIKE '53%' THEN 503
		WHEN state LIKE 'XX%' THEN 500
		ELSE 400 END
$$;
-- POST/GET /rpc/<fn> with KeyParams: the statement PostgREST builds (QueryBuilder.callPlanToQuery +
-- Statements.mainCall) for a function returning a scalar, with the keys present in the payload
CREATE FUNCTION public.pgrst_call_sql(fn text, payload json) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT format('WITH pgrst_source AS (SELECT pgrst_call.pgrst_scalar FROM (SELECT $1 AS json_data) pgrst_payload, '
		'LATERAL (SELECT %s FROM json_to_record(pgrst_payload.json_data) AS _(%s) LIMIT 1) pgrst_body , '
		'LATERAL (SELECT "event_definitions".%I(%s) pgrst_scalar) pgrst_call) '
		'SELECT null::bigint AS total_result_set, 1 AS page_total, '
		'coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, ''null'') AS body, '
		'nullif(current_setting(''response.headers'', true), '''') AS response_headers, '
		'nullif(current_setting(''response.status'', true), '''') AS response_status, '
		''''' AS response_inserted FROM (SELECT %I.* FROM "pgrst_source" AS %I) _postgrest_t',
		string_agg(format('%I', a.name), ', ' ORDER BY a.ord),
		string_agg(format('%I %s', a.name, format_type(a.typ, NULL)), ', ' ORDER BY a.ord),
		fn, string_agg(format('%I := pgrst_body.%I', a.name, a.name), ', ' ORDER BY a.ord), fn, fn)
	FROM pg_proc p, unnest(p.proargnames, p.proargtypes::oid[]) WITH ORDINALITY AS a(name, typ, ord)
	WHERE p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'event_definitions') AND p.proname = fn
	  AND a.name IN (SELECT json_object_keys(payload))
$$;
-- runs a main query (a prepared table read, or an RPC call with its json body) and answers like
-- PostgREST: HTTP status, Content-Range, body (the error body {code, message, details, hint} on error)
CREATE FUNCTION public.pgrst_run(sql text, payload json DEFAULT NULL, single boolean DEFAULT false,
								 range_offset bigint DEFAULT 0)
RETURNS TABLE (status integer, content_range text, body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	total bigint; page bigint; b text; hdrs text; resp text; ins text;
	st text; msg text; det text; hnt text;
BEGIN
	IF payload IS NULL THEN
		EXECUTE sql INTO total, page, b, hdrs, resp, ins;
	ELSE
		EXECUTE sql INTO total, page, b, hdrs, resp, ins USING payload;
	END IF;
	body := b::jsonb;
	content_range := CASE WHEN page = 0 THEN '*' ELSE range_offset || '-' || (range_offset + page - 1) END
		|| '/' || COALESCE(total::text, '*');
	IF single AND page <> 1 THEN
		status := 406;
		body := jsonb_build_object('code', 'PGRST116', 'message', 'JSON object requested, multiple (or no) rows returned');
	ELSE
		status := COALESCE(resp::integer,
			CASE WHEN total IS NOT NULL AND range_offset > total THEN 416
				 WHEN total IS NOT NULL AND page < total THEN 206
				 ELSE 200 END);
		IF single THEN body := body -> 0; END IF;
		IF status = 204 THEN body := NULL; END IF;	-- 204 No Content
	END IF;
	RETURN NEXT;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	status := public.pgrst_http_status(st);
	body := jsonb_build_object('code', st, 'message', msg, 'details', NULLIF(det, ''), 'hint', NULLIF(hnt, ''));
	RETURN NEXT;
END
$$;
CREATE FUNCTION public.pgrst_rpc(fn text, payload json) RETURNS TABLE (status integer, body jsonb)
LANGUAGE sql AS $$ SELECT r.status, r.body FROM public.pgrst_run(public.pgrst_call_sql(fn, payload), payload) r $$;
-- the names in a list body
CREATE FUNCTION public.pgrst_names(body jsonb) RETURNS text
LANGUAGE sql AS $$ SELECT string_agg(e ->> 'name', ', ' ORDER BY o) FROM jsonb_array_elements(body) WITH ORDINALITY AS t(e, o) $$;

-- what POST /rpc/bulk_update_tags {"project_id", "body"} sends (compare anchors §C.6)
SELECT public.pgrst_call_sql('bulk_update_tags', '{"project_id": 7101, "body": {}}') AS bulk_update_tags_sql;

-- ---------------------------------------------------------------- as PostgREST's authenticator
SELECT current_user AS superuser_name \gset
\c - regress_pgrst_authenticator
\set VERBOSITY terse
\set sp '"event_definitions", "public"'
\set alice_r '{"role": "event_definitions_reader", "user_id": 7111}'
\set alice_w '{"role": "event_definitions_writer", "user_id": 7111}'
\set bob_w '{"role": "event_definitions_writer", "user_id": 7112}'
\set anon '{"role": "regress_pgrst_anon"}'
SELECT current_user, session_user;
-- the pre-request query (PreQuery.hs), with untyped parameters
PREPARE pgrst_pre AS SELECT set_config('search_path', $1, true), set_config('role', $2, true),
	set_config('request.jwt.claims', $3, true), set_config('request.method', $4, true),
	set_config('request.path', $5, true), set_config('request.headers', $6, true), set_config('request.cookies', $7, true);
-- GET /event_definitions?project_id=eq.$&order=name.asc&limit=$&offset=$ with Prefer: count=exact
-- (prepared inside a request: the authenticator alone may not even see the schema)
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'GET', '/event_definitions', '{"prefer": "count=exact"}', '{}') \gset
PREPARE get_page AS WITH pgrst_source AS ( SELECT "event_definitions"."event_definitions".* FROM "event_definitions"."event_definitions"
	WHERE "event_definitions"."event_definitions"."project_id" = $1 ORDER BY "event_definitions"."event_definitions"."name" ASC LIMIT $2 OFFSET $3 ) ,
	pgrst_source_count AS (SELECT 1 FROM "event_definitions"."event_definitions" WHERE "event_definitions"."event_definitions"."project_id" = $4)
	SELECT (SELECT pg_catalog.count(*) FROM pgrst_source_count) AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total,
	coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers,
	nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t;
-- GET /event_definitions?project_id=eq.$&order=name.asc, Prefer: count=exact (no range: the count is the page's)
PREPARE get_all AS WITH pgrst_source AS ( SELECT "event_definitions"."event_definitions".* FROM "event_definitions"."event_definitions"
	WHERE "event_definitions"."event_definitions"."project_id" = $1 ORDER BY "event_definitions"."event_definitions"."name" ASC )
	SELECT pg_catalog.count(_postgrest_t) AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total,
	coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers,
	nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t;
-- GET /event_definitions?id=eq.$ with Accept: application/vnd.pgrst.object+json
PREPARE get_one AS WITH pgrst_source AS ( SELECT "event_definitions"."event_definitions".* FROM "event_definitions"."event_definitions"
	WHERE "event_definitions"."event_definitions"."id" = $1 )
	SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total,
	coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers,
	nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t;
-- GET /activity_log?select=activity,user_id&project_id=eq.$&item_id=eq.$&order=created_at
PREPARE get_log AS WITH pgrst_source AS ( SELECT "event_definitions"."activity_log"."activity", "event_definitions"."activity_log"."user_id"
	FROM "event_definitions"."activity_log" WHERE "event_definitions"."activity_log"."project_id" = $1 AND "event_definitions"."activity_log"."item_id" = $2
	ORDER BY "event_definitions"."activity_log"."created_at" ASC )
	SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total,
	coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers,
	nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t;
COMMIT;
SELECT (SELECT parameter_types FROM pg_prepared_statements WHERE name = 'get_page') AS get_page_types,
	   (SELECT parameter_types FROM pg_prepared_statements WHERE name = 'get_one') AS get_one_types;

-- PostHog: GET /api/projects/7101/event_definitions/?ordering=name -> 200
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'GET', '/event_definitions', '{"prefer": "count=exact"}', '{}') \gset
SELECT status, content_range, pgrst_names(body) FROM pgrst_run($$EXECUTE get_all('7101')$$);
-- the rows have the retrieve shape plus project_id
SELECT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(body -> 0) k) AS keys, body -> 2 -> 'owner' ->> 'first_name' AS signup_owner
FROM pgrst_run($$EXECUTE get_all('7101')$$);
-- ?limit=2&offset=0 -> 206 Partial Content, 0-1/3; offset=2 -> 206, 2-2/3; offset=5 -> 416 (RangeQuery.hs)
SELECT status, content_range, pgrst_names(body) FROM pgrst_run($$EXECUTE get_page('7101', '2', '0', '7101')$$);
SELECT status, content_range, pgrst_names(body) FROM pgrst_run($$EXECUTE get_page('7101', '2', '2', '7101')$$, range_offset => 2);
SELECT status, content_range, pgrst_names(body) FROM pgrst_run($$EXECUTE get_page('7101', '2', '5', '7101')$$, range_offset => 5);
-- retrieve through the view: one object; another project's id: 406 (no row), like a missing one
SELECT status, body ->> 'name' AS name, body ->> 'last_seen_at' AS last_seen_at FROM pgrst_run($$EXECUTE get_one('71010000-0000-4000-8000-000000000001')$$, single => true);
SELECT status, body ->> 'code' AS code FROM pgrst_run($$EXECUTE get_one('71020000-0000-4000-8000-000000000001')$$, single => true);
-- another project through the view: empty, never an error
SELECT status, content_range, body FROM pgrst_run($$EXECUTE get_all('7102')$$);
COMMIT;

-- POST /rpc/list_event_definitions {"project_id": 7101, "limit": 2, "ordering": "-name"}
-- (PostHog: GET .../event_definitions/?limit=2&ordering=-name -> 200).  limit and offset are
-- reserved in PostgREST's query string, so a page other than the first is POSTed; the
-- function is STABLE, so the transaction is still READ ONLY
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'POST', '/rpc/list_event_definitions', '{}', '{}') \gset
SELECT status, body ->> 'count' AS count, body ->> 'next' AS next, pgrst_names(body -> 'results') AS names
FROM pgrst_rpc('list_event_definitions', '{"project_id": 7101, "limit": 2, "ordering": "-name"}');
COMMIT;
-- GET /rpc/list_event_definitions?project_id=7101&tags=["web","growth"]&exclude_hidden=true, then with
-- &excluded_properties=["signup"]: json arguments arrive as JSON strings holding the query-string text
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'GET', '/rpc/list_event_definitions', '{}', '{}') \gset
SELECT status, body ->> 'count' AS count, body ->> 'next' AS next, pgrst_names(body -> 'results') AS names
FROM pgrst_rpc('list_event_definitions', '{"project_id": "7101", "tags": "[\"web\",\"growth\"]", "exclude_hidden": "true"}');
SELECT status, body ->> 'count' AS count, pgrst_names(body -> 'results') AS names
FROM pgrst_rpc('list_event_definitions', '{"project_id": "7101", "tags": "[\"web\",\"growth\"]", "excluded_properties": "[\"signup\"]"}');
SELECT status, body ->> 'code' AS code, body ->> 'details' AS details
FROM pgrst_rpc('list_event_definitions', '{"project_id": "7101", "excluded_properties": "not json"}');
-- GET /rpc/retrieve_event_definition?project_id=7101&id=... (PostHog: GET .../event_definitions/{id}/ -> 200)
SELECT status, body ->> 'name' AS name, body -> 'tags' AS tags FROM pgrst_rpc('retrieve_event_definition',
	'{"project_id": "7101", "id": "71010000-0000-4000-8000-000000000001"}');
-- GET /rpc/event_definition_by_name?project_id=7101&name=signup (PostHog: GET .../by_name/?name=signup -> 200, missing -> 404)
SELECT status, body ->> 'id' AS id FROM pgrst_rpc('event_definition_by_name', '{"project_id": "7101", "name": "signup"}');
SELECT status, body FROM pgrst_rpc('event_definition_by_name', '{"project_id": "7101", "name": "Signup"}');
-- GET /rpc/promoted_properties?project_id=7101&names={signup,checkout} (PostHog: GET .../promoted_properties/?event_names=... -> 200)
SELECT status, body FROM pgrst_rpc('promoted_properties', '{"project_id": "7101", "names": "{signup,checkout,page_view}"}');
SELECT status, body FROM pgrst_rpc('promoted_properties', '{"project_id": "7101"}');
-- GET /rpc/event_definition_metrics?project_id=7101&id=... (PostHog: GET .../{id}/metrics/ -> 200)
SELECT status, body FROM pgrst_rpc('event_definition_metrics', '{"project_id": "7101", "id": "71010000-0000-4000-8000-000000000001"}');
-- GET /rpc/event_definitions_typescript|python|golang?project_id=7101 (PostHog: GET .../typescript/ etc. -> 200;
-- Python's and Go's hash are the same, TypeScript's is of its own version)
SELECT g, r.status, r.body ->> 'event_count' AS event_count, length(r.body ->> 'content') > 0 AS has_content,
	   r.body ->> 'schema_hash' = (SELECT body ->> 'schema_hash' FROM pgrst_rpc('event_definitions_golang', '{"project_id": "7101"}')) AS hash_of_go
FROM unnest(ARRAY['event_definitions_typescript', 'event_definitions_python', 'event_definitions_golang']) g,
	 LATERAL pgrst_rpc(g, '{"project_id": "7101"}') r ORDER BY g;
COMMIT;
-- GET on a VOLATILE function runs READ ONLY, even for a writer: 405 (PostHog has no GET there)
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'GET', '/rpc/delete_event_definition', '{}', '{}') \gset
SELECT status, body ->> 'code' AS code FROM pgrst_rpc('delete_event_definition', '{"project_id": "7101", "id": "71010000-0000-4000-8000-000000000002"}');
COMMIT;

-- POST /rpc/promoted_properties {"project_id": 7101, "names": [...]} (STABLE: READ ONLY even for POST)
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'POST', '/rpc/promoted_properties', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('promoted_properties', '{"project_id": 7101, "names": ["page_view", "nope"]}');
-- a reader may not write: 403 (PostHog: 403 without event_definition:write)
SELECT status, body ->> 'code' AS code FROM pgrst_rpc('bulk_update_tags', '{"project_id": 7101, "body": {"ids": [], "action": "add", "tags": ["x"]}}');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'POST', '/rpc/create_event_definition', '{}', '{}') \gset
SELECT status, body ->> 'code' AS code, body ->> 'message' AS message FROM pgrst_rpc('create_event_definition', '{"project_id": 7101, "body": {"name": "by_reader"}}');
COMMIT;

-- ---------------------------------------------------------------- writes (alice, writer)
-- POST /rpc/create_event_definition (PostHog: POST .../event_definitions/ -> 201)
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/create_event_definition', '{"content-type": "application/json"}', '{}') \gset
SELECT status, body ->> 'name' AS name, body -> 'tags' AS tags, body -> 'created_by' ->> 'first_name' AS created_by
FROM pgrst_rpc('create_event_definition', '{"project_id": 7101, "body": {"name": "refund", "tags": ["Billing"], "description": "Money back"}}');
COMMIT;
-- a duplicate name: 400 (PostHog: 400), nothing written
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/create_event_definition', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('create_event_definition', '{"project_id": 7101, "body": {"name": "refund"}}');
SELECT status, body ->> 'code' AS code, body ->> 'details' AS details FROM pgrst_rpc('create_event_definition', '{"project_id": 7101, "body": {"description": "no name"}}');
COMMIT;
-- POST /rpc/update_event_definition (PostHog: PATCH .../{id}/ -> 200)
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/update_event_definition', '{}', '{}') \gset
SELECT status, body ->> 'description' AS description, body ->> 'verified' AS verified, body -> 'verified_by' ->> 'first_name' AS verified_by
FROM pgrst_rpc('update_event_definition', '{"project_id": 7101, "id": "71010000-0000-4000-8000-000000000002", "body": {"description": "Paid", "verified": true}}');
COMMIT;
-- POST /rpc/record_event_usage: a void function answers 200 (the void renders as "" here; PostgREST itself sends null)
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/record_event_usage', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('record_event_usage', '{"project_id": 7101, "event_name": "signup", "count": 2}');
SELECT status, body FROM pgrst_rpc('event_definition_metrics', '{"project_id": 7101, "id": "71010000-0000-4000-8000-000000000001"}');
COMMIT;
-- POST /rpc/bulk_update_tags and /rpc/bulk_update_verified (PostHog: POST .../bulk_update_tags/ -> 200)
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/bulk_update_tags', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('bulk_update_tags', '{"project_id": 7101, "body": {"ids": ["71010000-0000-4000-8000-000000000003",
	"71010000-0000-4000-8000-000000000001", "71020000-0000-4000-8000-000000000001"], "action": "add", "tags": ["PII"]}}');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/bulk_update_verified', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('bulk_update_verified', '{"project_id": 7101, "body": {"ids": ["71010000-0000-4000-8000-000000000003"], "verified": true}}');
COMMIT;
-- property groups: create 201, retrieve/list 200, update 200, attach 201, detach 204, delete 204
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/create_property_group', '{}', '{}') \gset
SELECT status, body ->> 'name' AS name, body -> 'properties' -> 0 ->> 'property_type' AS type, body ->> 'id' AS id
FROM pgrst_rpc('create_property_group', '{"project_id": 7101, "body": {"name": "Refund", "properties": [{"name": "amount", "property_type": "Numeric", "is_required": true}]}}') \gset pg_
COMMIT;
\echo :pg_status :pg_name :pg_type
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'GET', '/rpc/retrieve_property_group', '{}', '{}') \gset
SELECT status, body ->> 'name' AS name FROM pgrst_rpc('retrieve_property_group', json_build_object('project_id', '7101', 'id', :'pg_id'));
SELECT status, body ->> 'count' AS count, pgrst_names(body -> 'results') AS names FROM pgrst_rpc('list_property_groups', '{"project_id": "7101"}');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/update_property_group', '{}', '{}') \gset
SELECT status, body ->> 'description' AS description FROM pgrst_rpc('update_property_group',
	json_build_object('project_id', 7101, 'id', :'pg_id', 'body', json_build_object('description', 'Refund fields')));
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/add_event_schema', '{}', '{}') \gset
SELECT status, body IS NOT NULL AS has_body FROM pgrst_rpc('add_event_schema',
	json_build_object('project_id', 7101, 'event_definition_id', '71010000-0000-4000-8000-000000000001', 'property_group_id', :'pg_id'));
COMMIT;
-- POST /rpc/ingest_event: the attached group now requires "amount"
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/ingest_event', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('ingest_event', '{"project_id": 7101, "event": "signup", "properties": {"amount": "12.5"}, "timestamp": "2024-04-01T00:00:00Z"}');
SELECT status, body FROM pgrst_rpc('ingest_event', '{"project_id": 7101, "event": "signup", "properties": {}}');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/remove_event_schema', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('remove_event_schema',
	json_build_object('project_id', 7101, 'event_definition_id', '71010000-0000-4000-8000-000000000001', 'property_group_id', :'pg_id'));
SELECT status, body ->> 'code' AS code FROM pgrst_rpc('remove_event_schema',
	json_build_object('project_id', 7101, 'event_definition_id', '71010000-0000-4000-8000-000000000001', 'property_group_id', :'pg_id'));
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/delete_property_group', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('delete_property_group', json_build_object('project_id', 7101, 'id', :'pg_id'));
COMMIT;
-- POST /rpc/delete_event_definition (PostHog: DELETE .../{id}/ -> 204; again -> 404)
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'alice_w', 'POST', '/rpc/delete_event_definition', '{}', '{}') \gset
SELECT status, body FROM pgrst_rpc('delete_event_definition', '{"project_id": 7101, "id": "71010000-0000-4000-8000-000000000003"}');
SELECT status, body ->> 'code' AS code FROM pgrst_rpc('delete_event_definition', '{"project_id": 7101, "id": "71010000-0000-4000-8000-000000000003"}');
COMMIT;
-- response.status is transaction-local: the next request starts without it
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'event_definitions_reader', :'alice_r', 'GET', '/event_definitions', '{}', '{}') \gset
SELECT status, content_range, pgrst_names(body) FROM pgrst_run($$EXECUTE get_all('7101')$$);
-- the activity log of 'checkout' (PostHog: GET /api/projects/7101/event_definitions/{id}/activity/)
SELECT status, body FROM pgrst_run($$EXECUTE get_log('7101', '71010000-0000-4000-8000-000000000002')$$);
COMMIT;

-- ---------------------------------------------------------------- isolation: bob (project 7102) on project 7101
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
EXECUTE pgrst_pre(:'sp', 'event_definitions_writer', :'bob_w', 'POST', '/rpc/bulk_update_tags', '{}', '{}') \gset
SELECT status, content_range, body FROM pgrst_run($$EXECUTE get_all('7101')$$);
SELECT status, body ->> 'code' AS code FROM pgrst_run($$EXECUTE get_one('71010000-0000-4000-8000-000000000001')$$, single => true);
SELECT status, body FROM pgrst_run($$EXECUTE get_log('7101', '71010000-0000-4000-8000-000000000002')$$);
SELECT f, r.status, r.body ->> 'code' AS code, r.body ->> 'message' AS message
FROM (VALUES ('list_event_definitions', '{"project_id": 7101}'::json),
			 ('retrieve_event_definition', '{"project_id": 7101, "id": "71010000-0000-4000-8000-000000000001"}'),
			 ('retrieve_event_definition', '{"project_id": 7102, "id": "71010000-0000-4000-8000-000000000001"}'),
			 ('event_definition_by_name', '{"project_id": 7101, "name": "signup"}'),
			 ('promoted_properties', '{"project_id": 7101}'),
			 ('event_definition_metrics', '{"project_id": 7101, "id": "71010000-0000-4000-8000-000000000001"}'),
			 ('event_definitions_typescript', '{"project_id": 7101}'),
			 ('list_property_groups', '{"project_id": 7101}'),
			 ('update_event_definition', '{"project_id": 7101, "id": "71010000-0000-4000-8000-000000000001", "body": {"description": "pwned"}}'),
			 ('delete_event_definition', '{"project_id": 7102, "id": "71010000-0000-4000-8000-000000000001"}'),
			 ('create_event_definition', '{"project_id": 7101, "body": {"name": "planted"}}'),
			 ('bulk_update_tags', '{"project_id": 7101, "body": {"ids": ["71010000-0000-4000-8000-000000000001"], "action": "add", "tags": ["x"]}}'),
			 ('ingest_event', '{"project_id": 7101, "event": "planted", "properties": {}}')) AS v(f, p),
	 LATERAL pgrst_rpc(f, p) r;
-- his own project, with alice's ids: "Not found" in skipped, never a name
SELECT status, body FROM pgrst_rpc('bulk_update_tags', '{"project_id": 7102, "body": {"ids": ["71010000-0000-4000-8000-000000000001",
	"71020000-0000-4000-8000-000000000001"], "action": "add", "tags": ["bob"]}}');
COMMIT;
-- anonymous (db-anon-role without grants): 401
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
EXECUTE pgrst_pre(:'sp', 'regress_pgrst_anon', :'anon', 'GET', '/event_definitions', '{}', '{}') \gset
SELECT status, body ->> 'code' AS code FROM pgrst_run($$EXECUTE get_all('7101')$$);
SELECT status, body ->> 'code' AS code FROM pgrst_rpc('list_event_definitions', '{"project_id": "7101"}');
COMMIT;
DEALLOCATE ALL;

-- ---------------------------------------------------------------- back as superuser: what was written
\c - :superuser_name
\set VERBOSITY terse
SELECT name, tags, verified, description, created_by_id FROM event_definitions_private.event_definitions
WHERE project_id IN (7101, 7102) ORDER BY project_id, name;
SELECT project_id, scope, activity, user_id, detail ->> 'name' AS name FROM event_definitions_private.activity_log
WHERE project_id IN (7101, 7102) ORDER BY id;

DROP FUNCTION public.pgrst_rpc(text, json), public.pgrst_run(text, json, boolean, bigint),
	public.pgrst_call_sql(text, json), public.pgrst_http_status(text), public.pgrst_names(jsonb);
DELETE FROM event_definitions_private.projects WHERE project_id IN (7101, 7102);
DELETE FROM event_definitions_private.users WHERE id IN (7111, 7112);
DROP ROLE regress_pgrst_authenticator, regress_pgrst_anon;
