-- Events of project 2 whose required Numeric "amount" comes as a string:
-- each is a type_mismatch, counted in the violations log.
\set i random(1, 50)
SELECT event_definitions.ingest_event(2, 'event_' || :i::text, '{"amount": "twelve"}');
