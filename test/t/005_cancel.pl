
# Copyright (c) 2026, the event_definitions authors

# Long calls can be cancelled: with statement_timeout = 500ms, every call
# that would run long over a project of 1,000,000 definitions (the three
# generators, a search no index serves, an ordering of 30,000 unknown
# fields, a limit of a million, a tracking plan's diff) ends within a
# second, as a reader login (SQLSTATE 57014, or its answer when it is
# quick), and the backend keeps serving (as long to read as to write, or
# quick to read and long to write).  Every loop of the extension over rows, properties, ids or
# request items checks for interrupts, and the work is linear.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = PostgreSQL::Test::Cluster->new('cancel');
$node->init(extra => [ '--encoding=UTF8', '--locale=C.UTF-8' ]);
$node->append_conf('postgresql.conf', "fsync = off\nmax_wal_size = 4GB\n");
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION event_definitions;
CREATE ROLE cancel_reader LOGIN IN ROLE event_definitions_reader;
SELECT event_definitions.upsert_project(1, 'Large');
SELECT event_definitions.upsert_user('{"id": 1, "first_name": "Reader", "login_role": "cancel_reader"}');
SELECT event_definitions.add_project_member(1, 1);
SELECT event_definitions.upsert_project(2, 'Quick to read, long to write');
SELECT event_definitions.add_project_member(2, 1);
SELECT event_definitions.upsert_project(3, 'Empty');
SELECT event_definitions.add_project_member(3, 1);
INSERT INTO event_definitions_private.event_definitions (project_id, name, last_seen_at)
SELECT 1, 'event_' || g, '2024-01-01Z'::timestamptz + g * interval '1 second'
FROM generate_series(1, 1000000) g;
INSERT INTO event_definitions_private.event_definitions (project_id, name)
SELECT 2, 'event_' || g FROM generate_series(1, 300000) g;
VACUUM ANALYZE event_definitions_private.event_definitions;
});
is($node->safe_psql('postgres',
		'SELECT count(*) FROM event_definitions_private.event_definitions WHERE project_id = 1'),
	'1000000', 'a project of 1,000,000 definitions');

my @calls = (
	[ 'TypeScript generator', 'SELECT event_definitions.event_definitions_typescript(1)' ],
	[ 'Python generator',     'SELECT event_definitions.event_definitions_python(1)' ],
	[ 'Go generator',         'SELECT event_definitions.event_definitions_golang(1)' ],
	# 300,000 definitions are read in a fraction of the timeout; writing
	# their file is what runs long.  The file is not sent: its conversion to
	# text is PostgreSQL's jsonb output, which checks for no interrupt (0.8 s
	# of Python's 16 MB file, after a generation of 0.5 s); the _chunks form
	# answers text
	[ 'Go generator, writing', 'SELECT event_definitions.event_definitions_golang(2) IS NOT NULL' ],
	[ 'Python generator, writing', 'SELECT event_definitions.event_definitions_python(2) IS NOT NULL' ],
	[
		'Python generator in chunks, writing',
		'SELECT sum(length(content)) FROM event_definitions.event_definitions_python_chunks(2)'
	],
	[
		'search without an index',
		q{SELECT event_definitions.list_event_definitions(1, search => 'no_such_name', ordering => 'name')}
	],
	[
		'an ordering of 30,000 unknown fields',
		q{SELECT event_definitions.list_event_definitions(1, ordering =>
			(SELECT string_agg('-unknown_' || g, ',') FROM generate_series(1, 30000) g))}
	],
	[
		'a limit of a million',
		q{SELECT event_definitions.list_event_definitions(1, "limit" => 1000000, ordering => 'name')}
	],
	[
		'exclude 100,000 names',
		q{SELECT event_definitions.list_event_definitions(1, excluded_properties =>
			(SELECT json_agg('event_' || g) FROM generate_series(1, 100000) g)::text, ordering => '-name')}
	],
	# a tracking plan of 160,000 new events (the most its 500,000 JSON
	# values allow): over an empty catalog, the creates merged after its
	# last row; over 300,000 definitions, the catalog's rows
	[
		'a plan of 160,000 new events',
		q{SELECT event_definitions.diff_tracking_plan(3, (SELECT json_build_object('version', 1, 'events',
			json_agg(json_build_object('name', 'new_' || g))) FROM generate_series(1, 160000) g)) IS NOT NULL}
	],
	[
		'a plan against 300,000 definitions',
		q{SELECT event_definitions.diff_tracking_plan(2, (SELECT json_build_object('version', 1, 'events',
			json_agg(json_build_object('name', 'new_' || g))) FROM generate_series(1, 160000) g)) IS NOT NULL}
	],);

foreach my $call (@calls)
{
	my ($name, $sql) = @$call;
	my $started = time;
	my ($ret, $stdout, $stderr) = $node->psql('postgres',
		"SET statement_timeout = '500ms'; $sql",
		extra_params => [ '-U', 'cancel_reader' ]);
	my $elapsed = time - $started;
	ok($ret == 0 || $stderr =~ /canceling statement due to statement timeout/,
		"$name: answers or is cancelled")
	  or diag($stderr);
	cmp_ok($elapsed, '<', 1.0, "$name: ends within a second of starting");
	note(sprintf("%s: %.3f s, %s", $name, $elapsed,
			$ret == 0 ? 'answered' : 'cancelled'));
}

# the backend and the server are well after all of it
is($node->safe_psql('postgres',
		q{SELECT event_definitions.event_definition_by_name(1, 'event_7') ->> 'name'},
		extra_params => [ '-U', 'cancel_reader' ]),
	'event_7', 'the reader is served afterwards');

$node->stop;
done_testing();
