-- Every write of the API on the standby, by 001_standby.pl: each must fail
-- with 25006 (one NOTICE per write).  -v admin=on runs the admin functions
-- (as a superuser), -v admin=off the writer's.
\if :admin
DO $$
DECLARE
	s text;
	st text;
BEGIN
	FOREACH s IN ARRAY ARRAY[
		$q$SELECT event_definitions.upsert_project(7601, 'Renamed')$q$,
		$q$SELECT event_definitions.upsert_user('{"id": 7613, "first_name": "New"}')$q$,
		$q$SELECT event_definitions.add_project_member(7601, 7611)$q$,
		$q$SELECT event_definitions.remove_project_member(7601, 7611)$q$]
	LOOP
		BEGIN
			EXECUTE s;
			RAISE NOTICE 'written: %', s;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
			RAISE NOTICE '% %', st, s;
		END;
	END LOOP;
END
$$;
\else
DO $$
DECLARE
	ev uuid := (SELECT id FROM event_definitions.event_definitions WHERE project_id = 7601 AND name = 'signup');
	grp uuid := (SELECT (r -> 'results' -> 0 ->> 'id')::uuid FROM event_definitions.list_property_groups(7601) r);
	s text;
	st text;
BEGIN
	FOREACH s IN ARRAY ARRAY[
		$q$SELECT event_definitions.create_event_definition(7601, '{"name": "new_one"}')$q$,
		format($q$SELECT event_definitions.update_event_definition(7601, %L, '{"description": "x"}')$q$, ev),
		format($q$SELECT event_definitions.delete_event_definition(7601, %L)$q$, ev),
		format($q$SELECT event_definitions.bulk_update_tags(7601, '{"ids": [%s], "action": "add", "tags": ["t"]}')$q$, to_json(ev)),
		format($q$SELECT event_definitions.bulk_update_verified(7601, '{"ids": [%s], "verified": true}')$q$, to_json(ev)),
		$q$SELECT event_definitions.record_event_usage(7601, 'signup', 1)$q$,
		$q$SELECT event_definitions.ingest_event(7601, 'signup', '{"plan": "pro"}')$q$,
		$q$SELECT event_definitions.create_property_group(7601, '{"name": "Other"}')$q$,
		format($q$SELECT event_definitions.update_property_group(7601, %L, '{"description": "x"}')$q$, grp),
		format($q$SELECT event_definitions.delete_property_group(7601, %L)$q$, grp),
		format($q$SELECT event_definitions.remove_event_schema(7601, %L, %L)$q$, ev, grp),
		format($q$SELECT event_definitions.add_event_schema(7601, %L, %L)$q$, ev, grp),
		$q$SELECT event_definitions.ingest_events(7601, '[{"event": "signup", "properties": {"plan": "pro"}}]')$q$,
		$q$SELECT event_definitions.update_project_settings(7601, '{"stale_after_days": 3}')$q$,
		$q$SELECT event_definitions.apply_tracking_plan(7601, '{"version": 1}')$q$]
	LOOP
		BEGIN
			EXECUTE s;
			RAISE NOTICE 'written: %', s;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
			RAISE NOTICE '% %', st, s;
		END;
	END LOOP;
END
$$;
\endif
