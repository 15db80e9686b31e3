-- Data for the benchmark (tools/bench): 100,000 event definitions in
-- project 1, 10,000 in each of projects 2-4, the small project 5 of the
-- list-size case, the code-generation projects 6 and 7, and the request
-- bodies of the write cases.  Run by tools/bench as the superuser in a
-- fresh database of a throw-away cluster, followed by bench/baselines.sql
-- and bench/report.sql in the same session; everything here is
-- deterministic (fixed ids, names and timestamps, no random()).  Project 8,
-- the project at scale, is loaded later by bench/scale.sql.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- Sizes, set by tools/bench (psql -v): the small project of the list-size
-- case and the larger of the two code-generation projects.
\if :{?small_rows}
\else
\set small_rows 1000
\endif
\if :{?codegen_events}
\else
\set codegen_events 10000
\endif

CREATE EXTENSION event_definitions;
CREATE EXTENSION pg_prewarm;

/*
 * Projects, users, memberships.  User 1 is the writer login bench_writer
 * (member of projects 1 and 2); the superuser acts as user 1 through
 * event_definitions.user_id (set on the database by tools/bench).
 */
CREATE ROLE bench_writer LOGIN;
GRANT event_definitions_writer TO bench_writer;

SELECT event_definitions.upsert_project(p, 'Bench project ' || p) FROM generate_series(1, 7) p \g /dev/null
INSERT INTO event_definitions_private.users
	(id, uuid, distinct_id, first_name, last_name, email, is_email_verified, role_at_organization, login_role)
SELECT u, md5('user-' || u)::uuid, 'distinct-' || u, 'User', 'Number ' || u, 'user' || u || '@example.com',
	   true, 'engineering', NULL
FROM generate_series(1, 5) u;
-- (an untyped literal, whatever type the column has: name or regrole)
UPDATE event_definitions_private.users SET login_role = 'bench_writer' WHERE id = 1;
SELECT event_definitions.add_project_member(p, u)
FROM generate_series(1, 7) p, generate_series(1, 5) u
WHERE u > 1 OR p <= 2 \g /dev/null

/*
 * Event definitions: 100,000 in project 1, 10,000 in each of projects 2-4,
 * 1,000 (:small_rows) in project 5, the small project of the list-size case.
 * Row i of project p: id md5('p-i')::uuid, name event_<i>.  Every 4th row
 * carries tags, every 7th an owner, every 11th is verified, every 13th
 * (unverified) hidden, every 17th never seen, every 50th a promoted
 * property (2,000 in project 1).  The rows with i % 4 <> 0 carry no tags:
 * the write cases add and remove the tag "bench" on them only.
 */
INSERT INTO event_definitions_private.event_definitions
	(project_id, id, name, created_at, last_seen_at, description, owner_id, created_by_id, updated_by_id,
	 updated_at, verified, verified_at, verified_by_id, hidden, tags, promoted_property)
SELECT p, md5(p || '-' || i)::uuid, 'event_' || i,
	   timestamptz '2025-01-01 00:00:00+00' + i * interval '61 seconds',
	   CASE WHEN i % 17 <> 0
			THEN timestamptz '2025-06-30 12:00:00+00' - ((i * 7919) % 120) * interval '1 day'
				 - (i % 43200) * interval '1 second' END,
	   CASE WHEN i % 3 = 0 THEN 'Description of event ' || i ELSE '' END,
	   CASE WHEN i % 7 = 0 THEN 1 + i % 5 END,
	   1 + i % 5,
	   1 + (i + 1) % 5,
	   timestamptz '2025-07-01 00:00:00+00' + i * interval '1 second',
	   i % 11 = 0,
	   CASE WHEN i % 11 = 0 THEN timestamptz '2025-07-02 00:00:00+00' END,
	   CASE WHEN i % 11 = 0 THEN 1 + (i + 2) % 5 END,
	   i % 13 = 0 AND i % 11 <> 0,
	   CASE WHEN i % 4 = 0
			THEN (ARRAY['{pii}', '{core,revenue}', '{marketing}', '{core}'])[1 + (i / 4) % 4]::text[]
			ELSE '{}' END,
	   CASE WHEN i % 50 = 0 THEN (ARRAY['$current_url', 'plan', 'order_id'])[1 + (i / 50) % 3] END
FROM (VALUES (1, 100000), (2, 10000), (3, 10000), (4, 10000), (5, :small_rows)) AS pr(p, n),
	 generate_series(1, n) i;

