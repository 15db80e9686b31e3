\set i random(1, 100000)
SELECT event_definitions.event_definition_metrics(1, md5('1-' || :i::text)::uuid);
