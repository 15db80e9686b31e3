SELECT event_definitions.event_definitions_python(7) IS NOT NULL;
