-- The installed surface: the contract's names, volatility, privileges, RLS,
-- keys that carry project_id, dump configuration and comments.

-- every public function, with its volatility, and who may execute it
SELECT p.proname,
       pg_get_function_identity_arguments(p.oid) AS args,
       p.provolatile AS vol,
       has_function_privilege('event_definitions_reader', p.oid, 'EXECUTE') AS reader,
       has_function_privilege('event_definitions_writer', p.oid, 'EXECUTE') AS writer,
       has_function_privilege('event_definitions_admin', p.oid, 'EXECUTE') AS admin,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public
FROM pg_proc p
WHERE p.pronamespace = 'event_definitions'::regnamespace
ORDER BY p.proname;

-- no overloaded names (PostgREST cannot route them)
SELECT proname, count(*) FROM pg_proc
WHERE pronamespace = 'event_definitions'::regnamespace
GROUP BY proname HAVING count(*) > 1;

-- the API schema holds only views and functions; views run as the invoker
SELECT c.relname, c.relkind, c.reloptions
FROM pg_class c WHERE c.relnamespace = 'event_definitions'::regnamespace
ORDER BY c.relname;

-- the view's columns: the retrieve shape plus project_id
SELECT attname, format_type(atttypid, atttypmod)
FROM pg_attribute
WHERE attrelid = 'event_definitions.event_definitions'::regclass AND attnum > 0
ORDER BY attnum;

-- every table: RLS enabled and forced, dumped by pg_dump, commented
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       c.oid = ANY (e.extconfig) AS dumped,
       obj_description(c.oid, 'pg_class') IS NOT NULL AS commented
FROM pg_class c, pg_extension e
WHERE c.relnamespace = 'event_definitions_private'::regnamespace AND c.relkind = 'r'
  AND e.extname = 'event_definitions'
ORDER BY c.relname;

-- every primary and unique key of a table with project_id includes it
SELECT c.relname, con.conname
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
WHERE c.relnamespace = 'event_definitions_private'::regnamespace
  AND con.contype IN ('p', 'u')
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id')
  AND NOT (SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id')
          = ANY (con.conkey)
ORDER BY 1, 2;

-- every foreign key between project tables carries project_id on both sides
-- (so that the tables can be co-located by project_id with Citus)
SELECT c.relname, con.conname
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_class r ON r.oid = con.confrelid
WHERE c.relnamespace = 'event_definitions_private'::regnamespace
  AND con.contype = 'f'
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attname = 'project_id')
  AND NOT ((SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id') = ANY (con.conkey)
		   AND (SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attname = 'project_id') = ANY (con.confkey))
ORDER BY 1, 2;

-- the installed version, and the upgrade path from 1.0
SELECT extversion FROM pg_extension WHERE extname = 'event_definitions';
SELECT source, target, path FROM pg_extension_update_paths('event_definitions') WHERE path IS NOT NULL ORDER BY 1, 2;

-- every public object and every function of the extension has a comment
SELECT p.oid::regprocedure
FROM pg_proc p
WHERE p.pronamespace IN ('event_definitions'::regnamespace, 'event_definitions_private'::regnamespace)
  AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT c.oid::regclass
FROM pg_class c
WHERE c.relnamespace IN ('event_definitions'::regnamespace, 'event_definitions_private'::regnamespace)
  AND c.relkind IN ('r', 'v') AND obj_description(c.oid, 'pg_class') IS NULL;

-- SECURITY DEFINER functions all pin search_path
SELECT p.oid::regprocedure, p.proconfig
FROM pg_proc p
WHERE p.pronamespace IN ('event_definitions'::regnamespace, 'event_definitions_private'::regnamespace)
  AND p.prosecdef
ORDER BY p.oid::regprocedure::text;

-- the roles and how they nest
SELECT r.rolname, m.rolname AS member_of
FROM pg_roles r
LEFT JOIN pg_auth_members am ON am.member = r.oid
LEFT JOIN pg_roles m ON m.oid = am.roleid
WHERE r.rolname LIKE 'event\_definitions\_%'
ORDER BY 1, 2;

-- the module imports no jansson symbol that the server exports, and works
SELECT event_definitions_private.iso8601('2020-01-02 00:00:00+00'),
       event_definitions_private.iso8601('2020-01-02 03:04:05.25+02');
