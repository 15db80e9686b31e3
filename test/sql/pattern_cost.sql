-- Regular expressions of naming and value rules are refused when they would
-- cost too much to compile or to match, before PostgreSQL's regex library
-- sees them: back references and lookaround (matching time beyond linear),
-- embedded options, repeated parts that can match the empty string, more
-- than 10,000 parts once bounded repetitions are expanded, more than 128
-- optional parts.  Each would otherwise take seconds of a writer's
-- statement, and again in every ingesting backend that compiles it.
-- Patterns just inside the bounds, and ordinary ones, are accepted.
-- Project 7851.
\set VERBOSITY terse
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/try_terse.psql
SELECT event_definitions.upsert_project(7851, 'Pattern cost') ->> 'name';
SELECT event_definitions.update_project_settings(7851, '{"event_name_pattern": "^[a-z][a-z0-9_]*$"}') ->> 'event_name_pattern' AS before;

CREATE TEMP TABLE patterns (n serial, pattern text);
INSERT INTO patterns (pattern) VALUES
	-- refused: matching beyond linear time
	('^(a+)\1$'),
	('(?=x*y)x'),
	('(?!a)b'),
	('(?<=a)b'),
	('(?<!a)b'),
	-- refused: embedded options and comments change the syntax
	('(?i)abc'),
	('(?b)\(a\)\1'),
	('a(?#comment)'),
	-- refused: a repeated part that can match the empty string
	('(a*)*'),
	('(a?){2}'),
	('(a|)+'),
	('(\m)*'),
	(repeat('(a?){1,255}', 6)),	-- 5 s to compile in PostgreSQL 15
	-- refused: too many parts, too many optional parts
	(repeat('(a?){1,100}', 20)),	-- 22 s, then "too complex"
	('(\w{255}){255}'),
	(repeat('\w{255}', 40)),
	(repeat('a?', 128)),
	(repeat('x*', 200)),
	(repeat('(h|i)?', 129)),
	('(\wx?){1,128}'),
	-- accepted
	(repeat('a?', 127)),
	(repeat('\w{255}', 39)),
	('(\wx?){1,127}'),
	('(a?)?'),
	('(x+x+)+y'),
	('^[a-z]{1,255}$'),
	('^[a-z]{1,64}(_[a-z]{1,64})*$'),
	('[]a]*[^]b]+[[:alpha:]]+[\d]+'),
	('a{,3}'),
	('\m\w+\M'),
	('ü+\.'),
	('***=(a*)*\1'),
	('***:^[a-z]+$'),
	-- PostgreSQL's own reasons still come first for invalid ones
	('a{3'),
	('(unclosed');
SELECT n, left(pattern, 30) AS pattern,
	   pg_temp.try(format('SELECT event_definitions.update_project_settings(7851, %L) ->> ''event_name_pattern'' IS NOT NULL',
						  json_build_object('event_name_pattern', pattern))) AS naming,
	   pg_temp.try(format('SELECT event_definitions.create_property_group(7851, %L) IS NOT NULL',
						  json_build_object('name', 'group_' || n, 'properties',
											json_build_array(json_build_object('name', 'p', 'property_type', 'String',
																			   'rules', json_build_object('pattern', pattern)))))) AS rule
FROM patterns ORDER BY n;
-- a refused pattern changed nothing: the groups written are the accepted
-- ones, and the settings hold the last accepted pattern
SELECT string_agg(substr(name, 7), ',' ORDER BY substr(name, 7)::int) AS groups_written
FROM event_definitions_private.property_groups WHERE project_id = 7851;
SELECT left(event_definitions.project_settings(7851) ->> 'event_name_pattern', 20) AS after;
-- the property-name pattern is checked the same way, and so is a plan's
SELECT pg_temp.try($$SELECT event_definitions.update_project_settings(7851, '{"property_name_pattern": "(a*)+"}')$$) AS property_name_pattern;
SELECT pg_temp.try($$SELECT event_definitions.diff_tracking_plan(7851, '{"version": 1, "settings": {"event_name_pattern": "(?=a)"}, "events": [], "property_groups": []}')$$) AS plan;
