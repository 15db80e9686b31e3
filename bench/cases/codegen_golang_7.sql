SELECT event_definitions.event_definitions_golang(7) IS NOT NULL;
