-- The floor of the list page: the same 100 definitions of project 1 in the
-- same order (list_100k_name.sql: by name; bench/probe.sql checks the rows),
-- in the same shape (the public view), without a count.
SELECT * FROM event_definitions.event_definitions v WHERE v.project_id = 1 ORDER BY v.name LIMIT 100;
