SELECT event_definitions.event_definitions_golang(6) IS NOT NULL;
