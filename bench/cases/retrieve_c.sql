\set i random(1, 100000)
SELECT event_definitions.retrieve_event_definition(1, md5('1-' || :i::text)::uuid);
