--
-- The verification state machine of PATCH (PostHog §3.4, cases 43-45):
-- verifying stamps verified_by/verified_at once, unverifying clears them,
-- hiding clears verification, verifying unhides, never both at once.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_masked.psql
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('definitions=%s activity=%s',
		(SELECT count(*) FROM event_definitions_private.event_definitions),
		(SELECT count(*) FROM event_definitions_private.activity_log))
$$;

-- the verification columns of the definition named n; a verified_at set by
-- this run shows as <recent>, one set by the test as its ISO-8601 text
CREATE FUNCTION pg_temp.state(n text)
RETURNS TABLE (verified boolean, verified_by integer, verified_at text, hidden boolean, updated_by integer)
LANGUAGE sql AS $$
	SELECT verified, verified_by_id,
		   CASE WHEN verified_at > now() - interval '1 day' THEN '<recent>'
				ELSE event_definitions_private.iso8601(verified_at) END,
		   hidden, updated_by_id
	FROM event_definitions_private.event_definitions WHERE project_id = 3001 AND name = n
$$;
-- the changes of the last activity entry of the definition named n
CREATE FUNCTION pg_temp.last_changes(n text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT a.detail -> 'changes' FROM event_definitions_private.activity_log a
	WHERE a.project_id = 3001 AND a.detail ->> 'name' = n ORDER BY a.id DESC LIMIT 1
$$;
CREATE FUNCTION pg_temp.entries(n text) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM event_definitions_private.activity_log a
	WHERE a.project_id = 3001 AND a.detail ->> 'name' = n
$$;
SET timezone = 'UTC';

-- fixtures (ids unique to this file: the test database is shared by all
-- files of a run): one project, two users; the superuser acts as user 3001
SELECT event_definitions.upsert_project(3001, 'Verification') ->> 'name' AS project;
SELECT event_definitions.upsert_user('{"id": 3001, "uuid": "00000000-0000-4000-8000-000000003001",
	"first_name": "Ada"}') ->> 'first_name' AS user1;
SELECT event_definitions.upsert_user('{"id": 3002, "uuid": "00000000-0000-4000-8000-000000003002",
	"first_name": "Bob"}') ->> 'first_name' AS user2;
SELECT event_definitions.add_project_member(3001, 3001);
SELECT event_definitions.add_project_member(3001, 3002);
SET event_definitions.user_id = '3001';
SELECT event_definitions.create_event_definition(3001, '{"name": "signup"}') ->> 'id' AS d \gset

-- 43: verify: verified_by = acting user, verified_at = now (the transaction's), unhidden
BEGIN;
SELECT r.verified, r.verified_by ->> 'first_name' AS verified_by, r.hidden,
	   r.verified_at = event_definitions_private.iso8601(now()) AS verified_at_is_now
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"verified": true}'))
	AS r(verified boolean, verified_by jsonb, verified_at text, hidden boolean);
SELECT verified, verified_by_id, verified_at = now() AS verified_at_is_now, hidden
FROM event_definitions_private.event_definitions WHERE project_id = 3001 AND id = :'d';
COMMIT;
SELECT pg_temp.last_changes('signup');

-- 44: verifying again keeps verified_by and verified_at, while updated_by/updated_at move
UPDATE event_definitions_private.event_definitions
SET verified_at = '2020-01-02T03:04:05.25Z', updated_at = '2020-01-02T03:04:05Z'
WHERE project_id = 3001 AND id = :'d';
SELECT event_definitions.retrieve_event_definition(3001, :'d') ->> 'verified_at' AS verified_at;
SELECT pg_temp.entries('signup') AS entries_before;
SET event_definitions.user_id = '3002';
SELECT r.verified, r.verified_by ->> 'first_name' AS verified_by, r.verified_at,
	   r.updated_by ->> 'first_name' AS updated_by, r.updated_at <> '2020-01-02T03:04:05Z' AS updated_at_moved
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"verified": true}'))
	AS r(verified boolean, verified_by jsonb, verified_at text, updated_by jsonb, updated_at text);
-- DRF's boolean spellings verify too, and change nothing either
SELECT event_definitions.update_event_definition(3001, :'d', '{"verified": "yes"}') ->> 'verified_at' AS verified_at;
SELECT event_definitions.update_event_definition(3001, :'d', '{"verified": 1, "hidden": false}') ->> 'verified_at' AS verified_at;
SET event_definitions.user_id = '3001';
SELECT * FROM pg_temp.state('signup');
SELECT pg_temp.entries('signup') AS entries_after;

