-- The plan of the list's count query for a search in project 8, as the
-- function runs it (auto_explain of the nested statement), at the 7th call
-- of a session: by then PostgreSQL's plan cache has chosen between custom
-- and generic plans for the function's kept query.  tools/bench runs this
-- with the trigram index and again after dropping it, and keeps the last
-- plan of the count query from the notices.
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
SELECT event_definitions.list_event_definitions(8, search => 'completed_4243') IS NOT NULL;
SELECT event_definitions.list_event_definitions(8, search => 'completed_4243') IS NOT NULL;
SELECT event_definitions.list_event_definitions(8, search => 'completed_4243') IS NOT NULL;
SELECT event_definitions.list_event_definitions(8, search => 'completed_4243') IS NOT NULL;
SELECT event_definitions.list_event_definitions(8, search => 'completed_4243') IS NOT NULL;
SELECT event_definitions.list_event_definitions(8, search => 'completed_4243') IS NOT NULL;
SELECT event_definitions.list_event_definitions(8, search => 'completed_4243') IS NOT NULL;
