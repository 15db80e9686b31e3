SELECT event_definitions.event_definitions_typescript(7) IS NOT NULL;
