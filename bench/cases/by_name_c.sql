\set i random(1, 100000)
SELECT event_definitions.event_definition_by_name(1, 'event_' || :i::text);
