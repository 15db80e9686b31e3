-- A selective search in project 8: completed_<n> for a random 4-digit n
-- matches only the names numbered n, n0 .. n9 and n00 .. n99 whose verb is
-- "completed" (one in 19): about 6 of 1,000,000, none to a dozen.
\set n random(1000, 9999)
SELECT event_definitions.list_event_definitions(8, search => 'completed_' || :n::text);
