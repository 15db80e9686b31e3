-- The roles of docs/postgrest.md §1, once per cluster: PostgREST's
-- authenticator (no privileges of its own) and the anonymous role.
CREATE ROLE authenticator LOGIN NOINHERIT;
CREATE ROLE web_anon NOLOGIN;
-- the extension's roles exist once a database has the extension
CREATE DATABASE pgrst_roles;
\c pgrst_roles
CREATE EXTENSION event_definitions;
GRANT event_definitions_gateway, event_definitions_reader, event_definitions_writer, web_anon TO authenticator;
