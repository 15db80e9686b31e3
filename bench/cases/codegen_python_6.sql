SELECT event_definitions.event_definitions_python(6) IS NOT NULL;
