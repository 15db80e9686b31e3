-- Run by tools/bench before every run of a case with the hook "reset" (the
-- write cases), and after their group: takes the tag "bench" off again,
-- puts back the verification and update columns that the writes changed
-- (every API write sets updated_at to now(), after the data's July 2025),
-- then VACUUM and CHECKPOINT, so that every run starts from the same state.
UPDATE event_definitions_private.event_definitions SET tags = array_remove(tags, 'bench')
WHERE project_id = 1 AND tags @> '{bench}';
UPDATE event_definitions_private.event_definitions d SET
	verified = s.i % 11 = 0,
	verified_at = CASE WHEN s.i % 11 = 0 THEN timestamptz '2025-07-02 00:00:00+00' END,
	verified_by_id = CASE WHEN s.i % 11 = 0 THEN 1 + (s.i + 2) % 5 END,
	hidden = s.i % 13 = 0 AND s.i % 11 <> 0,
	updated_by_id = 1 + (s.i + 1) % 5,
	updated_at = timestamptz '2025-07-01 00:00:00+00' + s.i * interval '1 second'
FROM (SELECT id, substr(name, 7)::integer AS i FROM event_definitions_private.event_definitions
	  WHERE project_id = 1 AND updated_at > timestamptz '2026-01-01 00:00:00+00') s
WHERE d.project_id = 1 AND d.id = s.id;
VACUUM event_definitions_private.event_definitions, event_definitions_private.activity_log;
CHECKPOINT;
