-- A function that raises the error it is asked for, so that every SQLSTATE
-- reaches the emulator from a real function call (test/postgrest/status_map.mjs).
CREATE FUNCTION event_definitions.pgrst_raise(state text, message text DEFAULT NULL, detail text DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF detail IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = state, MESSAGE = coalesce(message, 'raised ' || state);
	END IF;
	RAISE EXCEPTION USING ERRCODE = state, MESSAGE = coalesce(message, 'raised ' || state), DETAIL = detail;
END
$$;
-- the anonymous role may call it, so that its 42501 is the function's own
GRANT USAGE ON SCHEMA event_definitions TO web_anon;
GRANT EXECUTE ON FUNCTION event_definitions.pgrst_raise(text, text, text) TO event_definitions_reader, web_anon;
NOTIFY pgrst, 'reload schema';
