SELECT event_definitions.list_event_definitions(8);