/*
 * Usage for event_definition_metrics: every 5th event of project 1 was
 * queried on 10 days of the last 40 (relative to the day of the run), so
 * 4 days of the 10 are older than the 30-day window.
 */
INSERT INTO event_definitions_private.event_usage (project_id, event_name, day, count)
SELECT 1, 'event_' || i, current_date - 4 * k, 1 + (i + k) % 9
FROM generate_series(5, 100000, 5) i, generate_series(0, 9) k;

/*
 * The write cases work on blocks of 500 untagged rows of project 1: block b
 * holds the untagged rows number b*500 .. b*500+499 (0-based j; the row is
 * i = j + j/3 + 1, skipping every 4th).  150 blocks.  The bulk bodies are
 * prepared here so that the measured statement only fetches one.
 */
CREATE SCHEMA bench;
GRANT USAGE ON SCHEMA bench TO bench_writer;

CREATE TABLE bench.bulk_bodies (
	block	integer,
	phase	integer,	-- 0: add "bench", 1: remove it
	body	json NOT NULL,
	PRIMARY KEY (block, phase)
);
ALTER TABLE bench.bulk_bodies ALTER body SET STORAGE EXTERNAL;
INSERT INTO bench.bulk_bodies
SELECT b, ph,
	   json_build_object('ids', (SELECT json_agg(md5('1-' || (j + j / 3 + 1))::uuid ORDER BY j)
								 FROM generate_series(b * 500, b * 500 + 499) j),
						 'action', CASE ph WHEN 0 THEN 'add' ELSE 'remove' END,
						 'tags', json_build_array('bench'))
FROM generate_series(0, 149) b, generate_series(0, 1) ph;

-- The same blocks for bulk_update_verified: verify, then unverify.
CREATE TABLE bench.verified_bodies (
	block	integer,
	phase	integer,	-- 0: verified true, 1: false
	body	json NOT NULL,
	PRIMARY KEY (block, phase)
);
ALTER TABLE bench.verified_bodies ALTER body SET STORAGE EXTERNAL;
INSERT INTO bench.verified_bodies
SELECT b.block, b.phase, json_build_object('ids', b.body -> 'ids', 'verified', b.phase = 0)
FROM bench.bulk_bodies b;

/*
 * Concurrent bulk updates: 40 windows of 500 untagged rows of project 1,
 * one every 250 rows (rows j = w*250 .. w*250+499), so each window shares
 * half its ids with each neighbour.  Odd windows list their ids in
 * descending order, even ones ascending: a function that locked rows in
 * request order would deadlock here.
 */
CREATE TABLE bench.bulk_overlap (
	win		integer,
	phase	integer,	-- 0: add "bench", 1: remove it
	body	json NOT NULL,
	PRIMARY KEY (win, phase)
);
ALTER TABLE bench.bulk_overlap ALTER body SET STORAGE EXTERNAL;
INSERT INTO bench.bulk_overlap
SELECT w, ph,
	   json_build_object('ids', (SELECT json_agg(md5('1-' || (j + j / 3 + 1))::uuid
												 ORDER BY CASE WHEN w % 2 = 0 THEN j ELSE -j END)
								 FROM generate_series(w * 250, w * 250 + 499) j),
						 'action', CASE ph WHEN 0 THEN 'add' ELSE 'remove' END,
						 'tags', json_build_array('bench'))
FROM generate_series(0, 39) w, generate_series(0, 1) ph;

/*
 * Code generation: project 7 has :codegen_events events, project 6 a tenth
 * of that; each has one property group per 10 events, of 10 typed
 * properties each (a third of them required), and every event is attached
 * to one group.  Names look like PostHog's: <object>_<verb>_<n>.
 */
