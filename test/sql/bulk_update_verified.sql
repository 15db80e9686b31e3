-- bulk_update_verified: spec §3.7 (related, newest PostHog) and API.md.
-- Project 9301 (ours), 9302 (another project); acting users 9311 (Vera), 9312 (Walt).
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
-- the verification columns as the view shows them, timestamps as booleans
CREATE FUNCTION pg_temp.shown() RETURNS TABLE (name text, verified boolean, verified_by text,
											 verified_at boolean, hidden boolean, updated_by text)
LANGUAGE sql AS $$
	SELECT v.name, v.verified, v.verified_by ->> 'first_name', v.verified_at IS NOT NULL, v.hidden,
		   v.updated_by ->> 'first_name'
	FROM event_definitions.event_definitions v WHERE v.project_id = 9301 ORDER BY v.name
$$;
CREATE FUNCTION pg_temp.state() RETURNS text
LANGUAGE sql AS $$
	SELECT (SELECT string_agg(format('%s:%s:%s:%s:%s:%s', name, verified, verified_by_id, verified_at,
									 hidden, updated_at), ' ' ORDER BY name)
			FROM event_definitions_private.event_definitions WHERE project_id IN (9301, 9302))
		|| ' | activity ' || (SELECT count(*) FROM event_definitions_private.activity_log
							 WHERE project_id IN (9301, 9302))
$$;

SELECT event_definitions.upsert_project(9301, 'Ours') ->> 'name';
SELECT event_definitions.upsert_project(9302, 'Theirs') ->> 'name';
SELECT event_definitions.upsert_user('{"id": 9311, "first_name": "Vera"}') ->> 'first_name';
SELECT event_definitions.upsert_user('{"id": 9312, "first_name": "Walt"}') ->> 'first_name';
SELECT event_definitions.add_project_member(9301, 9311);
SELECT event_definitions.add_project_member(9301, 9312);

-- c_verified was verified by Walt at a fixed time; b_hidden is hidden
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, hidden, verified, verified_by_id, verified_at, updated_at) VALUES
	(9301, 'c0000000-0000-4000-8000-000000000001', 'a_plain', false, false, NULL, NULL, '2020-01-01Z'),
	(9301, 'c0000000-0000-4000-8000-000000000002', 'b_hidden', true, false, NULL, NULL, '2020-01-01Z'),
	(9301, 'c0000000-0000-4000-8000-000000000003', 'c_verified', false, true, 9312, '2020-01-01Z', '2020-01-01Z'),
	(9302, 'd0000000-0000-4000-8000-000000000001', 'foreign', false, false, NULL, NULL, '2020-01-01Z');

-- verify as Vera: stamps verified_by/verified_at, unhides; the already verified row is
-- listed but not rewritten (Walt and 2020 stay); unknown and foreign ids are skipped
SET event_definitions.user_id = '9311';
SELECT event_definitions.bulk_update_verified(9301, '{"ids": [
	"c0000000-0000-4000-8000-000000000003",
	"C0000000-0000-4000-8000-000000000002",
	"d0000000-0000-4000-8000-000000000001",
	"c0000000000040008000000000000001",
	"{c0000000-0000-4000-8000-00000000beef}",
	"c0000000-0000-4000-8000-000000000001"], "verified": true}');
SELECT * FROM pg_temp.shown();
SELECT name, verified_at, updated_at FROM event_definitions.event_definitions
WHERE id = 'c0000000-0000-4000-8000-000000000003';
-- the new stamps are the write's time, recent
SELECT name, verified_at = updated_at AS same_stamp, verified_at::timestamptz > now() - interval '1 hour' AS recent
FROM event_definitions.event_definitions WHERE project_id = 9301 AND verified_by IS NOT NULL ORDER BY name;
SELECT name, verified, hidden FROM event_definitions_private.event_definitions WHERE project_id = 9302;
-- one 'changed' entry per definition that changed, by Vera, with the changed fields
SELECT d.name, a.activity, a.user_id, a.detail
FROM event_definitions_private.activity_log a JOIN event_definitions_private.event_definitions d
	ON d.project_id = a.project_id AND d.id::text = a.item_id
WHERE a.project_id = 9301 ORDER BY a.id;

-- verifying again is a no-op: listed, nothing written
SELECT pg_temp.state() AS before \gset
SELECT event_definitions.bulk_update_verified(9301,
	'{"ids": ["c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000003"], "verified": true}');
SELECT pg_temp.state() = :'before' AS nothing_written;

