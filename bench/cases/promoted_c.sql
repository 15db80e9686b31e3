SELECT event_definitions.promoted_properties(1);
