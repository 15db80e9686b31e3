SELECT event_definitions.event_definitions_typescript(6) IS NOT NULL;