-- unverify as Walt: clears verified_by/verified_at, leaves hidden alone; duplicates listed once
SET event_definitions.user_id = '9312';
UPDATE event_definitions_private.event_definitions SET hidden = NULL WHERE id = 'c0000000-0000-4000-8000-000000000001';
SELECT event_definitions.bulk_update_verified(9301, '{"ids": [
	"c0000000-0000-4000-8000-000000000001",
	"c0000000-0000-4000-8000-000000000002",
	"c0000000-0000-4000-8000-000000000001",
	"c0000000-0000-4000-8000-00000000beef",
	"c0000000-0000-4000-8000-00000000beef"], "verified": "false"}');
SELECT * FROM pg_temp.shown();
SELECT d.name, a.user_id, a.detail -> 'changes' AS changes
FROM event_definitions_private.activity_log a JOIN event_definitions_private.event_definitions d
	ON d.project_id = a.project_id AND d.id::text = a.item_id
WHERE a.project_id = 9301 AND a.user_id = 9312 ORDER BY a.id;
-- unverifying an unverified row is a no-op too
SELECT pg_temp.state() AS before \gset
SELECT event_definitions.bulk_update_verified(9301,
	'{"ids": ["c0000000-0000-4000-8000-000000000002"], "verified": false}');
SELECT pg_temp.state() = :'before' AS nothing_written;

-- invalid requests: rejected, nothing written
SELECT pg_temp.try(format('SELECT event_definitions.bulk_update_verified(9301, %L)', b)) AS result
FROM (VALUES
	(1, json_build_object('ids', (SELECT json_agg('c0000000-0000-4000-8000-000000000001'::text) FROM generate_series(1, 501)),
						  'verified', true)::text),
	(2, '{"ids": [], "verified": true}'),
	(3, '{"verified": true}'),
	(4, '{"ids": null, "verified": true}'),
	(5, '{"ids": {"a": 1}, "verified": true}'),
	(6, '{"ids": ["c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-00000000000g"], "verified": true}'),
	(7, '{"ids": ["c0000000-0000-4000-8000-000000000001"]}'),
	(8, '{"ids": ["c0000000-0000-4000-8000-000000000001"], "verified": null}'),
	(9, '{"ids": ["c0000000-0000-4000-8000-000000000001"], "verified": "maybe"}'),
	(10, '{"ids": ["c0000000-0000-4000-8000-000000000001"], "verified": 2}'),
	(11, '{"ids": ["c0000000-0000-4000-8000-000000000001"], "verified": [true]}'),
	(12, '["c0000000-0000-4000-8000-000000000001"]'),
	(13, '{"ids": ["c0000000-0000-4000-8000-000000000001"], "verified": true, "verified": false}')
) AS t(n, b) ORDER BY n;
SELECT pg_temp.state() = :'before' AS nothing_written;
-- 500 ids are allowed
SELECT jsonb_array_length(r -> 'updated') AS updated, jsonb_array_length(r -> 'skipped') AS skipped
FROM event_definitions.bulk_update_verified(9301,
	json_build_object('ids', (SELECT json_agg('c0000000-0000-4000-8000-000000000002'::text) FROM generate_series(1, 500)),
					  'verified', false)) r;
SELECT pg_temp.try($$SELECT event_definitions.bulk_update_verified(9399, '{"ids": ["c0000000-0000-4000-8000-000000000001"], "verified": true}')$$);

-- the logged changes are exactly what changes() finds between the snapshots
-- before and after, also for a definition whose hidden is NULL; repeated
-- and missing ids are answered once each
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, hidden, verified)
VALUES (9301, 'c0000000-0000-4000-8000-000000000091', 'z_hidden_null', NULL, false),
	   (9301, 'c0000000-0000-4000-8000-000000000092', 'z_hidden_true', true, false);
CREATE TEMP TABLE snapshots_before AS
SELECT d.id, event_definitions_private.snapshot(d) AS snap
FROM event_definitions_private.event_definitions d WHERE d.project_id = 9301 AND d.name LIKE 'z\_%';
SELECT event_definitions.bulk_update_verified(9301, '{"ids": ["c0000000-0000-4000-8000-000000000092",
	"c0000000-0000-4000-8000-000000000099", "c0000000-0000-4000-8000-000000000091",
	"c0000000-0000-4000-8000-000000000092", "c0000000-0000-4000-8000-000000000099"], "verified": true}');
SELECT d.name, a.detail -> 'changes' AS changes,
	   a.detail -> 'changes' = event_definitions_private.changes(b.snap, event_definitions_private.snapshot(d),
																 'changed', 'EventDefinition') AS same_as_changes
FROM event_definitions_private.event_definitions d
JOIN snapshots_before b ON b.id = d.id
JOIN event_definitions_private.activity_log a ON a.project_id = d.project_id AND a.item_id = d.id::text
WHERE d.project_id = 9301 ORDER BY d.name;

RESET event_definitions.user_id;
DELETE FROM event_definitions_private.projects WHERE project_id IN (9301, 9302);
DELETE FROM event_definitions_private.users WHERE id IN (9311, 9312);
