-- An event of an existing name (one of 1,000) with no schema attached.
\set i random(1, 1000)
SELECT event_definitions.ingest_event(1, 'event_' || :i::text, '{}');