-- 45: verified_by and verified_at in the body are read-only
SELECT event_definitions.create_event_definition(3001, '{"name": "readonly"}') ->> 'id' AS r \gset
SELECT r.verified, r.verified_by, r.verified_at
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'r',
	'{"verified_by": 3002, "verified_at": "2021-01-01T00:00:00Z"}'))
	AS r(verified boolean, verified_by jsonb, verified_at text);

-- 43: unverify clears verified_by and verified_at
SELECT r.verified, r.verified_by, r.verified_at
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"verified": false}'))
	AS r(verified boolean, verified_by jsonb, verified_at text);
SELECT * FROM pg_temp.state('signup');
SELECT pg_temp.last_changes('signup');
-- unverifying an unverified definition changes nothing and logs nothing
SELECT pg_temp.entries('signup') AS entries_before;
SELECT event_definitions.update_event_definition(3001, :'d', '{"verified": false}') ->> 'verified' AS verified;
SELECT pg_temp.entries('signup') AS entries_after;

-- a later verify stamps anew
UPDATE event_definitions_private.event_definitions SET verified = true, verified_by_id = 3002,
	verified_at = '2020-01-02T03:04:05Z' WHERE project_id = 3001 AND id = :'d';
SELECT event_definitions.update_event_definition(3001, :'d', '{"verified": false}') ->> 'verified_at' AS cleared;
SELECT event_definitions.update_event_definition(3001, :'d', '{"verified": true}') ->> 'verified_at' <> '2020-01-02T03:04:05Z' AS restamped;
SELECT * FROM pg_temp.state('signup');

-- hiding clears verification, in one logged change
SELECT r.verified, r.verified_by, r.verified_at, r.hidden
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"hidden": true}'))
	AS r(verified boolean, verified_by jsonb, verified_at text, hidden boolean);
SELECT * FROM pg_temp.state('signup');
SELECT pg_temp.last_changes('signup');
-- hidden with verified false is fine
SELECT r.verified, r.hidden
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"hidden": true, "verified": false}'))
	AS r(verified boolean, hidden boolean);

-- verifying unhides
SELECT r.verified, r.verified_by ->> 'first_name' AS verified_by, r.verified_at IS NOT NULL AS verified_at_set, r.hidden
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"verified": true}'))
	AS r(verified boolean, verified_by jsonb, verified_at text, hidden boolean);
SELECT pg_temp.last_changes('signup');
-- hidden false or null leaves verification alone
SELECT r.verified, r.verified_at IS NOT NULL AS verified_at_set, r.hidden
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"hidden": false}'))
	AS r(verified boolean, verified_at text, hidden boolean);
SELECT r.verified, r.verified_at IS NOT NULL AS verified_at_set, r.hidden
FROM jsonb_to_record(event_definitions.update_event_definition(3001, :'d', '{"hidden": null}'))
	AS r(verified boolean, verified_at text, hidden boolean);

-- hidden and verified in one body: rejected, nothing changed
SELECT * FROM pg_temp.state('signup');
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(3001, %L,
	'{"verified": true, "hidden": true}')$$, :'d'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(3001, %L,
	'{"verified": "true", "hidden": "on", "description": "x"}')$$, :'d'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(3001, %L,
	'{"verified": null}')$$, :'d'));
SELECT pg_temp.try(format($$SELECT event_definitions.update_event_definition(3001, %L,
	'{"hidden": "sometimes"}')$$, :'d'));
SELECT * FROM pg_temp.state('signup');

-- the table itself refuses a hidden verified definition (detail not shown:
-- it holds the generated row)
SELECT split_part(pg_temp.try(format($$UPDATE event_definitions_private.event_definitions SET hidden = true
	WHERE project_id = 3001 AND id = %L$$, :'d')), ' | detail', 1);
SELECT split_part(pg_temp.try($$INSERT INTO event_definitions_private.event_definitions (project_id, name, verified, hidden)
	VALUES (3001, 'both', true, true)$$), ' | detail', 1);
-- hidden null counts as not hidden
SELECT pg_temp.try($$INSERT INTO event_definitions_private.event_definitions (project_id, name, verified, hidden)
	VALUES (3001, 'verified_hidden_null', true, NULL)$$);
SELECT name, verified, hidden FROM event_definitions_private.event_definitions
WHERE project_id = 3001 ORDER BY name;