CREATE FUNCTION bench.event_name(i bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT (ARRAY['user', 'account', 'checkout', 'invoice', 'subscription', 'order', 'cart', 'product',
				  'page', 'report', 'dashboard', 'insight', 'feature_flag', 'experiment', 'survey',
				  'session', 'payment', 'coupon', 'team', 'project', 'notification', 'export', 'file'])[1 + i % 23]
		   || '_' ||
		   (ARRAY['created', 'updated', 'deleted', 'viewed', 'clicked', 'submitted', 'completed', 'failed',
				  'started', 'cancelled', 'shared', 'exported', 'imported', 'opened', 'closed', 'renewed',
				  'refunded', 'invited', 'archived'])[1 + i % 19]
		   || '_' || i
$$;

CREATE TEMP TABLE codegen_projects AS
SELECT p, n, greatest(n / 10, 1) AS groups
FROM (VALUES (6, greatest(:codegen_events / 10, 1)), (7, :codegen_events)) v(p, n);

INSERT INTO event_definitions_private.event_definitions (project_id, id, name, created_at, last_seen_at, updated_at)
SELECT p, md5(p || '-' || i)::uuid, bench.event_name(i),
	   timestamptz '2025-01-01 00:00:00+00' + i * interval '61 seconds',
	   timestamptz '2025-06-30 12:00:00+00' - (i % 120) * interval '1 day',
	   timestamptz '2025-07-01 00:00:00+00'
FROM codegen_projects, generate_series(1, n) i;
INSERT INTO event_definitions_private.property_groups (project_id, id, name, description, created_at, updated_at, created_by_id)
SELECT p, md5('group-' || p || '-' || g)::uuid, 'Group ' || g, 'Properties of group ' || g,
	   timestamptz '2025-01-01 00:00:00+00', timestamptz '2025-01-01 00:00:00+00', 1
FROM codegen_projects, generate_series(1, groups) g;
INSERT INTO event_definitions_private.property_group_properties
	(project_id, id, property_group_id, name, property_type, is_required, description, created_at, updated_at)
SELECT p, md5('property-' || p || '-' || g || '-' || k)::uuid, md5('group-' || p || '-' || g)::uuid,
	   (ARRAY['plan', 'amount', 'currency', 'source', 'item_count', 'is_trial', 'started_at', 'metadata',
			  'labels', 'user_id', 'referrer', 'duration_ms', 'is_first_time', 'completed_at', 'context',
			  'variant', 'page_url', 'price', 'is_admin', 'steps'])[1 + (g + k) % 20],
	   (ARRAY['String', 'Numeric', 'String', 'String', 'Numeric', 'Boolean', 'DateTime', 'Object',
			  'Array', 'String', 'String', 'Numeric', 'Boolean', 'DateTime', 'Object',
			  'String', 'String', 'Numeric', 'Boolean', 'Array'])[1 + (g + k) % 20],
	   k % 3 = 0, '', timestamptz '2025-01-01 00:00:00+00', timestamptz '2025-01-01 00:00:00+00'
FROM codegen_projects, generate_series(1, groups) g, generate_series(1, 10) k
ORDER BY p, g, k;	-- a group's properties together, as create_property_group writes them
INSERT INTO event_definitions_private.event_schemas (project_id, id, event_definition_id, property_group_id)
SELECT p, md5('schema-' || p || '-' || i)::uuid, md5(p || '-' || i)::uuid,
	   md5('group-' || p || '-' || (1 + (i - 1) % groups))::uuid
FROM codegen_projects, generate_series(1, n) i;

/*
 * The floors of the write cases: the ids of each block of bench.bulk_bodies
 * as a uuid[] (the raw UPDATE ... WHERE id = ANY ($1) takes them as they
 * are).
 */
CREATE TABLE bench.bulk_ids (
	block	integer PRIMARY KEY,
	ids		uuid[] NOT NULL
);
INSERT INTO bench.bulk_ids
SELECT b.block, ARRAY(SELECT (e #>> '{}')::uuid FROM json_array_elements(b.body -> 'ids') WITH ORDINALITY AS x(e, o) ORDER BY o)
FROM bench.bulk_bodies b WHERE b.phase = 0;

/*
 * Ingestion.  The names ingested are event_1 .. event_1000 of project 1
 * (existing definitions without schemas); bench.ingest_batches holds 20
 * batches of 1,000 events over them, in a shuffled order.  The violation
 * case ingests event_1 .. event_50 of project 2, which require "amount"
 * (Numeric) through a property group, with amount sent as a string.
 * Projects 9 (rules on every property) and 10 (the same without rules)
 * have 100 events each, all attached to their project's one group of 10
 * properties; bench.rules_batches holds 5 batches of 1,000 events per
 * project whose values all pass the rules (so both check every property
 * and find nothing).
 */
SELECT event_definitions.upsert_project(p, 'Bench project ' || p) FROM generate_series(9, 10) p \g /dev/null
SELECT event_definitions.add_project_member(p, u) FROM generate_series(9, 10) p, generate_series(2, 5) u \g /dev/null
CREATE TABLE bench.ingest_batches (
	batch	integer PRIMARY KEY,
	events	jsonb NOT NULL
);
INSERT INTO bench.ingest_batches
SELECT b, (SELECT jsonb_agg(jsonb_build_object('event', 'event_' || (1 + (k * 7919 + b * 104729) % 1000),
											   'properties', jsonb_build_object('k', k)) ORDER BY k)
		   FROM generate_series(1, 1000) k)
FROM generate_series(0, 19) b;

INSERT INTO event_definitions_private.property_groups (project_id, id, name, created_at, updated_at)
VALUES (2, md5('group-2-amount')::uuid, 'Amount', timestamptz '2025-01-01 00:00:00+00', timestamptz '2025-01-01 00:00:00+00');
INSERT INTO event_definitions_private.property_group_properties
	(project_id, property_group_id, name, property_type, is_required, created_at, updated_at)
VALUES (2, md5('group-2-amount')::uuid, 'amount', 'Numeric', true, timestamptz '2025-01-01 00:00:00+00',
		timestamptz '2025-01-01 00:00:00+00');
INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id)
SELECT 2, md5('2-' || i)::uuid, md5('group-2-amount')::uuid FROM generate_series(1, 50) i;

CREATE TEMP TABLE rule_properties (k, name, type, rules, value) AS VALUES
	(1, 'plan', 'String', '{"enum": ["free", "pro", "enterprise"]}'::jsonb, '"pro"'::jsonb),
	(2, 'slug', 'String', '{"pattern": "^[a-z][a-z0-9_]*$"}', '"checkout_page_2"'),
	(3, 'title', 'String', '{"minLength": 1, "maxLength": 200}', '"A title of some length"'),
	(4, 'order_id', 'String', '{"format": "uuid"}', '"6f1c1e5e-2c3a-4b8e-9d2f-0a1b2c3d4e5f"'),
	(5, 'amount', 'Numeric', '{"minimum": 0, "maximum": 1000000}', '129.5'),
	(6, 'quantity', 'Numeric', '{"exclusiveMinimum": 0, "exclusiveMaximum": 1000}', '3'),
	(7, 'tier', 'Numeric', '{"enum": [1, 2, 3]}', '2'),
	(8, 'is_trial', 'Boolean', '{"enum": [true, false]}', 'false'),
	(9, 'items', 'Array', '{"minItems": 1, "maxItems": 50}', '["a", "b"]'),
	(10, 'labels', 'Array', '{"maxItems": 10}', '["x"]');
INSERT INTO event_definitions_private.event_definitions (project_id, id, name, created_at, last_seen_at, updated_at)
SELECT p, md5(p || '-' || i)::uuid, 'rule_event_' || i, timestamptz '2025-01-01 00:00:00+00',
	   timestamptz '2025-06-30 12:00:00+00', timestamptz '2025-07-01 00:00:00+00'
FROM generate_series(9, 10) p, generate_series(1, 100) i;
INSERT INTO event_definitions_private.property_groups (project_id, id, name, created_at, updated_at)
SELECT p, md5('group-' || p || '-rules')::uuid, 'Checked', timestamptz '2025-01-01 00:00:00+00',
	   timestamptz '2025-01-01 00:00:00+00'
FROM generate_series(9, 10) p;
INSERT INTO event_definitions_private.property_group_properties
	(project_id, property_group_id, name, property_type, is_required, rules, created_at, updated_at)
SELECT p, md5('group-' || p || '-rules')::uuid, r.name, r.type, r.k % 2 = 1, CASE WHEN p = 9 THEN r.rules END,
	   timestamptz '2025-01-01 00:00:00+00', timestamptz '2025-01-01 00:00:00+00'
FROM generate_series(9, 10) p, rule_properties r;
INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id)
SELECT p, md5(p || '-' || i)::uuid, md5('group-' || p || '-rules')::uuid
FROM generate_series(9, 10) p, generate_series(1, 100) i;
CREATE TABLE bench.rules_batches (
	project	integer,
	batch	integer,
	events	jsonb NOT NULL,
	PRIMARY KEY (project, batch)
);
INSERT INTO bench.rules_batches
SELECT p, b, (SELECT jsonb_agg(jsonb_build_object('event', 'rule_event_' || (1 + (k * 31 + b) % 100),
												   'properties', (SELECT jsonb_object_agg(r.name, r.value) FROM rule_properties r))
							   ORDER BY k)
			  FROM generate_series(1, 1000) k)
FROM generate_series(9, 10) p, generate_series(0, 4) b;
GRANT SELECT ON ALL TABLES IN SCHEMA bench TO bench_writer;

-- The writer login runs the baselines (bench/baselines.sql, loaded next):
-- it has the schema (above) and EXECUTE on every function created in it.
ALTER DEFAULT PRIVILEGES IN SCHEMA bench GRANT EXECUTE ON FUNCTIONS TO bench_writer;

VACUUM (ANALYZE);
